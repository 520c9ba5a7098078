// The one entry point every adapter uses (CLI, page, sweep): bytes and options in, a prediction out.
// Runs in Node and in the browser: no Node imports.
import { fail, InputFailure, ok, type InputError, type Result } from '../inputs/errors.ts';
import { parseFdt } from '../inputs/fdt/check.ts';
import type { Fdt } from '../inputs/fdt/tree.ts';
import { readKernelImage, type KernelImageInfo } from '../inputs/image.ts';
import { bootParamTables } from '../inputs/image-params.ts';
import { kernelConfigFacts, parseKconfig } from '../inputs/kconfig.ts';
import { qemuVirtDtb } from '../inputs/machines/qemu-virt.ts';
import { predictBoot, type Prediction } from '../kernels/boot.ts';
import { predictEfiBoot } from '../kernels/efi-boot.ts';
import { parseEfiMemmap } from '../inputs/efi-memmap.ts';
import { parseIort } from '../inputs/acpi/iort.ts';
import { ModelPanic } from '../model/context.ts';
import { QEMU_CPU_PA_BITS } from '../model/kaslr.ts';
import { MemblockPanic } from '../model/memblock/double-array.ts';
import type { LayoutConfig } from '../kernels/layout-config.ts';
import type { KernelProfile } from '../kernels/profile.ts';
import { builtinProfile, PROFILE_NAMES, profileForImage } from '../kernels/profiles.ts';

export type MachineSpec = { type: 'qemu-virt'; ramBytes: bigint; smp: number; cpu?: string };
export type LoaderSpec =
  | { type: 'qemu-virt' }
  | { type: 'at'; imageAddr: bigint; dtbAddr: bigint; initrdAddr?: bigint; initrdSize?: bigint };

export interface PredictOptions {
  /** A DTB as the kernel receives it, or a machine preset that builds one. */
  dtb?: { bytes: Uint8Array; file: string };
  machine?: MachineSpec;
  /** A built-in profile name or an image. */
  kernel?: string | { bytes: Uint8Array; file: string };
  config?: { text: string; file: string };
  loader?: LoaderSpec;
  cmdline?: string;
  /** QEMU -cpu; 'max' implements LPA2. */
  cpu?: string;
  /** A UEFI + ACPI boot: the EFI memory map as `efi=debug` prints it (a boot log or dmesg), and the IORT. */
  efi?: {
    memmap: { text: string; file: string };
    /** The IORT the kernel uses; absent: QEMU virt's, which sets no memory address limit. */
    iort?: { bytes: Uint8Array; file: string };
    /** The IORT came through the initrd's ACPI table upgrade (its bytes are then reserved too). */
    iortUpgraded?: boolean;
    cpus?: number;
    initrdSize?: bigint;
  };
}

const QEMU_VIRT_RAM_BASE = 0x40000000n;
const MiB = 1n << 20n;

export function resolveKernel(kernel: PredictOptions['kernel'], config?: PredictOptions['config']): Result<KernelProfile> {
  const r = resolveKernelImage(kernel, config);
  return r.ok ? ok(r.value.profile) : r;
}

/** resolveKernel(), with the raw Image when the kernel is a file (kexec loads and hashes it): decompressed once. */
export function resolveKernelImage(kernel: PredictOptions['kernel'], config?: PredictOptions['config']): Result<{ profile: KernelProfile; image?: { info: KernelImageInfo; raw: Uint8Array } }> {
  let profile: KernelProfile;
  let image: { info: KernelImageInfo; raw: Uint8Array } | undefined;
  if (kernel === undefined || typeof kernel === 'string') {
    const name = kernel ?? 'debian-6.12';
    const p = builtinProfile(name);
    if (!p) return fail({ kind: 'option', code: 'UNKNOWN_PROFILE', file: '--kernel', expected: `an image file or one of ${PROFILE_NAMES.join(', ')}`, found: name });
    profile = p;
  } else {
    const img = readKernelImage(kernel.bytes, kernel.file);
    if (!img.ok) return img;
    image = img.value;
    const { info, raw } = image;
    // the image's own parameter tables decide which command-line words go to init (else its generation's Debian build's)
    profile = profileForImage({ version: info.version, banner: info.banner, imageSize: info.imageSize, textOffset: info.textOffset, bootParams: bootParamTables(raw) });
  }
  if (config) {
    const cfg = parseKconfig(config.text, config.file);
    if (!cfg.ok) return cfg;
    const facts = kernelConfigFacts(cfg.value, config.file);
    if (!facts.ok) return facts;
    const f = facts.value;
    const c: Partial<LayoutConfig> = {
      pageSize: BigInt(f.pageSize), vaBits: f.vaBits, paBits: f.paBits, zoneDma: f.zoneDma, zoneDma32: f.zoneDma32, zoneDevice: f.zoneDevice,
      cma: f.cma && f.dmaCma, cmaSizeMbytes: f.cmaSizeMbytes ?? 0, cmaSizeSel: f.cmaSizeSel ?? 'mbytes', cmaSizePercentage: f.cmaSizePercentage ?? 0,
      numa: f.numa, nrCpus: f.nrCpus, rodataFullDefault: f.rodataFullDefaultEnabled, kfence: f.kfence, kfenceSampleInterval: f.kfenceSampleInterval ?? 0,
      debugPagealloc: f.debugPageallocEnableDefault, crashDump: f.crashDump, kexecFile: f.kexecFile, dmaBounceUnalignedKmalloc: f.dmaBounceUnalignedKmalloc,
      deferredStructPageInit: f.deferredStructPageInit, randomizeBase: f.randomizeBase,
    };
    profile = { ...profile, config: { ...profile.config, ...c } };
  }
  return ok({ profile, image });
}

/** Where QEMU's virt -kernel loader puts things (hw/arm/boot.c): Image at RAM + 2 MiB, DTB after the initrd slot. */
export function qemuVirtPlacement(ramBytes: bigint): { imageAddr: bigint; dtbAddr: bigint } {
  const half = ramBytes / 2n;
  const initrdStart = QEMU_VIRT_RAM_BASE + (half < 128n * MiB ? half : 128n * MiB);
  return { imageAddr: QEMU_VIRT_RAM_BASE + 2n * MiB, dtbAddr: (initrdStart + 2n * MiB - 1n) & ~(2n * MiB - 1n) };
}

function qemuVirtRamOf(fdt: Fdt): bigint {
  let total = 0n;
  for (const n of fdt.root.children) {
    if (!n.name.startsWith('memory')) continue;
    const reg = n.props.find((p) => p.name === 'reg');
    if (!reg) continue;
    const dv = new DataView(reg.value.buffer, reg.value.byteOffset, reg.value.byteLength);
    for (let i = 0; i + 16 <= reg.value.length; i += 16) total += dv.getBigUint64(i + 8);
  }
  return total;
}

/**
 * The QEMU virt DTB of a machine preset, built once per (RAM, CPUs, CPU model, command line): a sweep asks for
 * the same few machines thousands of times, and building the 1 MiB blob costs more than predicting from it.
 * The model only reads the bytes. Bounded: emptied when it holds 64 blobs.
 */
const machineDtbs = new Map<string, Uint8Array>();
function machineDtb(ramBytes: bigint, smp: number, cpu: string | undefined, cmdline: string | undefined): Uint8Array {
  const key = `${ramBytes}|${smp}|${cpu ?? ''}|${cmdline ?? '\u0000'}`;
  let dtb = machineDtbs.get(key);
  if (!dtb) {
    dtb = qemuVirtDtb({ ramBytes, smp, cpu, cmdline });
    if (machineDtbs.size >= 64) machineDtbs.clear();
    machineDtbs.set(key, dtb);
  }
  return dtb;
}

export function predict(o: PredictOptions): Result<Prediction, InputError> {
  try {
    const prof = resolveKernel(o.kernel, o.config);
    if (!prof.ok) return prof;
    if (o.efi) {
      const map = parseEfiMemmap(o.efi.memmap.text, o.efi.memmap.file);
      if (!map.ok) return map;
      let iort;
      if (o.efi.iort) {
        const r = parseIort(o.efi.iort.bytes, o.efi.iort.file);
        if (!r.ok) return r;
        iort = r.value;
      }
      return ok(predictEfiBoot({
        map: map.value, cmdline: o.cmdline ?? '', possibleCpus: o.efi.cpus ?? 1, iort,
        upgradedTablesSize: iort && o.efi.iortUpgraded ? BigInt(iort.header.length) : undefined,
        initrd: o.efi.initrdSize ? { size: o.efi.initrdSize } : undefined, lpa2: o.cpu?.split(',')[0] === 'max',
      }, prof.value));
    }
    let dtbBytes: Uint8Array;
    let file: string;
    if (o.dtb) {
      dtbBytes = o.dtb.bytes;
      file = o.dtb.file;
    } else if (o.machine) {
      dtbBytes = machineDtb(o.machine.ramBytes, o.machine.smp, o.machine.cpu ?? o.cpu, o.cmdline);
      file = `qemu-virt(${o.machine.ramBytes >> 20n}M)`;
    } else {
      return fail({ kind: 'option', code: 'NO_MACHINE', file: 'predict', expected: '--dtb FILE or --machine qemu-virt --ram SIZE' });
    }
    const fdt = parseFdt(dtbBytes, file);
    if (!fdt.ok) return fdt;
    const loader = o.loader ?? { type: 'qemu-virt' };
    let imageAddr: bigint, dtbAddr: bigint;
    if (loader.type === 'at') {
      imageAddr = loader.imageAddr;
      dtbAddr = loader.dtbAddr;
    } else {
      const ram = o.machine?.ramBytes ?? qemuVirtRamOf(fdt.value);
      ({ imageAddr, dtbAddr } = qemuVirtPlacement(ram));
    }
    const cpu = o.machine?.cpu ?? o.cpu;
    const model = cpu?.split(',')[0];
    return ok(predictBoot({ fdt: fdt.value, dtbAddr, imageAddr, cmdline: o.cmdline, lpa2: model === 'max', paRangeBits: model ? QEMU_CPU_PA_BITS[model] : undefined }, prof.value));
  } catch (e) {
    if (e instanceof InputFailure) return fail(e.error);
    if (e instanceof MemblockPanic) return fail({ kind: 'machine', code: 'KERNEL_PANIC', file: o.dtb?.file ?? 'the machine', field: 'memblock_double_array', expected: 'a machine this kernel can boot', found: `the kernel would panic: ${e.message}` });
    if (e instanceof ModelPanic) return fail({ kind: 'machine', code: 'KERNEL_PANIC', file: o.dtb?.file ?? 'the machine', field: e.site, expected: 'a machine this kernel can boot', found: `the kernel would panic: ${e.message}` });
    // The machine preset refuses what QEMU's virt machine refuses (more than 8 CPUs with GICv2, unknown CPUs).
    if (e instanceof RangeError && o.machine) return fail({ kind: 'option', code: 'BAD_MACHINE', file: '--machine qemu-virt', expected: 'what QEMU virt accepts (1–8 CPUs; cortex-a57, cortex-a53, cortex-a72 or max)', found: e.message });
    throw e;
  }
}
