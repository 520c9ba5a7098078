// Models the region-array primitives of mm/memblock.c (memblock_insert_region, memblock_remove_region,
// memblock_merge_regions, memblock_cap_size, memblock_search), 5.10–7.2.
// The arrays are changed in place (region-array.ts keeps what snapshots need); a region object is never
// changed: one that changes is replaced by a new one.

import {
  MAX_NUMNODES,
  MEMBLOCK_DRIVER_MANAGED,
  MEMBLOCK_HOTPLUG,
  MEMBLOCK_KHO_SCRATCH,
  MEMBLOCK_MIRROR,
  MEMBLOCK_NOMAP,
  NUMA_NO_NODE,
  PHYS_ADDR_MAX,
  type Memblock,
  type MemblockRegion,
  type MemblockSnapshot,
  ownTypes,
} from './types.ts';
import { region, type RegionArray } from './region-array.ts';

/** Which `struct memblock_type` an internal operation works on. */
export type MemblockTypeName = 'memory' | 'reserved';

/**
 * The regions of one type to read, without copying them: a Memblock's own array, or the frozen array of a
 * snapshot (or of a `{ ...mb, reserved: earlier }` stand-in, which carries no `types`).
 */
export function regionsOf(mb: MemblockSnapshot, type: MemblockTypeName): readonly MemblockRegion[] {
  const t = ownTypes(mb);
  return t ? t[type].r : mb[type];
}

export { region } from './region-array.ts';

/** Models memblock_cap_size(): the size such that base + size does not pass PHYS_ADDR_MAX. */
export function capSize(base: bigint, size: bigint): bigint {
  const room = PHYS_ADDR_MAX - base;
  return size < room ? size : room;
}

export function regionEnd(r: MemblockRegion): bigint {
  return r.base + r.size;
}

/**
 * Models memblock_merge_regions() (mm/memblock.c). 5.10/6.1 scan the whole array; 6.12+ (commit
 * "memblock: avoid useless checks in memblock_merge_regions()") scan only [startRgn - 1, endRgn).
 * The difference shows after memblock_cap_memory_range(), which splits without merging: while no such
 * split is left (`t.unmerged` false) the whole-array scan can only merge around the regions just changed,
 * so it is limited to them, with the same result.
 */
export function mergeRegions(mb: Memblock, t: RegionArray, startRgn: number, endRgn: number): void {
  const arr = t.r;
  let i = 0;
  let end: number;
  if (mb.mergeWholeArray && t.unmerged) {
    end = arr.length - 1;
    t.unmerged = false;
  } else {
    if (startRgn) i = startRgn - 1;
    end = Math.min(endRgn, arr.length - 1);
  }
  while (i < end) {
    const a = arr[i];
    const b = arr[i + 1];
    // the doubles decide when exact (region-array.ts); a merge makes no region unsafe that was not
    const touching = t.unsafe === 0 ? t.e[i] === t.b[i + 1] : a.base + a.size === b.base;
    if (!touching || a.nid !== b.nid || a.flags !== b.flags) {
      if (t.unsafe === 0 ? t.e[i] > t.b[i + 1] : a.base + a.size > b.base) throw new Error(`memblock: regions overlap at index ${i} (BUG_ON)`);
      i++;
      continue;
    }
    t.join(i, region(a.base, a.size + b.size, a.nid, a.flags));
    end--;
  }
}

/** Models memblock_search(): binary search for the region containing addr, or -1. */
export function memblockSearch(arr: readonly MemblockRegion[], addr: bigint): number {
  let left = 0;
  let right = arr.length;
  while (left < right) {
    const mid = (left + right) >> 1;
    const r = arr[mid];
    if (addr < r.base) right = mid;
    else if (addr >= r.base + r.size) left = mid + 1;
    else return mid;
  }
  return -1;
}

/**
 * Models numa_valid_node() (6.12+) and, when `mb.legacyNidChecks`, the 5.10/6.1 tests it replaced
 * (`nid != NUMA_NO_NODE` when choosing nodes, `nid != MAX_NUMNODES` when dumping).
 */
export function nidSelectsNode(mb: Memblock, nid: number): boolean {
  if (mb.legacyNidChecks) return nid !== NUMA_NO_NODE;
  return nid >= 0 && nid < MAX_NUMNODES;
}

export function nidIsPrinted(mb: Memblock, nid: number): boolean {
  if (mb.legacyNidChecks) return nid !== MAX_NUMNODES;
  return nid >= 0 && nid < MAX_NUMNODES;
}

export function sumSizes(arr: readonly MemblockRegion[]): bigint {
  let t = 0n;
  for (const r of arr) t += r.size;
  return t;
}

/** Models should_skip_region() for memblock.memory (reserved regions are never skipped). */
export function shouldSkipRegion(mb: Memblock, m: MemblockRegion, nid: number, flags: number): boolean {
  if (nidSelectsNode(mb, nid) && nid !== m.nid) return true;
  if (mb.movableNode && (m.flags & MEMBLOCK_HOTPLUG) && !(flags & MEMBLOCK_HOTPLUG)) return true;
  if ((flags & MEMBLOCK_MIRROR) && !(m.flags & MEMBLOCK_MIRROR)) return true;
  if (!(flags & MEMBLOCK_NOMAP) && (m.flags & MEMBLOCK_NOMAP)) return true;
  if (!(flags & MEMBLOCK_DRIVER_MANAGED) && (m.flags & MEMBLOCK_DRIVER_MANAGED)) return true;
  if ((flags & MEMBLOCK_KHO_SCRATCH) && !(m.flags & MEMBLOCK_KHO_SCRATCH)) return true;
  return false;
}
