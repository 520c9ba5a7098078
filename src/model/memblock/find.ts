// Models the free-range walk (__next_mem_range, __next_mem_range_rev, should_skip_region,
// for_each_free_mem_range[_reverse]) and memblock_find_in_range_node() with its bottom-up and top-down
// helpers (mm/memblock.c), 5.10–7.2.

import {
  MEMBLOCK_ALLOC_ACCESSIBLE,
  MEMBLOCK_ALLOC_NOLEAKTRACE,
  MEMBLOCK_NONE,
  NUMA_NO_NODE,
  PHYS_ADDR_MAX,
  type Memblock,
} from './types.ts';
import { shouldSkipRegion } from './regions.ts';
import { findInRangeDoubles } from './find-doubles.ts';

export interface FreeRange {
  start: bigint;
  end: bigint;
  nid: number;
}

const U64 = (1n << 64n) - 1n;

/** The kernel's round_up() (include/linux/math.h): power-of-two arithmetic on u64, wrapping like C. */
export function roundUp(x: bigint, y: bigint): bigint {
  // 0 < x, y <= 2^64 - 1 (every call but the degenerate ones): no operand wraps, only the sum may
  if (x > 0n && y > 0n && x <= U64 && y <= U64) {
    const r = ((x - 1n) | (y - 1n)) + 1n;
    return r > U64 ? r & U64 : r;
  }
  return ((((x - 1n) & U64) | ((y - 1n) & U64)) + 1n) & U64;
}

/** The kernel's round_down(): x & ~(y - 1) on u64. */
export function roundDown(x: bigint, y: bigint): bigint {
  // x & ~m = x - (x & m) for m >= 0: two operations on non-negative values instead of four
  if (x >= 0n && y > 0n && x <= U64 && y <= U64) return x - (x & (y - 1n));
  return x & ~((y - 1n) & U64) & U64;
}

function clamp(v: bigint, lo: bigint, hi: bigint): bigint {
  const m = v > lo ? v : lo;
  return m < hi ? m : hi;
}

/**
 * Models __next_mem_range() / __next_mem_range_rev() as one walk: calls `visit(start, end, nid)` for each part
 * of a memory region (not skipped) that no reserved region covers, in address order or (reverse) from the
 * top, until `visit` returns true. A free range never spans two memory regions. No object per range: the
 * allocators call this on every allocation.
 */
export function walkFreeMemRanges(
  mb: Memblock,
  nid: number,
  flags: number,
  reverse: boolean,
  visit: (start: bigint, end: bigint, nid: number) => boolean,
): void {
  const A = mb.types.memory.r;
  const B = mb.types.reserved.r;
  const nb = B.length;
  if (!reverse) {
    let a = 0;
    let b = 0;
    while (a < A.length) {
      const m = A[a];
      if (shouldSkipRegion(mb, m, nid, flags)) {
        a++;
        continue;
      }
      const mStart = m.base;
      const mEnd = m.base + m.size;
      let advanced = false;
      while (b < nb + 1) {
        const rStart = b ? B[b - 1].base + B[b - 1].size : 0n;
        const rEnd = b < nb ? B[b].base : PHYS_ADDR_MAX;
        if (rStart >= mEnd) break;
        if (mStart < rEnd) {
          if (visit(mStart > rStart ? mStart : rStart, mEnd < rEnd ? mEnd : rEnd, m.nid)) return;
          // the region which ends first is advanced
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
  } else {
    let a = A.length - 1;
    let b = nb;
    while (a >= 0) {
      const m = A[a];
      if (shouldSkipRegion(mb, m, nid, flags)) {
        a--;
        continue;
      }
      const mStart = m.base;
      const mEnd = m.base + m.size;
      let advanced = false;
      while (b >= 0) {
        const rStart = b ? B[b - 1].base + B[b - 1].size : 0n;
        const rEnd = b < nb ? B[b].base : PHYS_ADDR_MAX;
        if (rEnd <= mStart) break;
        if (mEnd > rStart) {
          if (visit(mStart > rStart ? mStart : rStart, mEnd < rEnd ? mEnd : rEnd, m.nid)) return;
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
  }
}

/**
 * Models for_each_free_mem_range() / for_each_free_mem_range_reverse(): the free ranges, in walk order.
 */
export function forEachFreeMemRange(mb: Memblock, opts: { nid?: number; flags?: number; reverse?: boolean } = {}): FreeRange[] {
  const out: FreeRange[] = [];
  walkFreeMemRanges(mb, opts.nid ?? NUMA_NO_NODE, opts.flags ?? MEMBLOCK_NONE, !!opts.reverse, (start, end, nid) => {
    out.push({ start, end, nid });
    return false;
  });
  return out;
}

/** Models __memblock_find_range_bottom_up(): the lowest fit, at round_up(this_start, align). */
function findRangeBottomUp(mb: Memblock, start: bigint, end: bigint, size: bigint, align: bigint, nid: number, flags: number): bigint {
  let found = 0n;
  walkFreeMemRanges(mb, nid, flags, false, (rs, re) => {
    const thisStart = clamp(rs, start, end);
    const thisEnd = clamp(re, start, end);
    const cand = roundUp(thisStart, align);
    if (cand < thisEnd && thisEnd - cand >= size) {
      found = cand;
      return true;
    }
    return false;
  });
  return found;
}

/** Models __memblock_find_range_top_down(): the highest fit, at round_down(this_end - size, align). */
function findRangeTopDown(mb: Memblock, start: bigint, end: bigint, size: bigint, align: bigint, nid: number, flags: number): bigint {
  let found = 0n;
  walkFreeMemRanges(mb, nid, flags, true, (rs, re) => {
    const thisStart = clamp(rs, start, end);
    const thisEnd = clamp(re, start, end);
    if (thisEnd < size) return false;
    const cand = roundDown(thisEnd - size, align);
    if (cand >= thisStart) {
      found = cand;
      return true;
    }
    return false;
  });
  return found;
}

/**
 * Models memblock_find_in_range_node(): `end` ACCESSIBLE/NOLEAKTRACE means current_limit; the first page is
 * never returned (start is raised to PAGE_SIZE). Returns undefined where the kernel returns 0.
 */
export function memblockFindInRangeNode(
  mb: Memblock,
  size: bigint,
  align: bigint,
  start: bigint,
  end: bigint,
  nid: number,
  flags: number = MEMBLOCK_NONE,
): bigint | undefined {
  if (end === MEMBLOCK_ALLOC_ACCESSIBLE || end === MEMBLOCK_ALLOC_NOLEAKTRACE) end = mb.currentLimit;
  if (start < mb.pageSize) start = mb.pageSize;
  if (end < start) end = start;
  const found = findInRangeDoubles(mb, size, align, start, end, nid, flags)
    ?? (mb.bottomUp ? findRangeBottomUp(mb, start, end, size, align, nid, flags) : findRangeTopDown(mb, start, end, size, align, nid, flags));
  return found === 0n ? undefined : found;
}

/**
 * Models memblock_find_in_range() (public in 5.10, static later): any node, choose_memblock_flags()
 * (MEMBLOCK_NONE on arm64: no mirror, no KHO).
 */
export function memblockFindInRange(mb: Memblock, start: bigint, end: bigint, size: bigint, align: bigint): bigint | undefined {
  return memblockFindInRangeNode(mb, size, align, start, end, NUMA_NO_NODE, MEMBLOCK_NONE);
}
