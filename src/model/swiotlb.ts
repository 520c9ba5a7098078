// Models the arm64 swiotlb decision (mem_init() 5.10–6.12, arch_mm_preinit() 7.2) and swiotlb_init()
// / swiotlb_init_remap() with swiotlb_memblock_alloc() (kernel/dma/swiotlb.c), 5.10–7.2.
import { emit, hex, mib, note, type ModelContext } from './context.ts';
import { memblockAlloc, memblockAllocLow, memblockPhysMemSize } from './memblock/index.ts';

export const IO_TLB_SHIFT = 11n;
export const IO_TLB_SEGSIZE = 128n;
export const IO_TLB_DEFAULT_NSLABS = (64n << 20n) >> IO_TLB_SHIFT;
const IO_TLB_MIN_SLABS = 512n;

export interface SwiotlbVariant {
  /** 5.10: single try, io_tlb_list/orig_addr metadata, no areas. 6.1+: areas, halving retries, slots metadata. */
  style: 'classic' | 'areas';
  /** 6.12+ (DMA_BOUNCE_UNALIGNED_KMALLOC): a small buffer (1 MiB per GiB) even when no bouncing is needed. */
  kmallocBounceBuffer: boolean;
  /** sizeof(struct io_tlb_slot) (6.1+) */
  slotSize: bigint;
  /** sizeof(struct io_tlb_area) (6.1+) */
  areaSize: bigint;
}

/** The `swiotlb=` parameter as the generation's parser left it (src/inputs/cmdline/params.ts). */
export interface SwiotlbParams {
  nslabs: bigint;
  nareas: number;
  force: boolean;
  noforce: boolean;
}

/** swiotlb's own state between parse time and init time (default_nslabs, default_nareas). */
export interface SwiotlbState {
  defaultNslabs: bigint;
  defaultNareas: number;
}

const isPow2 = (v: bigint) => v > 0n && (v & (v - 1n)) === 0n;
const roundupPow2 = (v: bigint) => {
  let p = 1n;
  while (p < v) p <<= 1n;
  return p;
};
const align = (v: bigint, a: bigint) => ((v + a - 1n) / a) * a;

export const swiotlbStateFrom = (p: SwiotlbParams): SwiotlbState => ({ defaultNslabs: p.nslabs, defaultNareas: p.nareas });

function roundUpDefaultNslabs(st: SwiotlbState): boolean {
  if (!st.defaultNareas) return false;
  const min = IO_TLB_SEGSIZE * BigInt(st.defaultNareas);
  if (st.defaultNslabs < min) st.defaultNslabs = min;
  else if (isPow2(st.defaultNslabs)) return false;
  st.defaultNslabs = roundupPow2(st.defaultNslabs);
  return true;
}

function swiotlbAdjustNareas(ctx: ModelContext, st: SwiotlbState, nareas: number): void {
  let n = BigInt(nareas);
  if (!n) n = 1n;
  else if (!isPow2(n)) n = roundupPow2(n);
  st.defaultNareas = Number(n);
  emit(ctx, 'swiotlb_adjust_nareas', 'swiotlbAreaNum', [st.defaultNareas]);
  if (roundUpDefaultNslabs(st)) emit(ctx, 'swiotlb_adjust_nareas', 'swiotlbRoundup', [(st.defaultNslabs << IO_TLB_SHIFT) >> 20n]);
}

export interface SwiotlbInput {
  maxPfn: bigint;
  dmaPhysLimit: bigint;
  pageSize: bigint;
  possibleCpus: number;
}

export interface SwiotlbResult {
  base?: bigint;
  size: bigint;
  why: string;
}

/** Models the arm64 caller plus swiotlb_init(): returns where the bounce buffer went, if anywhere. */
export function swiotlbInit(ctx: ModelContext, v: SwiotlbVariant, st: SwiotlbState, p: SwiotlbParams | undefined, i: SwiotlbInput): SwiotlbResult {
  const site = 'swiotlb_init';
  const pageShift = BigInt(i.pageSize.toString(2).length - 1);
  let needed = i.maxPfn > i.dmaPhysLimit >> pageShift;
  let why = needed ? `RAM ends above the DMA limit ${hex(i.dmaPhysLimit)}: devices limited to ZONE_DMA need bouncing` : `all RAM lies below the DMA limit ${hex(i.dmaPhysLimit)}`;
  const force = p?.force ?? false;

  if (v.style === 'classic') {
    if (!(force || needed)) {
      note(ctx, 'decision', site, undefined, `${why}: no bounce buffer`);
      return { size: 0n, why };
    }
    // 5.10 swiotlb_init(): io_tlb_nslabs 0 (no swiotlb=) means the 64 MiB default.
    if (!st.defaultNslabs) st.defaultNslabs = align(IO_TLB_DEFAULT_NSLABS, IO_TLB_SEGSIZE);
    const bytes = st.defaultNslabs << IO_TLB_SHIFT;
    const base = memblockAllocLow(ctx.mb, pageAlign(bytes, i.pageSize), i.pageSize, i.dmaPhysLimit - 1n);
    if (base === undefined) {
      emit(ctx, site, 'swiotlbAllocFailed', []);
      return { size: 0n, why: `${why}; no ${mib(bytes)} free below ${hex(i.dmaPhysLimit - 1n)}` };
    }
    memblockAlloc(ctx.mb, pageAlign(st.defaultNslabs * 4n, i.pageSize), i.pageSize);
    memblockAlloc(ctx.mb, pageAlign(st.defaultNslabs * 8n, i.pageSize), i.pageSize);
    note(ctx, 'alloc', site, { base, size: bytes }, `bounce buffer: ${mib(bytes)}, highest free below ${hex(i.dmaPhysLimit - 1n)} (ARCH_LOW_ADDRESS_LIMIT)`);
    emit(ctx, site, 'swiotlbMapped', [base, base + bytes, bytes >> 20n]);
    return { base, size: bytes, why };
  }

  if (v.kmallocBounceBuffer && !needed) {
    // swiotlb_adjust_size(min(swiotlb_size_or_default(), DIV_ROUND_UP(memblock_phys_mem_size(), 1024)))
    const want = (memblockPhysMemSize(ctx.mb) + 1023n) / 1024n;
    const cur = st.defaultNslabs << IO_TLB_SHIFT;
    swiotlbAdjustSize(ctx, st, want < cur ? want : cur);
    needed = true;
    why += ', but kmalloc() bouncing of unaligned buffers wants a small one (1 MiB per GiB of RAM)';
  }
  if (!needed && !force) {
    note(ctx, 'decision', site, undefined, `${why}: no bounce buffer`);
    return { size: 0n, why };
  }
  if (p?.noforce) {
    note(ctx, 'decision', site, undefined, 'swiotlb=noforce disables the bounce buffer');
    return { size: 0n, why: 'swiotlb=noforce' };
  }
  if (!st.defaultNareas) swiotlbAdjustNareas(ctx, st, i.possibleCpus);
  let nslabs = st.defaultNslabs;
  let nareas = limitNareas(st.defaultNareas, nslabs);
  let base: bigint | undefined;
  for (;;) {
    const bytes = pageAlign(nslabs << IO_TLB_SHIFT, i.pageSize);
    base = memblockAllocLow(ctx.mb, bytes, i.pageSize, i.dmaPhysLimit - 1n);
    if (base !== undefined) break;
    emit(ctx, 'swiotlb_memblock_alloc', 'swiotlbAllocFailed', [bytes]);
    if (nslabs <= IO_TLB_MIN_SLABS) return { size: 0n, why: `${why}; nothing free below ${hex(i.dmaPhysLimit - 1n)}` };
    nslabs = align(nslabs >> 1n, IO_TLB_SEGSIZE);
    nareas = limitNareas(nareas, nslabs);
  }
  if (st.defaultNslabs !== nslabs) {
    emit(ctx, site, 'swiotlbAdjustedSlabs', [st.defaultNslabs, nslabs]);
    st.defaultNslabs = nslabs;
  }
  const bytes = nslabs << IO_TLB_SHIFT;
  note(ctx, 'alloc', site, { base, size: bytes }, `bounce buffer: ${mib(bytes)}, highest free below ${hex(i.dmaPhysLimit - 1n)} (ARCH_LOW_ADDRESS_LIMIT)`);
  memblockAlloc(ctx.mb, pageAlign(nslabs * v.slotSize, i.pageSize), i.pageSize);
  memblockAlloc(ctx.mb, BigInt(nareas) * v.areaSize, 64n);
  emit(ctx, site, 'swiotlbMapped', [base, base + bytes, bytes >> 20n]);
  return { base, size: bytes, why };
}

function swiotlbAdjustSize(ctx: ModelContext, st: SwiotlbState, size: bigint): void {
  if (st.defaultNslabs !== IO_TLB_DEFAULT_NSLABS) return;
  size = align(size, 1n << IO_TLB_SHIFT);
  st.defaultNslabs = align(size >> IO_TLB_SHIFT, IO_TLB_SEGSIZE);
  if (roundUpDefaultNslabs(st)) size = st.defaultNslabs << IO_TLB_SHIFT;
  emit(ctx, 'swiotlb_adjust_size', 'swiotlbAdjustedTo', [size >> 20n]);
}

const limitNareas = (nareas: number, nslots: bigint): number => (nslots < BigInt(nareas) * IO_TLB_SEGSIZE ? Number(nslots / IO_TLB_SEGSIZE) : nareas);
const pageAlign = (v: bigint, page: bigint) => (v + page - 1n) & ~(page - 1n);
