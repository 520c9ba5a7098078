// Models memblock_add_range(), memblock_add() and memblock_add_node() (mm/memblock.c), 5.10–7.2.

import { MAX_NUMNODES, MEMBLOCK_NONE, type Memblock, type MemblockRegion } from './types.ts';
import { memblockMakeRoom } from './double-array.ts';
import { capSize, commit, mergeRegions, region, type MemblockTypeName } from './regions.ts';

/**
 * Models memblock_add_range(): adds [base, base + size) to `type`; parts already covered keep their
 * regions (and their nid and flags), the uncovered parts get `nid` and `flags`, then compatible
 * neighbours merge. When the new regions do not fit in type->max (`mb.regionsMax`), the array is
 * doubled first (memblock_double_array(), which may reserve into this very type) and the walk redone.
 * Returns false where the kernel returns -ENOMEM (a doubling failed).
 */
export function memblockAddRange(mb: Memblock, type: MemblockTypeName, base: bigint, size: bigint, nid: number, flags: number, roomChecked = false): boolean {
  size = capSize(base, size);
  if (!size) return true;
  const end = base + size;
  const src = mb[type];
  if (src.length === 0) {
    commit(mb, type, [region(base, size, nid, flags)]);
    return true;
  }
  const last = src[src.length - 1];
  if (base >= last.base + last.size && !mb.mergeWholeArray) {
    // above every region (memory nodes come in address order): one insertion at the end, merged with
    // its neighbour only (6.12+ merge [start_rgn - 1, end_rgn); 5.10/6.1 scan the whole array: slow path)
    if (!roomChecked && mb.regionsMax && !memblockMakeRoom(mb, type, src.length, 1, base, size)) return false;
    if (mb[type] !== src) return memblockAddRange(mb, type, base, size, nid, flags, true);
    // concat(): an exact-size copy (Array.from + push leaves ~50% slack in every snapshot the trace keeps)
    const arr: MemblockRegion[] = src.concat(region(base, size, nid, flags));
    mergeRegions(mb, arr, src.length, src.length + 1);
    commit(mb, type, arr);
    return true;
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
  if (startRgn === -1) return true;
  const nrNew = arr.length - src.length;
  if (!roomChecked && mb.regionsMax && src.length + nrNew > mb.regionsMax[type]) {
    if (!memblockMakeRoom(mb, type, src.length, nrNew, base, size)) return false;
    return memblockAddRange(mb, type, base, size, nid, flags, true);
  }
  mergeRegions(mb, arr, startRgn, endRgn);
  commit(mb, type, arr);
  return true;
}

/** Models memblock_add(): new memory regions get nid MAX_NUMNODES and no flags. */
export function memblockAdd(mb: Memblock, base: bigint, size: bigint): boolean {
  return memblockAddRange(mb, 'memory', base, size, MAX_NUMNODES, MEMBLOCK_NONE);
}

/** Models memblock_add_node() (the flags argument exists from 5.17; 5.10 callers pass none). */
export function memblockAddNode(mb: Memblock, base: bigint, size: bigint, nid: number, flags: number = MEMBLOCK_NONE): boolean {
  return memblockAddRange(mb, 'memory', base, size, nid, flags);
}
