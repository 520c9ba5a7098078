// kexec_file_load on arm64: the kernel places the crash segments itself (arch/arm64/kernel/kexec_image.c
// image_load, machine_kexec_file.c load_other_segments, kernel/kexec_file.c kexec_add_buffer and
// locate_mem_hole_callback, kernel/crash_core.c crash_prepare_elf64_headers). Only crashk_res is a destination,
// never the low block. Debian builds every generation with KEXEC_FILE=n, so no real run could check this path:
// kexec -s there ends in "syscall kexec_file_load not available." (kexecFileUnavailable()).
import type { Behaviours } from '../../kernels/profile.ts';
import type { KexecLoadInput, KexecLoadResult, Range, Segment, SegmentName } from './kexec-tools.ts';

const PAGE = 4096n;
const MiB2 = 2n << 20n;
const KiB64 = 64n << 10n;
const GiB = 1n << 30n;
const alignUp = (v: bigint, a: bigint): bigint => ((v + a - 1n) / a) * a;
const alignDown = (v: bigint, a: bigint): bigint => (v / a) * a;

export interface KexecFileInput extends Omit<KexecLoadInput, 'build' | 'memoryRanges'> {
  rules: Behaviours['kexecFile'];
  /** The kdump DTB the kernel builds (of_kexec_alloc_and_setup_fdt(), then fdt_pack()). */
  dtbBytes: bigint;
}

/** What kexec-tools prints for `kexec -s -p` on a kernel built without KEXEC_FILE. */
export const kexecFileUnavailable = (): KexecLoadResult => ({
  ok: false, printed: ['syscall kexec_file_load not available.'],
  why: 'the kernel is built with CONFIG_KEXEC_FILE=n (every Debian arm64 kernel): kexec_file_load returns -ENOSYS',
});

/** crash_prepare_elf64_headers(): Ehdr + Phdrs for each CPU note, vmcoreinfo, the kernel map and each range, page aligned. */
export function kernelElfcorehdrSize(cpus: number, ranges: number): bigint {
  return alignUp(64n + 56n * BigInt(cpus + 1 + 1 + ranges), PAGE);
}

export function kexecFileLoadCrash(i: KexecFileInput): KexecLoadResult {
  const main = i.crashRanges.length ? [...i.crashRanges].sort((a, b) => (a.size < b.size ? 1 : -1))[0] : undefined;
  if (!main) return { ok: false, printed: ['kexec_file_load failed: Cannot assign requested address'], why: 'no crash region is reserved (crashk_res is empty)' };
  const start = main.base, end = main.base + main.size - 1n;
  const segs: Segment[] = [];
  const overlaps = (a: bigint, sz: bigint): boolean => segs.some((s) => a < s.mem + s.memsz && s.mem < a + sz);
  // 5.10/6.1 compute the top-down start one byte low ("kexec_file: fix incorrect temp_start value in locate_mem_hole_top_down()").
  const offByOne = i.rules.topDownStartExact ? 1n : 0n;
  const place = (name: SegmentName, bufsz: bigint, memsz0: bigint, align: bigint, min: bigint, max: bigint, topDown: boolean): bigint | undefined => {
    const memsz = alignUp(memsz0, PAGE);
    if (align < PAGE) align = PAGE;
    if (end < min || start > max) return undefined;
    if (topDown) {
      let t = (end < max ? end : max) - memsz + offByOne;
      for (;;) {
        t = alignDown(t, align);
        if (t < start || t < min) return undefined;
        if (overlaps(t, memsz)) { t -= PAGE; continue; }
        segs.push({ name, mem: t, memsz, bufsz });
        return t;
      }
    }
    let t = start > min ? start : min;
    for (;;) {
      t = alignUp(t, align);
      if (t + memsz - 1n > end || t + memsz - 1n > max) return undefined;
      if (overlaps(t, memsz)) { t += PAGE; continue; }
      segs.push({ name, mem: t, memsz, bufsz });
      return t;
    }
  };
  const kernelMem = place('kernel', i.image.fileBytes, i.image.imageSize + i.image.textOffset, MiB2, 0n, (1n << 64n) - 1n, false);
  if (kernelMem === undefined) return { ok: false, printed: ['kexec_file_load failed: Cannot assign requested address'], why: 'the image does not fit from the first 2 MiB boundary of the crash region' };
  const kernelEnd = kernelMem + i.image.imageSize + i.image.textOffset;
  const ranges = i.systemRam.length + i.rules.elfcorehdrExtraRanges;
  const eh = kernelElfcorehdrSize(i.cpus, ranges);
  const ehAt = place('elfcorehdr', eh, eh, KiB64, kernelEnd, (1n << 64n) - 1n, true);
  const initrdAt = i.initrdBytes !== undefined ? place('initrd', i.initrdBytes, i.initrdBytes, PAGE, kernelEnd, alignDown(kernelMem, GiB) + 32n * GiB, false) : 0n;
  const dtbAt = place('dtb', i.dtbBytes, i.dtbBytes, MiB2, kernelEnd, (1n << 64n) - 1n, true);
  if (ehAt === undefined || initrdAt === undefined || dtbAt === undefined) {
    return { ok: false, printed: ['kexec_file(Image): Could not find any suitable kernel location!'], why: 'the ELF core header, initrd or DTB does not fit above the kernel in the crash region' };
  }
  const usable: Range[] = [main, ...i.crashRanges.filter((r) => r !== main)];
  return { ok: true, segments: segs, elfcorehdr: { base: ehAt, size: eh }, usable, free: [] };
}
