// Models the region-array primitives of mm/memblock.c (memblock_insert_region, memblock_remove_region,
// memblock_merge_regions, memblock_cap_size, memblock_search), 5.10–7.2.
// Work arrays are private copies: the frozen arrays of a Memblock are never mutated, and a region object
// that changes is replaced by a new one, so snapshots taken earlier stay valid.

import {
  MAX_NUMNODES,
  NUMA_NO_NODE,
  PHYS_ADDR_MAX,
  type Memblock,
  type MemblockRegion,
} from './types.ts';

/** Which `struct memblock_type` an internal operation works on. */
export type MemblockTypeName = 'memory' | 'reserved';

/** A private, mutable copy of one region array. */
export type WorkArray = MemblockRegion[];

export function region(base: bigint, size: bigint, nid: number, flags: number): MemblockRegion {
  return Object.freeze({ base, size, flags, nid });
}

/** A private copy of one array (Array.from: slicing a frozen array takes V8's slow path). */
export function workCopy(mb: Memblock, type: MemblockTypeName): WorkArray {
  return Array.from(mb[type]);
}

/** Publishes a work array as the new frozen array of `type`, unless it holds the very same regions. */
export function commit(mb: Memblock, type: MemblockTypeName, arr: WorkArray): void {
  const old = mb[type];
  if (old.length === arr.length && arr.every((r, i) => r === old[i])) return;
  mb[type] = Object.freeze(arr);
}

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
 * The difference shows after memblock_cap_memory_range(), which splits without merging.
 */
export function mergeRegions(mb: Memblock, arr: WorkArray, startRgn: number, endRgn: number): void {
  let i = 0;
  let end: number;
  if (mb.mergeWholeArray) {
    end = arr.length - 1;
  } else {
    if (startRgn) i = startRgn - 1;
    end = Math.min(endRgn, arr.length - 1);
  }
  while (i < end) {
    const a = arr[i];
    const b = arr[i + 1];
    if (a.base + a.size !== b.base || a.nid !== b.nid || a.flags !== b.flags) {
      if (a.base + a.size > b.base) throw new Error(`memblock: regions overlap at index ${i} (BUG_ON)`);
      i++;
      continue;
    }
    arr[i] = region(a.base, a.size + b.size, a.nid, a.flags);
    arr.splice(i + 1, 1);
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
