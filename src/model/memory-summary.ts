// Models memblock_free_all() (mm/memblock.c) and mem_init_print_info() (mm/page_alloc.c) where the `Memory:`
// line is printed right after it (5.10, 6.1): total RAM pages, pages handed to the buddy allocator now
// (DEFERRED_STRUCT_PAGE_INIT holds back all but the first section of the highest zone), reserved and CMA.
import type { ModelContext } from './context.ts';
import { forEachFreeMemRange } from './memblock/index.ts';
import type { ZoneSpan } from './zones.ts';

/** _etext-_stext etc. of the build, in KiB as the line prints them. */
export interface ImageSectionsK {
  code: number;
  rwdata: number;
  rodata: number;
  init: number;
  bss: number;
}

export interface MemorySummaryInput {
  pageShift: bigint;
  /** PAGES_PER_SECTION: the deferred-init granule. */
  pagesPerSection: bigint;
  deferredStructPageInit: boolean;
  spans: readonly ZoneSpan[];
  cmaPages: bigint;
  sections: ImageSectionsK;
  /** 6.12+ print the line only after deferred init, from figures the model does not follow: compute, do not print. */
  silent?: boolean;
}

export interface MemorySummary {
  physpages: bigint;
  totalram: bigint;
  freeNow: bigint;
  reserved: bigint;
}

/** The first pfn deferred_init leaves uninitialised: defer_init() over the highest populated zone's memory. */
function firstDeferredPfn(ctx: ModelContext, i: MemorySummaryInput): bigint | undefined {
  if (!i.deferredStructPageInit) return undefined;
  const zones = i.spans.filter((s) => s.name !== 'Device' && s.presentPages > 0n);
  const last = zones[zones.length - 1];
  if (!last) return undefined;
  const page = 1n << i.pageShift;
  let before = 0n;
  for (const r of ctx.mb.memory) {
    const a0 = (r.base + page - 1n) >> i.pageShift;
    const b0 = (r.base + r.size) >> i.pageShift;
    const a = a0 > last.startPfn ? a0 : last.startPfn;
    const b = b0 < last.endPfn ? b0 : last.endPfn;
    if (b <= a) continue;
    // The first section-aligned pfn reached after PAGES_PER_SECTION pfns were initialised.
    const need = i.pagesPerSection - before;
    let p = a + (need > 0n ? need : 0n);
    p = ((p + i.pagesPerSection - 1n) / i.pagesPerSection) * i.pagesPerSection;
    if (p < b) return p;
    before += b - a;
  }
  return undefined;
}

export function memoryLine(ctx: ModelContext, i: MemorySummaryInput): MemorySummary {
  const page = 1n << i.pageShift;
  let physpages = 0n;
  for (const r of ctx.mb.memory) {
    const s = (r.base + page - 1n) >> i.pageShift;
    const e = (r.base + r.size) >> i.pageShift;
    if (e > s) physpages += e - s;
  }
  const deferredFrom = firstDeferredPfn(ctx, i);
  let totalram = 0n;
  let freeNow = 0n;
  for (const r of forEachFreeMemRange(ctx.mb, {})) {
    const s = (r.start + page - 1n) >> i.pageShift;
    const e = r.end >> i.pageShift;
    if (e <= s) continue;
    totalram += e - s;
    const ee = deferredFrom !== undefined && deferredFrom < e ? deferredFrom : e;
    if (ee > s) freeNow += ee - s;
  }
  const reserved = physpages - totalram - i.cmaPages;
  if (i.silent) return { physpages, totalram, freeNow, reserved };
  const k = (pages: bigint) => pages << (i.pageShift - 10n);
  const x = i.sections;
  ctx.trace.print('mem_init_print_info', {
    fmt: 'Memory: %luK/%luK available (%luK kernel code, %luK rwdata, %luK rodata, %luK init, %luK bss, %luK reserved, %luK cma-reserved)\n',
    args: [k(freeNow), k(physpages), x.code, x.rwdata, x.rodata, x.init, x.bss, k(reserved), k(i.cmaPages)],
    level: 'info',
    kind: 'memory',
  }, `memblock_free_all() handed ${totalram} pages to the page allocator (${freeNow} now, the rest after deferred struct-page init)`);
  return { physpages, totalram, freeNow, reserved };
}
