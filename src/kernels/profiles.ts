// The built-in profiles: Debian's four arm64 kernels, so the common case needs no download.
// Values come from the Debian packages (Image header, /boot/config-*) and, for struct sizes, from
// memblock=debug boots of those binaries (conformance/calibration).
import { DEBIAN_BOOT_PARAMS } from './data/boot-params.ts';
import type { BootParamTables } from '../inputs/image-params.ts';
import { generationOf, parseVersion, type Generation, type KernelVersion } from './generation.ts';
import type { LayoutConfig } from './layout-config.ts';
import type { KernelProfile } from './profile.ts';
import type { ImageSectionsK } from '../model/memory-summary.ts';
import { behavioursFor } from './behaviors/generations.ts';

const debianConfig = (gen: Generation): LayoutConfig => ({
  pageSize: 4096n,
  vaBits: gen === '6.12' || gen === '7.2' ? 52 : 48,
  paBits: gen === '6.12' || gen === '7.2' ? 52 : 48,
  zoneDma: true,
  zoneDma32: true,
  zoneDevice: gen === '6.12' || gen === '7.2',
  cma: true,
  cmaSizeMbytes: 64,
  cmaSizeSel: 'mbytes',
  cmaSizePercentage: 0,
  numa: true,
  nodesShift: 4,
  nrCpus: gen === '6.12' || gen === '7.2' ? 512 : 256,
  rodataFullDefault: true,
  kfence: gen === '6.12' || gen === '7.2',
  kfenceSampleInterval: 0,
  debugPagealloc: false,
  crashDump: true,
  kexecFile: false,
  dmaBounceUnalignedKmalloc: gen === '6.12' || gen === '7.2',
  deferredStructPageInit: true,
  randomizeBase: true,
});

interface DebianBuild {
  name: string;
  release: string;
  version: string;
  imageSize: bigint;
  reserveSkipsHeader: bigint;
  /** roundup(sizeof(pg_data_t), 64): the NUMA: NODE_DATA line's size in a memblock=debug boot. */
  ndSize: bigint;
  /** Section sizes of the binary (kernel code, rwdata, rodata, init, bss in KiB), as its own `Memory:` line states them. */
  sectionsK: ImageSectionsK;
}

const builds: Record<Generation, DebianBuild> = {
  '5.10': { name: 'debian-5.10', release: '5.10.0-32-arm64', version: '5.10.223', imageSize: 0x1ad0000n, reserveSkipsHeader: 0n, ndSize: 0x2500n, sectionsK: { code: 11712, rwdata: 2440, rodata: 7104, init: 5440, bss: 597 } },
  // arch/arm64/mm/init.c 6.1: memblock_reserve(__pa_symbol(_stext), _end - _stext); _stext = _text + SEGMENT_ALIGN (64 KiB).
  '6.1': { name: 'debian-6.1', release: '6.1.0-50-arm64', version: '6.1.176', imageSize: 0x2010000n, reserveSkipsHeader: 0x10000n, ndSize: 0x2c80n, sectionsK: { code: 13248, rwdata: 2806, rodata: 9504, init: 6464, bss: 627 } },
  '6.12': { name: 'debian-6.12', release: '6.12.117+deb13-arm64', version: '6.12.117', imageSize: 0x2500000n, reserveSkipsHeader: 0n, ndSize: 0x3740n, sectionsK: { code: 15744, rwdata: 3822, rodata: 13988, init: 3136, bss: 938 } },
  '7.2': { name: 'debian-7.2', release: '7.2.13+deb14-arm64', version: '7.2.13', imageSize: 0x2f00000n, reserveSkipsHeader: 0n, ndSize: 0x3800n, sectionsK: { code: 19136, rwdata: 5282, rodata: 18632, init: 3904, bss: 884 } },
};

function debianProfile(gen: Generation): KernelProfile {
  const b = builds[gen];
  return {
    name: b.name,
    generation: gen,
    version: parseVersion(b.version)!,
    approximate: false,
    banner: `Linux version ${b.release}`,
    config: debianConfig(gen),
    image: { imageSize: b.imageSize, textOffset: 0n, reserveSkipsHeader: b.reserveSkipsHeader, sectionsK: b.sectionsK, bootParams: DEBIAN_BOOT_PARAMS[b.name] },
    behaviours: behavioursFor(gen, { ndSize: b.ndSize }),
  };
}

export const PROFILE_NAMES = ['debian-5.10', 'debian-6.1', 'debian-6.12', 'debian-7.2'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

const byName = new Map<string, KernelProfile>();
export function builtinProfile(name: string): KernelProfile | undefined {
  const gen = ({ 'debian-5.10': '5.10', 'debian-6.1': '6.1', 'debian-6.12': '6.12', 'debian-7.2': '7.2' } as Record<string, Generation>)[name];
  if (!gen) return undefined;
  let p = byName.get(name);
  if (!p) byName.set(name, (p = debianProfile(gen)));
  return p;
}

/**
 * A profile for another kernel image: the behaviour of its version's generation and that Debian build's
 * struct sizes, with the image's own header values.
 */
export function profileForImage(img: { version: KernelVersion; banner: string; imageSize: bigint; textOffset: bigint; bootParams?: BootParamTables }, config?: Partial<LayoutConfig>): KernelProfile {
  const { generation, approximate } = generationOf(img.version);
  const base = debianProfile(generation);
  return {
    ...base,
    name: `${img.version.major}.${img.version.minor}.${img.version.patch}`,
    version: img.version,
    approximate,
    banner: img.banner,
    config: { ...base.config, ...config },
    // without the image's own tables, the Debian build of its generation stands in
    image: { imageSize: img.imageSize, textOffset: img.textOffset, reserveSkipsHeader: base.image.reserveSkipsHeader, sectionsK: undefined, bootParams: img.bootParams ?? base.image.bootParams },
  };
}
