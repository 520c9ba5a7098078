// Models memblock_add_range(), memblock_add() and memblock_add_node() (mm/memblock.c), 5.10–7.2.

import { MAX_NUMNODES, MEMBLOCK_NONE, type Memblock, type MemblockRegion } from './types.ts';
import { capSize, commit, mergeRegions, region, type MemblockTypeName } from './regions.ts';

/**
 * Models memblock_add_range(): adds [base, base + size) to `type`; parts already covered keep their
 * regions (and their nid and flags), the uncovered parts get `nid` and `flags`, then compatible
 * neighbours merge. Array doubling (memblock_double_array) is not modelled.
 */
export function memblockAddRange(mb: Memblock, type: MemblockTypeName, base: bigint, size: bigint, nid: number, flags: number): void {
  size = capSize(base, size);
  if (!size) return;
  const end = base + size;
  const src = mb[type];
  if (src.length === 0) {
    commit(mb, type, [region(base, size, nid, flags)]);
    return;
  }
  // a private copy (Array.from: slicing a frozen array takes V8's slow path)
  const arr: MemblockRegion[] = Array.from(src);
  // regions ending at or below base are untouched (ends are sorted): skip them
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid].base + arr[mid].size <= base) lo = mid + 1;
    else hi = mid;
  }
  let startRgn = -1;
  let endRgn = 0;
  let cur = base;
  let idx = lo;
  for (; idx < arr.length; idx++) {
    const r = arr[idx];
    const rend = r.base + r.size;
    if (r.base >= end) break;
    if (rend <= cur) continue;
    if (r.base > cur) {
      // r separates the lower part of the new area: insert that portion before r
      if (startRgn === -1) startRgn = idx;
      arr.splice(idx, 0, region(cur, r.base - cur, nid, flags));
      idx++;
      endRgn = idx;
    }
    cur = rend < end ? rend : end;
  }
  if (cur < end) {
    if (startRgn === -1) startRgn = idx;
    arr.splice(idx, 0, region(cur, end - cur, nid, flags));
    endRgn = idx + 1;
  }
  if (startRgn === -1) return;
  mergeRegions(mb, arr, startRgn, endRgn);
  commit(mb, type, arr);
}

/** Models memblock_add(): new memory regions get nid MAX_NUMNODES and no flags. */
export function memblockAdd(mb: Memblock, base: bigint, size: bigint): void {
  memblockAddRange(mb, 'memory', base, size, MAX_NUMNODES, MEMBLOCK_NONE);
}

/** Models memblock_add_node() (the flags argument exists from 5.17; 5.10 callers pass none). */
export function memblockAddNode(mb: Memblock, base: bigint, size: bigint, nid: number, flags: number = MEMBLOCK_NONE): void {
  memblockAddRange(mb, 'memory', base, size, nid, flags);
}
