// Models __memblock_find_range_top_down() and __memblock_find_range_bottom_up() with the free-range walk
// they run (__next_mem_range_rev() / __next_mem_range(), mm/memblock.c), 5.10–7.2, on the doubles
// region-array.ts keeps: the same walk as find.ts, taken when no region ends at or above 2^53 and the
// request's values are exact doubles, so that every comparison and every candidate is the kernel's own.
// One loop per direction, no callback: V8 keeps the doubles unboxed only inside one function.

import { shouldSkipRegion } from './regions.ts';
import type { Memblock } from './types.ts';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * memblock_find_in_range_node()'s search after its adjustments (start ≥ PAGE_SIZE, end ≥ start), on doubles:
 * the address found, 0n for none, or undefined when the doubles cannot decide exactly (a region at or above
 * 2^53, a value of the request that is not an exact double, an alignment that is not a power of two).
 */
export function findInRangeDoubles(mb: Memblock, size: bigint, align: bigint, start: bigint, end: bigint, nid: number, flags: number): bigint | undefined {
  if (mb.types.memory.unsafe !== 0 || mb.types.reserved.unsafe !== 0) return undefined;
  if (size < 0n || size > MAX_SAFE || align <= 0n || align > MAX_SAFE || start < 0n || start > MAX_SAFE) return undefined;
  // round_down/round_up are bit operations: divisions only for a power of two
  if ((align & (align - 1n)) !== 0n) return undefined;
  // every region ends below 2^53: an end beyond that clamps nothing, as +Infinity does
  const hi = end > MAX_SAFE ? Infinity : Number(end);
  const found = mb.bottomUp
    ? bottomUp(mb, Number(start), hi, Number(size), Number(align), nid, flags)
    : topDown(mb, Number(start), hi, Number(size), Number(align), nid, flags);
  return BigInt(found);
}

/** __memblock_find_range_top_down() over __next_mem_range_rev(): the highest fit, or 0. */
function topDown(mb: Memblock, lo: number, hi: number, size: number, align: number, nid: number, flags: number): number {
  const mt = mb.types.memory;
  const A = mt.r;
  const Ab = mt.b;
  const Ae = mt.e;
  const Bb = mb.types.reserved.b;
  const Be = mb.types.reserved.e;
  const nb = Bb.length;
  let a = A.length - 1;
  let b = nb;
  while (a >= 0) {
    if (shouldSkipRegion(mb, A[a], nid, flags)) {
      a--;
      continue;
    }
    const mStart = Ab[a];
    const mEnd = Ae[a];
    let advanced = false;
    while (b >= 0) {
      // the gap between reserved b - 1 and b; the last one ends at PHYS_ADDR_MAX
      const rStart = b ? Be[b - 1] : 0;
      const rEnd = b < nb ? Bb[b] : Infinity;
      if (rEnd <= mStart) break;
      if (mEnd > rStart) {
        const fs = mStart > rStart ? mStart : rStart;
        const fe = mEnd < rEnd ? mEnd : rEnd;
        // clamp(this_start/this_end, start, end), then round_down(this_end - size, align)
        const s = fs < lo ? lo : fs > hi ? hi : fs;
        const e = fe < lo ? lo : fe > hi ? hi : fe;
        if (e >= size) {
          const x = e - size;
          const cand = x - (x % align);
          if (cand >= s) return cand;
        }
        if (mStart >= rStart) {
          a--;
          advanced = true;
          break;
        }
      }
      b--;
    }
    if (!advanced) a--;
  }
  return 0;
}

/** __memblock_find_range_bottom_up() over __next_mem_range(): the lowest fit, or 0. */
function bottomUp(mb: Memblock, lo: number, hi: number, size: number, align: number, nid: number, flags: number): number {
  const mt = mb.types.memory;
  const A = mt.r;
  const Ab = mt.b;
  const Ae = mt.e;
  const Bb = mb.types.reserved.b;
  const Be = mb.types.reserved.e;
  const nb = Bb.length;
  let a = 0;
  let b = 0;
  while (a < A.length) {
    if (shouldSkipRegion(mb, A[a], nid, flags)) {
      a++;
      continue;
    }
    const mStart = Ab[a];
    const mEnd = Ae[a];
    let advanced = false;
    while (b < nb + 1) {
      const rStart = b ? Be[b - 1] : 0;
      const rEnd = b < nb ? Bb[b] : Infinity;
      if (rStart >= mEnd) break;
      if (mStart < rEnd) {
        const fs = mStart > rStart ? mStart : rStart;
        const fe = mEnd < rEnd ? mEnd : rEnd;
        const s = fs < lo ? lo : fs > hi ? hi : fs;
        const e = fe < lo ? lo : fe > hi ? hi : fe;
        // round_up(this_start, align): this_start ≥ PAGE_SIZE > 0 (and round_up(0) is 0 either way)
        const r = s % align;
        const cand = r === 0 ? s : s - r + align;
        if (cand < e && e - cand >= size) return cand;
        if (mEnd <= rEnd) {
          a++;
          advanced = true;
          break;
        }
      }
      b++;
    }
    if (!advanced) a++;
  }
  return 0;
}
