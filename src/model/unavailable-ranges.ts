// Models the "On node %d, zone %s: %lld pages in unavailable ranges" lines of memmap_init() →
// init_unavailable_range() (mm/page_alloc.c 5.10, mm/mm_init.c 6.1+): struct pages initialised for the
// holes between memory ranges (and the tail up to a section), counted where pfn_valid() holds for the
// pageblock (5.10: memblock_is_map_memory(); 6.1+: the section has memory). Computed on intervals.
import type { ModelContext } from './context.ts';
import { MEMBLOCK_NOMAP, type MemblockRegion } from './memblock/types.ts';
import type { ZoneSpan } from './zones.ts';

export interface UnavailableVariant {
  /** 5.10: pfn_valid() = memblock_is_map_memory(); 6.1+: the generic sparsemem section test. */
  pfnValid: 'map-memory' | 'section';
  pagesPerSection: bigint;
  pageblockPages: bigint;
}

type Iv = [bigint, bigint];

function union(ivs: Iv[]): Iv[] {
  ivs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Iv[] = [];
  for (const [s, e] of ivs) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) { if (e > last[1]) last[1] = e; } else out.push([s, e]);
  }
  return out;
}

export function unavailableRanges(memory: readonly MemblockRegion[], zones: readonly ZoneSpan[], pageShift: bigint, v: UnavailableVariant): { zone: string; pages: bigint }[] {
  const page = 1n << pageShift;
  const up = (x: bigint, a: bigint) => ((x + a - 1n) / a) * a;
  const down = (x: bigint, a: bigint) => (x / a) * a;
  // The pfns whose pageblock pfn_valid() accepts.
  const validIvs: Iv[] = [];
  for (const r of memory) {
    if (v.pfnValid === 'section') {
      const s = (r.base >> pageShift) / v.pagesPerSection;
      const e = ((r.base + r.size - 1n) >> pageShift) / v.pagesPerSection + 1n;
      validIvs.push([s * v.pagesPerSection, e * v.pagesPerSection]);
    } else if ((r.flags & MEMBLOCK_NOMAP) === 0) {
      const rs = r.base >> pageShift, re = (r.base + r.size + page - 1n) >> pageShift;
      const first = up(rs, v.pageblockPages);
      if (first < re) validIvs.push([first, down(re - 1n, v.pageblockPages) + v.pageblockPages]);
    }
  }
  const valid = union(validIvs);
  // The holes come in address order: a cursor skips the valid intervals already passed (O(regions) in all).
  let first = 0;
  let lastStart = -1n;
  const count = (s: bigint, e: bigint): bigint => {
    if (s < lastStart) first = 0;
    lastStart = s;
    while (first < valid.length && valid[first][1] <= s) first++;
    let n = 0n;
    for (let i = first; i < valid.length && valid[i][0] < e; i++) {
      const [a, b] = valid[i];
      const lo = a > s ? a : s, hi = b < e ? b : e;
      if (hi > lo) n += hi - lo;
    }
    return n;
  };
  const ranges = memory.map((r) => ({ s: (r.base + page - 1n) >> pageShift, e: (r.base + r.size) >> pageShift })).filter((r) => r.s < r.e);
  const live = zones.filter((z) => z.name !== 'Device' && z.endPfn > z.startPfn);
  const out: { zone: string; pages: bigint }[] = [];
  const add = (zone: string, n: bigint) => { if (n) out.push({ zone, pages: n }); };
  let hole = 0n;
  let lastZone = '';
  for (const r of ranges) {
    for (const z of live) {
      const s = r.s < z.startPfn ? z.startPfn : r.s;
      const e = r.e > z.endPfn ? z.endPfn : r.e;
      if (s >= e) continue;
      if (hole < s) add(z.name, count(hole, s));
      hole = e;
      lastZone = z.name;
    }
  }
  const end = up(hole, v.pagesPerSection);
  if (hole < end && lastZone) add(lastZone, count(hole, end));
  return out;
}

export function printUnavailableRanges(ctx: ModelContext, memory: readonly MemblockRegion[], zones: readonly ZoneSpan[], pageShift: bigint, v: UnavailableVariant): void {
  for (const u of unavailableRanges(memory, zones, pageShift, v)) {
    ctx.trace.print('init_unavailable_range', { fmt: 'On node %d, zone %s: %lld pages in unavailable ranges\n', args: [0, u.zone, u.pages], level: 'info', kind: 'zone-debug' }, 'struct pages initialised for a hole in the memory map');
  }
}
