// Models memblock_isolate_range() (mm/memblock.c), 5.10–7.2.

import { capSize, region, type WorkArray } from './regions.ts';

/**
 * Splits the regions of `arr` crossing the boundaries of [base, base + size) so that every region is
 * either inside or outside it (at most two more regions). Returns [startRgn, endRgn): the indices of the
 * regions inside; both 0 when none is.
 */
export function memblockIsolateRange(arr: WorkArray, base: bigint, size: bigint): { startRgn: number; endRgn: number } {
  let startRgn = 0;
  let endRgn = 0;
  size = capSize(base, size);
  const end = base + size;
  if (!size) return { startRgn, endRgn };

  for (let idx = 0; idx < arr.length; idx++) {
    const rgn = arr[idx];
    const rbase = rgn.base;
    const rend = rbase + rgn.size;
    if (rbase >= end) break;
    if (rend <= base) continue;
    if (rbase < base) {
      // intersects from below: split, then process the new top half next
      arr.splice(idx, 1, region(rbase, base - rbase, rgn.nid, rgn.flags), region(base, rend - base, rgn.nid, rgn.flags));
    } else if (rend > end) {
      // intersects from above: split, then redo the new bottom half
      arr.splice(idx, 1, region(rbase, end - rbase, rgn.nid, rgn.flags), region(end, rend - end, rgn.nid, rgn.flags));
      idx--;
    } else {
      if (!endRgn) startRgn = idx;
      endRgn = idx + 1;
    }
  }
  return { startRgn, endRgn };
}
