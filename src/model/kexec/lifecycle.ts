// The crash region's life after boot, step by step: shrinking through /sys/kernel/kexec_crash_size, `kexec -p`
// (kexec-tools' placement), unloading, and the crash that boots the kdump kernel with the DTB kexec-tools built.
// Each step reports what a user sees: the write's result, the "Crash kernel" lines of /proc/iomem, the two sysfs
// files, the segments, and at the crash the kdump kernel's own predicted boot.
import { parseFdt } from '../../inputs/fdt/check.ts';
import { formatInputError } from '../../inputs/errors.ts';
import type { Fdt } from '../../inputs/fdt/tree.ts';
import type { KernelProfile } from '../../kernels/profile.ts';
import { type BootInput, type Prediction, predictBoot } from '../../kernels/boot.ts';
import { ModelPanic } from '../context.ts';
import { crashIomemLines, type CrashRegions, crashShrinkMemory, kexecCrashSize } from './crash-size.ts';
import { buildKdumpDtb, kdumpDtbSize, kernelKdumpDtbSize, stringsBlock } from './kdump-dtb.ts';
import { kexecFileLoadCrash, kexecFileUnavailable } from './kexec-file.ts';
import { type KexecLoadResult, kexecLoadCrash, type KexecToolsBuild, type Range } from './kexec-tools.ts';

export type LifecycleAction = { kind: 'shrink'; bytes: bigint } | { kind: 'load'; nochecks?: boolean } | { kind: 'unload' } | { kind: 'crash' };

export interface CrashState {
  /** The "Crash kernel" lines of /proc/iomem. */
  iomem: string[];
  /** /sys/kernel/kexec_crash_size and kexec_crash_loaded as they read. */
  size: bigint;
  loaded: boolean;
}

export type LifecycleStep =
  | { kind: 'shrink'; bytes: bigint; ret: 0 | -22 | -2; error?: string; why: string; state: CrashState }
  /** `hypothetical`: where kexec_file_load would put the segments on a kernel built with it. */
  | { kind: 'load'; result: KexecLoadResult; dtbBytes: bigint; hypothetical?: KexecLoadResult; state: CrashState }
  | { kind: 'unload'; state: CrashState }
  | { kind: 'crash'; kdump?: Prediction; panic?: string; why?: string; state: CrashState };

export interface LifecycleInput {
  first: Prediction;
  /** The DTB the first kernel booted with (what kexec-tools reads back from /sys/firmware/fdt). */
  dtb: Uint8Array;
  fdt: Fdt;
  /** The crash kernel: its profile (the kdump kernel's generation) and Image header facts. */
  crashKernel: { profile: KernelProfile; imageSize: bigint; textOffset: bigint; fileBytes: bigint };
  initrdBytes?: bigint;
  kdumpCmdline: string;
  build: KexecToolsBuild;
  cpus: number;
  /** The CPU's PARange (the kdump kernel's KASLR linear range); unknown: not modelled. */
  paRangeBits?: number;
  /** kexec_load (kexec-tools places the segments; the default) or kexec_file_load (the kernel does). */
  path?: 'kexec_load' | 'kexec_file_load';
  /** For kexec_file_load: whether the first kernel has it (CONFIG_KEXEC_FILE; every Debian kernel: no). */
  kexecFileBuilt?: boolean;
}

const ERRNO_TEXT: Record<number, string> = { [-22]: 'Invalid argument', [-2]: 'No such file or directory' };

/** What the shell prints when the write fails (busybox: "sh: write error: <strerror>"). */
export const writeErrorText = (ret: number): string => `sh: write error: ${ERRNO_TEXT[ret] ?? `errno ${-ret}`}`;

export function runLifecycle(i: LifecycleInput, actions: readonly LifecycleAction[]): { boot: CrashState; steps: LifecycleStep[] } {
  const crash = i.first.crash;
  let regions: CrashRegions = crash?.ok ? { main: crash.main, low: crash.low } : {};
  let loaded: KexecLoadResult | undefined;
  const sizeVariant = i.first.profile.behaviours.crashSize;
  const state = (): CrashState => ({ iomem: crashIomemLines(regions), size: kexecCrashSize(regions, sizeVariant), loaded: !!loaded?.ok });
  const steps: LifecycleStep[] = [];
  const boot = state();
  for (const a of actions) {
    if (a.kind === 'shrink') {
      const before = kexecCrashSize(regions, sizeVariant);
      const r = crashShrinkMemory(regions, a.bytes, !!loaded?.ok, sizeVariant);
      regions = r.regions;
      const why = r.ret === -2 ? 'a crash kernel is loaded: crash_shrink_memory() refuses (-ENOENT) until it is unloaded'
        : r.ret === -22 ? `the region can only shrink: ${a.bytes} rounded up to a page is more than the ${before} bytes it has`
          : r.freed.length ? `the top of the region goes back to the page allocator: ${r.freed.map((f) => `[${f.base.toString(16)}-${(f.base + f.size - 1n).toString(16)}]`).join(', ')}`
            : 'the size is unchanged';
      steps.push({ kind: 'shrink', bytes: a.bytes, ret: r.ret, ...(r.ret ? { error: writeErrorText(r.ret) } : {}), why, state: state() });
    } else if (a.kind === 'load') {
      const r = load(i, regions);
      loaded = r.result.ok ? r.result : loaded;
      steps.push({ kind: 'load', result: r.result, dtbBytes: r.dtbBytes, ...(r.hypothetical ? { hypothetical: r.hypothetical } : {}), state: state() });
    } else if (a.kind === 'unload') {
      loaded = undefined;
      steps.push({ kind: 'unload', state: state() });
    } else {
      if (!loaded?.ok) { steps.push({ kind: 'crash', why: 'no crash kernel is loaded: the kernel panics and stays down', state: state() }); continue; }
      try {
        steps.push({ kind: 'crash', kdump: predictKdump(i, loaded), state: state() });
      } catch (e) {
        if (!(e instanceof ModelPanic)) throw e;
        steps.push({ kind: 'crash', panic: `${e.site}: ${e.message}`, why: 'the kdump kernel panics during its early boot', state: state() });
      }
    }
  }
  return { boot, steps };
}

function ranges(i: LifecycleInput, regions: CrashRegions): { crash: Range[]; systemRam: Range[]; memoryRanges: Range[] } {
  const crash = [regions.low, regions.main].filter((r): r is Range => !!r && r.size > 0n).sort((a, b) => (a.base < b.base ? -1 : 1));
  const NOMAP = 4;
  const systemRam = i.first.final.memory.filter((m) => !(m.flags & NOMAP)).map((m) => ({ base: m.base, size: m.size }));
  // kexec-tools' memory ranges: System RAM without the "reserved" lines under it; the crash ranges are not "reserved".
  const reserved = i.first.final.reserved
    .flatMap((r) => subtract({ base: r.base, size: r.size }, crash));
  const memoryRanges = systemRam.flatMap((m) => reserved.reduce<Range[]>((acc, r) => acc.flatMap((x) => subtract(x, [r])), [m]));
  return { crash, systemRam, memoryRanges };
}

function subtract(r: Range, cut: readonly Range[]): Range[] {
  let out = [r];
  for (const c of cut) {
    out = out.flatMap((x) => {
      const xe = x.base + x.size, ce = c.base + c.size;
      if (ce <= x.base || c.base >= xe) return [x];
      return [{ base: x.base, size: c.base - x.base }, { base: ce, size: xe - ce }].filter((y) => y.size > 0n);
    });
  }
  return out;
}

function load(i: LifecycleInput, regions: CrashRegions): { result: KexecLoadResult; dtbBytes: bigint; hypothetical?: KexecLoadResult } {
  const { crash, systemRam, memoryRanges } = ranges(i, regions);
  if (i.path === 'kexec_file_load') {
    const main = regions.main ? [regions.main] : [];
    const rules = i.first.profile.behaviours.kexecFile;
    const usable = [...main, ...(regions.low && rules.usableIncludesLow ? [regions.low] : [])];
    const dtbBytes = BigInt(kernelKdumpDtbSize({
      first: i.fdt, firstStrings: stringsBlock(i.dtb, i.fdt), bootargs: i.kdumpCmdline, usable, elfcorehdr: { base: 0n, size: 0n },
      initrd: i.initrdBytes !== undefined ? { base: 0n, size: i.initrdBytes } : undefined, memreserveForSegments: rules.memreserveForSegments,
    }));
    const placed = kexecFileLoadCrash({
      rules, crashRanges: main, systemRam, cpus: i.cpus,
      image: { imageSize: i.crashKernel.imageSize, textOffset: i.crashKernel.textOffset, fileBytes: i.crashKernel.fileBytes },
      initrdBytes: i.initrdBytes, dtbBytes,
    });
    if (placed.ok) placed.usable = usable;
    return i.kexecFileBuilt ? { result: placed, dtbBytes } : { result: kexecFileUnavailable(), dtbBytes, hypothetical: placed };
  }
  // The DTB's size depends only on how many ranges it carries, not on where the segments go.
  const dtbInput = {
    first: i.fdt, firstStrings: stringsBlock(i.dtb, i.fdt), bootargs: i.kdumpCmdline, usable: [...crash].reverse(),
    elfcorehdr: { base: 0n, size: 0n }, initrd: i.initrdBytes !== undefined ? { base: 0n, size: i.initrdBytes } : undefined,
  };
  const dtbBytes = BigInt(kdumpDtbSize(dtbInput));
  const result = kexecLoadCrash({
    build: i.build, crashRanges: crash, systemRam, memoryRanges, cpus: i.cpus,
    image: { imageSize: i.crashKernel.imageSize, textOffset: i.crashKernel.textOffset, fileBytes: i.crashKernel.fileBytes },
    initrdBytes: i.initrdBytes, dtbBytes,
  });
  return { result, dtbBytes };
}

/** The kdump kernel's boot: its DTB as kexec-tools wrote it, at the DTB segment, the Image at the kernel segment. */
export function predictKdump(i: LifecycleInput, l: Extract<KexecLoadResult, { ok: true }>, kaslrSeed?: bigint): Prediction {
  const seg = (n: string) => l.segments.find((s) => s.name === n);
  const initrd = seg('initrd');
  const blob = buildKdumpDtb({
    first: i.fdt, firstStrings: stringsBlock(i.dtb, i.fdt), bootargs: i.kdumpCmdline, usable: l.usable, elfcorehdr: l.elfcorehdr,
    initrd: initrd && i.initrdBytes !== undefined ? { base: initrd.mem, size: i.initrdBytes } : undefined, kaslrSeed,
  });
  const fdt = parseFdt(blob, 'kdump.dtb');
  if (!fdt.ok) throw new Error(`kdump DTB does not parse: ${formatInputError(fdt.error)}`);
  const input: BootInput = { fdt: fdt.value, dtbAddr: seg('dtb')!.mem, imageAddr: seg('kernel')!.mem, cmdline: i.kdumpCmdline, paRangeBits: i.paRangeBits };
  return predictBoot(input, i.crashKernel.profile);
}
