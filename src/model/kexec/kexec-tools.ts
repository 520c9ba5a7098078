// Models where kexec-tools (user space, `kexec -p` through the kexec_load syscall) puts a crash kernel's segments on
// arm64: kexec/arch/arm64/{kexec-image-arm64.c image_arm64_load, kexec-arm64.c arm64_locate_kernel_segment and
// arm64_load_other_segments, crashdump-arm64.c load_crashdump_segments}, kexec/kexec.c add_buffer_phys_virt and
// locate_hole, kexec/crashdump-elf.c (the ELF core header's size). Read at horms/kexec-tools v2.0.20–v2.0.32.

export interface Range {
  base: bigint;
  size: bigint;
}

export type SegmentName = 'kernel' | 'elfcorehdr' | 'initrd' | 'dtb' | 'purgatory';

export interface Segment {
  name: SegmentName;
  mem: bigint;
  memsz: bigint;
  bufsz: bigint;
}

/** What a kexec-tools build brings: its version and its purgatory (an ELF object inside the kexec binary). */
export interface KexecToolsBuild {
  version: string;
  /** Bytes of the purgatory's loaded sections, and what it occupies (page-rounded, with .bss). */
  purgatory: { bufsz: bigint; memsz: bigint };
  /** How many "Crash kernel" ranges it can take (1 before CRASH_MAX_RESERVED_RANGES, 2.0.24). */
  maxCrashRanges: number;
  /** The parameter its "Memory for crashkernel is not reserved" hint names: crashkernel=X@Y up to 2.0.20, Y@X from 2.0.21. */
  reserveHint: string;
}

export interface KexecLoadInput {
  build: KexecToolsBuild;
  /** The "Crash kernel" lines of /proc/iomem, in their order (ascending address). */
  crashRanges: readonly Range[];
  /** Top-level "System RAM" lines of /proc/iomem (the vmcore's memory, crash ranges excluded later). */
  systemRam: readonly Range[];
  /** kexec-tools' own memory ranges: System RAM without its "reserved" children (the crash region stays). */
  memoryRanges: readonly Range[];
  /** Possible CPUs (sysconf(_SC_NPROCESSORS_CONF)): one PT_NOTE each in the ELF core header. */
  cpus: number;
  /** From the Image header: image_size and text_offset; the (decompressed) file length. */
  image: { imageSize: bigint; textOffset: bigint; fileBytes: bigint };
  initrdBytes?: bigint;
  /** The kdump kernel's DTB as kexec-tools packs it (kdump-dtb.ts). */
  dtbBytes: bigint;
}

export type KexecLoadResult =
  | { ok: true; segments: Segment[]; elfcorehdr: Range; usable: Range[]; free: Range[] }
  /** `printed`: what kexec prints on stderr; `why`: the model's one-line reason. */
  | { ok: false; printed: string[]; why: string };

const PAGE = 4096n;
const MiB2 = 2n << 20n;
const GiB = 1n << 30n;
const ULONG_MAX = (1n << 64n) - 1n;
const alignUp = (v: bigint, a: bigint): bigint => ((v + a - 1n) / a) * a;
const alignDown = (v: bigint, a: bigint): bigint => (v / a) * a;
const hex = (v: bigint): string => v.toString(16);

/** crash_create_elf64_headers(): Ehdr + one Phdr per CPU note, vmcoreinfo, the kernel text and each memory range; 1 KiB aligned. */
export function elfcorehdrSize(cpus: number, vmcoreRanges: number): bigint {
  const EHDR = 64n, PHDR = 56n, ELF_CORE_HEADER_ALIGN = 1024n;
  return alignUp(EHDR + PHDR * BigInt(cpus + 1 + 1 + vmcoreRanges), ELF_CORE_HEADER_ALIGN);
}

/** The vmcore's memory (crash_get_memory_ranges): System RAM with every crash range cut out. */
export function vmcoreRanges(systemRam: readonly Range[], crash: readonly Range[]): Range[] {
  let out = systemRam.map((r) => ({ ...r }));
  for (const c of crash) {
    const ce = c.base + c.size;
    out = out.flatMap((r) => {
      const re = r.base + r.size;
      if (ce <= r.base || c.base >= re) return [r];
      return [{ base: r.base, size: c.base - r.base }, { base: ce, size: re - ce }].filter((x) => x.size > 0n);
    });
  }
  return out.sort((a, b) => (a.base < b.base ? -1 : 1));
}

interface Placed { mem: bigint; memsz: bigint }

/**
 * locate_hole(): the free memory ranges (kexec-tools' memory ranges minus the segments so far), each clamped to
 * [hole_min, hole_max] with its start aligned; bottom-up takes the first that fits, top-down the last.
 * `end` values are inclusive, and a range fits when `end - start >= size - 1`, as in the C.
 */
function locateHole(mem: readonly Range[], segs: readonly Placed[], size: bigint, align: bigint, min: bigint, max: bigint, bottomUp: boolean): bigint | undefined {
  if (align < PAGE) align = PAGE;
  const sorted = [...segs].sort((a, b) => (a.mem < b.mem ? -1 : 1));
  const free: { start: bigint; end: bigint }[] = [];
  let j = 0;
  for (const r of mem) {
    let mstart = r.base;
    const mend = r.base + r.size - 1n;
    while (j < sorted.length && sorted[j].mem <= mend) {
      const sstart = sorted[j].mem;
      const send = sstart + sorted[j].memsz - 1n;
      if (mstart < sstart) free.push({ start: mstart, end: sstart - 1n });
      mstart = send + 1n;
      j++;
    }
    if (mstart < mend) free.push({ start: mstart, end: mend });
  }
  let base: bigint | undefined;
  for (const f of free) {
    let start = f.start < min ? min : f.start;
    start = alignUp(start, align);
    const end = f.end > max ? max : f.end;
    if (start >= end) continue;
    if (end - start >= size - 1n) {
      if (bottomUp) { base = start; break; }
      base = alignDown(end - size + 1n, align);
    }
  }
  if (base === undefined || base + size - 1n > max) return undefined;
  return base;
}

/** `kexec -p` with an Image: the segments in the order kexec-tools adds them, or what it prints when it cannot. */
export function kexecLoadCrash(i: KexecLoadInput): KexecLoadResult {
  const crash = i.crashRanges.filter((r) => r.size > 0n);
  if (crash.length === 0) {
    return {
      ok: false,
      printed: ['Memory for crashkernel is not reserved', `Please reserve memory by passing"${i.build.reserveHint}" parameter to kernel`, 'Then try to loading kdump kernel'],
      why: 'there is no "Crash kernel" range in /proc/iomem (none was reserved, or it was shrunk to 0)',
    };
  }
  if (crash.length > i.build.maxCrashRanges) {
    return { ok: false, printed: ['Cannot load /boot/Image'], why: `kexec-tools ${i.build.version} takes ${i.build.maxCrashRanges} "Crash kernel" range, /proc/iomem has ${crash.length}` };
  }
  const last = crash[crash.length - 1];
  const lastEnd = last.base + last.size - 1n;
  const segs: Segment[] = [];
  // arm64_locate_kernel_segment(): the first 2 MiB boundary of the last crash range; the image must end inside it.
  const hole = alignUp(last.base, MiB2);
  const holeEnd = hole + i.image.textOffset + i.image.imageSize;
  if (holeEnd > lastEnd) {
    return {
      ok: false, printed: ['kexec: load failed.', 'Cannot load /boot/Image'],
      why: `the kernel needs ${hex(i.image.imageSize)} bytes from the 2 MiB boundary ${hex(hole)}, past the crash range's end ${hex(lastEnd)}`,
    };
  }
  // load_crashdump_segments() runs first: the ELF core header, top-down in the last crash range.
  const vr = vmcoreRanges(i.systemRam, crash);
  const ehdr = elfcorehdrSize(i.cpus, vr.length);
  const add = (name: SegmentName, bufsz: bigint, memsz: bigint, min: bigint, max: bigint, bottomUp: boolean): bigint | string => {
    const size = alignUp(memsz, PAGE);
    const at = locateHole(i.memoryRanges, segs, size, 0n, min, max, bottomUp);
    if (at === undefined) return `Could not find a free area of memory of 0x${hex(size)} bytes...`;
    segs.push({ name, mem: at, memsz: size, bufsz });
    return at;
  };
  const failed = (name: string, line: string): KexecLoadResult => ({
    ok: false, printed: [line, 'locate_hole failed'], why: `the ${name} does not fit in what is left of the crash range [${hex(last.base)}-${hex(lastEnd)}]`,
  });
  const eh = add('elfcorehdr', ehdr, ehdr, last.base, lastEnd, false);
  if (typeof eh === 'string') return failed('ELF core header', eh);
  const kernelBase = hole + i.image.textOffset;
  segs.push({ name: 'kernel', mem: kernelBase, memsz: i.image.imageSize, bufsz: i.image.fileBytes });
  // arm64_load_other_segments(): initrd, DTB and purgatory bottom-up after the image, below the last range's end.
  const holeMin = kernelBase + i.image.imageSize;
  if (i.initrdBytes !== undefined) {
    const at = add('initrd', i.initrdBytes, i.initrdBytes, holeMin, lastEnd, true);
    if (typeof at === 'string') return failed('initrd', at);
    if (alignUp(at + i.initrdBytes, GiB) - alignDown(kernelBase, GiB) > 32n * GiB) {
      return { ok: false, printed: ['kexec: Error: image + initrd too big.'], why: 'the image and the initrd span more than 32 GiB' };
    }
  }
  if (i.dtbBytes > MiB2) return { ok: false, printed: ['kexec: Error: dtb too big.'], why: 'the DTB is larger than 2 MiB' };
  const dtb = add('dtb', i.dtbBytes, i.dtbBytes, holeMin, lastEnd, true);
  if (typeof dtb === 'string') return failed('DTB', dtb);
  const pg = add('purgatory', i.build.purgatory.bufsz, i.build.purgatory.memsz, holeMin, lastEnd, true);
  if (typeof pg === 'string') return failed('purgatory', pg);
  const placed = segs.map((s) => ({ base: s.mem, size: s.memsz })).sort((a, b) => (a.base < b.base ? -1 : 1));
  const free: Range[] = [];
  for (const c of crash) {
    let at = c.base;
    for (const p of placed.filter((x) => x.base >= c.base && x.base < c.base + c.size)) {
      if (p.base > at) free.push({ base: at, size: p.base - at });
      at = p.base + p.size;
    }
    if (at < c.base + c.size) free.push({ base: at, size: c.base + c.size - at });
  }
  return { ok: true, segments: segs, elfcorehdr: { base: eh, size: ehdr }, usable: [...crash].reverse(), free };
}

export { ULONG_MAX };
