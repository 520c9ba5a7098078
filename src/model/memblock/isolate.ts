// Models memblock_isolate_range() (mm/memblock.c), 5.10–7.2.

import { capSize, region } from './regions.ts';
import { exact, type RegionArray } from './region-array.ts';

/**
 * Splits the regions of `t` crossing the boundaries of [base, base + size) so that every region is
 * either inside or outside it (at most two more regions). Returns [startRgn, endRgn): the indices of the
 * regions inside; both 0 when none is. The caller has made room (memblockIsolateRoom()).
 */
export function memblockIsolateRange(t: RegionArray, base: bigint, size: bigint): { startRgn: number; endRgn: number } {
  let startRgn = 0;
  let endRgn = 0;
  size = capSize(base, size);
  const end = base + size;
  if (!size) return { startRgn, endRgn };
  const arr = t.r;
  // regions ending at or below base are untouched (ends are sorted): skip them
  let idx = firstEndingAbove(t, base);
  for (; idx < arr.length; idx++) {
    const rgn = arr[idx];
    const rbase = rgn.base;
    if (rbase >= end) break;
    const rend = rbase + rgn.size;
    if (rend <= base) continue;
    if (rbase < base) {
      // intersects from below: split, then process the new top half next
      t.split(idx, region(rbase, base - rbase, rgn.nid, rgn.flags), region(base, rend - base, rgn.nid, rgn.flags));
    } else if (rend > end) {
      // intersects from above: split, then redo the new bottom half
      t.split(idx, region(rbase, end - rbase, rgn.nid, rgn.flags), region(end, rend - end, rgn.nid, rgn.flags));
      idx--;
    } else {
      if (!endRgn) startRgn = idx;
      endRgn = idx + 1;
    }
  }
  return { startRgn, endRgn };
}

/**
 * The index of the first region ending above `addr` (the regions are sorted and disjoint, so ends are
 * sorted): a binary search on the exact doubles when there are (region-array.ts), else on the bigints.
 */
export function firstEndingAbove(t: RegionArray, addr: bigint): number {
  let lo = 0;
  let hi = t.r.length;
  const x = t.unsafe === 0 ? exact(addr) : undefined;
  if (x !== undefined) {
    const e = t.e;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (e[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  const arr = t.r;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid].base + arr[mid].size <= addr) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
