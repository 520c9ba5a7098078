// Models the zone limits and the `Zone ranges:` block that free_area_init() prints
// (mm/page_alloc.c in 5.10/6.1, mm/mm_init.c in 6.12/7.2), plus 5.10's KERN_DEBUG per-zone lines.
import { emit, type ModelContext } from './context.ts';
import type { MemblockRegion } from './memblock/types.ts';

export interface ZonePfnLimits {
  dma: bigint;
  dma32: bigint;
  normal: bigint;
}

export interface ZoneSpan {
  name: 'DMA' | 'DMA32' | 'Normal' | 'Device';
  startPfn: bigint;
  endPfn: bigint;
  presentPages: bigint;
}

/** The zone spans as free_area_init() computes them: each zone starts where the previous ended. */
export function zoneSpans(limits: ZonePfnLimits, startPfn: bigint, memory: readonly MemblockRegion[], pageShift: bigint, zoneDevice: boolean): ZoneSpan[] {
  const out: ZoneSpan[] = [];
  let start = startPfn;
  const zones: [ZoneSpan['name'], bigint][] = [['DMA', limits.dma], ['DMA32', limits.dma32], ['Normal', limits.normal]];
  if (zoneDevice) zones.push(['Device', 0n]);
  for (const [name, limit] of zones) {
    const end = limit > start ? limit : start;
    out.push({ name, startPfn: start, endPfn: end, presentPages: presentPagesIn(memory, start, end, pageShift) });
    start = end;
  }
  return out;
}

/** Pages of memblock.memory (NOMAP included) within [startPfn, endPfn), as for_each_mem_pfn_range rounds them. */
export function presentPagesIn(memory: readonly MemblockRegion[], startPfn: bigint, endPfn: bigint, pageShift: bigint): bigint {
  let n = 0n;
  const page = 1n << pageShift;
  for (const r of memory) {
    const s = (r.base + page - 1n) >> pageShift;
    const e = (r.base + r.size) >> pageShift;
    const lo = s > startPfn ? s : startPfn;
    const hi = e < endPfn ? e : endPfn;
    if (hi > lo) n += hi - lo;
  }
  return n;
}

export interface ZonePrintInput {
  limits: ZonePfnLimits;
  memory: readonly MemblockRegion[];
  pageShift: bigint;
  zoneDevice: boolean;
  /** 5.10 prints per-zone memmap/batch lines at KERN_DEBUG. */
  debugZoneLines: boolean;
  structPageSize: bigint;
}

/** Prints the Zone ranges / Movable / Early memory node ranges / Initmem block; returns the spans. */
export function printZones(ctx: ModelContext, site: string, z: ZonePrintInput): ZoneSpan[] {
  const page = 1n << z.pageShift;
  const pfnRanges = z.memory
    .map((r) => ({ start: (r.base + page - 1n) >> z.pageShift, end: (r.base + r.size) >> z.pageShift, nid: r.nid }))
    .filter((r) => r.start < r.end);
  const startPfn = pfnRanges.length ? pfnRanges[0].start : 0n;
  const spans = zoneSpans(z.limits, startPfn, z.memory, z.pageShift, z.zoneDevice);
  emit(ctx, site, 'zoneRanges', []);
  for (const s of spans) {
    if (s.startPfn === s.endPfn) emit(ctx, site, 'zoneEmpty', [s.name]);
    else emit(ctx, site, 'zoneLine', [s.name, s.startPfn << z.pageShift, (s.endPfn << z.pageShift) - 1n], `${s.name} ends at pfn ${s.endPfn}`);
  }
  emit(ctx, site, 'movableStart', []);
  emit(ctx, site, 'earlyNodeRanges', []);
  for (const r of pfnRanges) emit(ctx, site, 'nodeRange', [nodeOf(r.nid), r.start << z.pageShift, (r.end << z.pageShift) - 1n]);
  const nodeStart = pfnRanges.length ? pfnRanges[0].start : 0n;
  const nodeEnd = pfnRanges.length ? pfnRanges[pfnRanges.length - 1].end : 0n;
  emit(ctx, site, 'initmem', [0, nodeStart << z.pageShift, nodeEnd ? (nodeEnd << z.pageShift) - 1n : 0n]);
  if (z.debugZoneLines) printZoneDebug(ctx, site, spans, z);
  return spans;
}

const nodeOf = (nid: number): number => (nid >= 0 && nid < 16 ? nid : 0);

/** 5.10 free_area_init_node()/free_area_init_core()/zone_pcp_init() KERN_DEBUG lines. */
function printZoneDebug(ctx: ModelContext, site: string, spans: ZoneSpan[], z: ZonePrintInput): void {
  const total = spans.reduce((a, s) => a + s.presentPages, 0n);
  const page = 1n << z.pageShift;
  ctx.trace.print(site, { fmt: 'On node %d totalpages: %lu\n', args: [0, total], level: 'debug', kind: 'zone-debug' });
  spans.forEach((s, j) => {
    if (s.name === 'Device') return;
    const spanned = s.endPfn - s.startPfn;
    let freesize = s.presentPages;
    // calc_memmap_size(): present pages when the zone has big holes (SPARSEMEM), else spanned.
    const pages = spanned > freesize + (freesize >> 4n) ? freesize : spanned;
    const memmapPages = (pages * z.structPageSize + page - 1n) / page;
    if (freesize >= memmapPages) {
      freesize -= memmapPages;
      if (memmapPages) ctx.trace.print(site, { fmt: '  %s zone: %lu pages used for memmap\n', args: [s.name, memmapPages], level: 'debug', kind: 'zone-debug' });
    } else {
      ctx.trace.print(site, { fmt: '  %s zone: %lu pages exceeds freesize %lu\n', args: [s.name, memmapPages, freesize], level: 'warn', kind: 'zone-debug' });
    }
    if (j === 0 && freesize > 0n) ctx.trace.print(site, { fmt: '  %s zone: %lu pages reserved\n', args: [s.name, 0], level: 'debug', kind: 'zone-debug' });
    if (s.presentPages > 0n) ctx.trace.print(site, { fmt: '  %s zone: %lu pages, LIFO batch:%u\n', args: [s.name, s.presentPages, zoneBatchsize(freesize, page)], level: 'debug', kind: 'zone-debug' });
  });
}

/** Models zone_batchsize() (mm/page_alloc.c 5.10) for the managed pages at zone init. */
export function zoneBatchsize(managed: bigint, page: bigint): number {
  let batch = managed / 1024n;
  if (batch * page > 1024n * 1024n) batch = (1024n * 1024n) / page;
  batch /= 4n;
  if (batch < 1n) batch = 1n;
  const x = batch + batch / 2n;
  let p = 1n;
  while (p * 2n <= x) p *= 2n;
  return Number(p - 1n);
}

export interface ZonelistVariant {
  /** 6.1+ print "Fallback order for Node %d: " with one "%d " per node. */
  printsFallbackOrder: boolean;
  /** vm_total_pages: 5.10/6.1 count managed pages (present minus memmap) at this point; 6.12+ present pages. */
  totalPages: 'present-minus-memmap' | 'present';
}

/** Models build_all_zonelists()'s messages (mm/page_alloc.c), one node: fallback order, totals, policy zone. */
export function buildAllZonelists(ctx: ModelContext, v: ZonelistVariant, spans: readonly ZoneSpan[], pageSize: bigint, structPageSize: bigint): void {
  const site = 'build_all_zonelists';
  if (v.printsFallbackOrder) ctx.trace.print(site, { fmt: 'Fallback order for Node %d: %d \n', args: [0, 0], level: 'info', kind: 'zones' });
  let total = 0n;
  for (const s of spans) {
    if (s.name === 'Device') continue;
    if (v.totalPages === 'present') total += s.presentPages;
    else {
      const spanned = s.endPfn - s.startPfn;
      const pages = spanned > s.presentPages + (s.presentPages >> 4n) ? s.presentPages : spanned;
      const memmap = (pages * structPageSize + pageSize - 1n) / pageSize;
      if (s.presentPages >= memmap) total += s.presentPages - memmap;
    }
  }
  ctx.trace.print(site, { fmt: 'Built %u zonelists, mobility grouping %s.  Total pages: %ld\n', args: [1, 'on', total], level: 'info', kind: 'zones' });
  const populated = spans.filter((s) => s.name !== 'Device' && s.presentPages > 0n);
  const policy = populated.length ? populated[populated.length - 1].name : 'DMA';
  ctx.trace.print(site, { fmt: 'Policy zone: %s\n', args: [policy], level: 'info', kind: 'zones' });
}
