// Models /sys/kernel/kexec_crash_size: crash_get_memory_size() and crash_shrink_memory() (kernel/kexec_core.c
// 5.10/6.1; kernel/crash_core.c 6.12 with the low region included, "kexec: enable kexec_crash_size to support
// two crash kernel regions"), and the "Crash kernel" lines they leave in /proc/iomem.
import type { CrashRegion } from '../crashkernel.ts';

export interface CrashSizeVariant {
  /** 6.12+: the size and the shrink cover crashk_low_res too (high first, then low). */
  includesLow: boolean;
}

export interface CrashRegions {
  main?: CrashRegion;
  low?: CrashRegion;
}

/** crash_get_memory_size(). */
export function kexecCrashSize(r: CrashRegions, v: CrashSizeVariant): bigint {
  return (r.main?.size ?? 0n) + (v.includesLow ? r.low?.size ?? 0n : 0n);
}

export interface ShrinkResult {
  /** 0, or the errno the write returns (-EINVAL: larger than now; -ENOENT: a crash kernel is loaded). */
  ret: 0 | -22 | -2;
  regions: CrashRegions;
  /** Ranges given back to the page allocator ("System RAM" in /proc/iomem again). */
  freed: CrashRegion[];
}

const PAGE = 4096n;

/** crash_shrink_memory(new_size) as a write of `newSize` bytes to /sys/kernel/kexec_crash_size. */
export function crashShrinkMemory(r: CrashRegions, newSize: bigint, loaded: boolean, v: CrashSizeVariant): ShrinkResult {
  if (loaded) return { ret: -2, regions: r, freed: [] };
  const low = v.includesLow ? r.low?.size ?? 0n : 0n;
  const old = (r.main?.size ?? 0n) + low;
  newSize = ((newSize + PAGE - 1n) / PAGE) * PAGE; // roundup(new_size, KEXEC_CRASH_MEM_ALIGN)
  if (newSize >= old) return { ret: newSize === old ? 0 : -22, regions: r, freed: [] };
  const shrink = (res: CrashRegion, to: bigint): { kept?: CrashRegion; freed: CrashRegion } => ({
    kept: to ? { base: res.base, size: to } : undefined,
    freed: { base: res.base + to, size: res.size - to },
  });
  if (!v.includesLow || !r.low || low <= newSize) {
    const s = shrink(r.main!, newSize - low);
    // 6.12+: an emptied high region hands its name to the low one ("Swap crashk_res and crashk_low_res").
    const regions = s.kept ? { main: s.kept, low: r.low } : v.includesLow && r.low ? { main: r.low } : { low: r.low };
    return { ret: 0, regions, freed: [s.freed] };
  }
  const hi = shrink(r.main!, 0n);
  const lo = shrink(r.low, newSize);
  return { ret: 0, regions: lo.kept ? { main: lo.kept } : {}, freed: [hi.freed, lo.freed] };
}

/** The regions as /proc/iomem nests them under System RAM: `  %08llx-%08llx : Crash kernel`. */
export function crashIomemLines(r: CrashRegions): string[] {
  const line = (c: CrashRegion) => `  ${c.base.toString(16).padStart(8, '0')}-${(c.base + c.size - 1n).toString(16).padStart(8, '0')} : Crash kernel`;
  return [r.low, r.main].filter((c): c is CrashRegion => !!c && c.size > 0n).sort((a, b) => (a.base < b.base ? -1 : 1)).map(line);
}
