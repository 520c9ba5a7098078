// Models memblock_add_range(), memblock_add() and memblock_add_node() (mm/memblock.c), 5.10–7.2.

import { MAX_NUMNODES, MEMBLOCK_NONE, type Memblock } from './types.ts';
import { memblockMakeRoom } from './double-array.ts';
import { firstEndingAbove } from './isolate.ts';
import { capSize, mergeRegions, region, type MemblockTypeName } from './regions.ts';
import type { RegionArray } from './region-array.ts';

/**
 * Models memblock_add_range(): adds [base, base + size) to `type`; parts already covered keep their
 * regions (and their nid and flags), the uncovered parts get `nid` and `flags`, then compatible
 * neighbours merge. As in the kernel, a first walk counts the regions to insert; when they do not fit in
 * type->max (`mb.regionsMax`) the array is doubled first (memblock_double_array(), which may reserve into
 * this very type) and the walk redone, inserting. Returns false where the kernel returns -ENOMEM (a
 * doubling failed); nothing has changed then.
 */
export function memblockAddRange(mb: Memblock, type: MemblockTypeName, base: bigint, size: bigint, nid: number, flags: number): boolean {
  size = capSize(base, size);
  if (!size) return true;
  const end = base + size;
  const t = mb.types[type];
  if (t.r.length === 0) {
    // the kernel's fast path for an empty array: no walk, no room check
    t.insert(0, region(base, size, nid, flags));
    return true;
  }
  // The new range needs at most cnt + 1 more regions: when those fit, the kernel skips the counting walk
  // (and it can never need a doubling).
  if (mb.regionsMax && t.r.length * 2 + 1 > mb.regionsMax[type]) {
    const nrNew = countNew(t, base, end);
    if (!nrNew) return true;
    if (t.r.length + nrNew > mb.regionsMax[type] && !memblockMakeRoom(mb, type, t.r.length, nrNew, base, size)) return false;
  }
  const arr = t.r;
  let startRgn = -1;
  let endRgn = 0;
  let cur = base;
  // regions ending at or below base are untouched (ends are sorted): skip them
  let idx = firstEndingAbove(t, base);
  for (; idx < arr.length; idx++) {
    const r = arr[idx];
    if (r.base >= end) break;
    const rend = r.base + r.size;
    if (rend <= cur) continue;
    if (r.base > cur) {
      // r separates the lower part of the new area: insert that portion before r
      if (startRgn === -1) startRgn = idx;
      t.insert(idx, region(cur, r.base - cur, nid, flags));
      idx++;
      endRgn = idx;
    }
    cur = rend < end ? rend : end;
  }
  if (cur < end) {
    if (startRgn === -1) startRgn = idx;
    t.insert(idx, region(cur, end - cur, nid, flags));
    endRgn = idx + 1;
  }
  if (startRgn === -1) return true;
  mergeRegions(mb, t, startRgn, endRgn);
  return true;
}

/** The first walk of memblock_add_range() (insert == false): how many regions [base, end) needs. */
function countNew(t: RegionArray, base: bigint, end: bigint): number {
  const arr = t.r;
  let nrNew = 0;
  let cur = base;
  for (let idx = firstEndingAbove(t, base); idx < arr.length; idx++) {
    const r = arr[idx];
    if (r.base >= end) break;
    const rend = r.base + r.size;
    if (rend <= cur) continue;
    if (r.base > cur) nrNew++;
    cur = rend < end ? rend : end;
  }
  return cur < end ? nrNew + 1 : nrNew;
}

/** Models memblock_add(): new memory regions get nid MAX_NUMNODES and no flags. */
export function memblockAdd(mb: Memblock, base: bigint, size: bigint): boolean {
  return memblockAddRange(mb, 'memory', base, size, MAX_NUMNODES, MEMBLOCK_NONE);
}

/** Models memblock_add_node() (the flags argument exists from 5.17; 5.10 callers pass none). */
export function memblockAddNode(mb: Memblock, base: bigint, size: bigint, nid: number, flags: number = MEMBLOCK_NONE): boolean {
  return memblockAddRange(mb, 'memory', base, size, nid, flags);
}
