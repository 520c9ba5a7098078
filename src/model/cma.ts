// Models dma_contiguous_reserve() (kernel/dma/contiguous.c) and cma_declare_contiguous_nid() (mm/cma.c),
// the global CMA area, 5.10–7.2.
import { emit, hex, mib, note, type ModelContext } from './context.ts';
import {
  memblockAllocRangeNid, memblockEndOfDRAM, memblockIsRegionReserved, memblockPhysMemSize, memblockReserve,
} from './memblock/index.ts';
import { NUMA_NO_NODE } from './memblock/types.ts';

export interface CmaVariant {
  /**
   * The area's alignment: 'pageblock' is CMA_MIN_ALIGNMENT_BYTES = PAGE_SIZE << pageblock_order (6.1+); 'max-order'
   * is PAGE_SIZE << max(MAX_ORDER - 1, pageblock_order) (5.10). See cmaMinAlignment().
   */
  alignment: 'pageblock' | 'max-order';
  /** `cma=…-limit`: 5.10–6.12 take min_not_zero(user, DMA limit); 7.2 honours the user limit. */
  userLimitOverridesDma: boolean;
  /** The bottom-up-above-4G try: keyed on memblock_end (6.1/6.12), on the limit (7.2), or absent (5.10). */
  bottomUpAbove4G: 'none' | 'memblock-end' | 'limit';
  /** 6.12 prints the nid in its messages. */
  printsNid: boolean;
}

export interface CmaCmdline {
  size: bigint;
  base: bigint;
  limit: bigint;
}

export interface CmaConfig {
  enabled: boolean;
  sizeSel: 'mbytes' | 'percentage' | 'min' | 'max';
  sizeMbytes: number;
  sizePercentage: number;
}

export interface CmaResult {
  base?: bigint;
  size: bigint;
  ok: boolean;
}

const SZ_4G = 1n << 32n;

/** 5.10's MAX_ORDER - 1 by PAGE_SHIFT (arm64 Kconfig ARCH_FORCE_MAX_ORDER: 11 at 4K, 12 at 16K, 14 at 64K). */
const MAX_ORDER_MINUS_1: Readonly<Record<number, bigint>> = { 12: 10n, 14: 11n, 16: 13n };

/**
 * The CMA alignment for a page size: pageblock_order is PMD_SHIFT - PAGE_SHIFT = PAGE_SHIFT - 3 on arm64 (2 MiB at
 * 4K, 32 MiB at 16K, 512 MiB at 64K); 5.10 takes the larger of it and MAX_ORDER - 1 (4 MiB at 4K).
 */
export function cmaMinAlignment(v: CmaVariant, pageSize: bigint): bigint {
  const shift = pageSize.toString(2).length - 1;
  const pageblockOrder = BigInt(shift - 3);
  const maxOrder = v.alignment === 'max-order' ? (MAX_ORDER_MINUS_1[shift] ?? 0n) : 0n;
  return pageSize << (maxOrder > pageblockOrder ? maxOrder : pageblockOrder);
}
const alignUp = (v: bigint, a: bigint) => (v + a - 1n) & ~(a - 1n);

/** Models dma_contiguous_reserve(limit). `defaultAreaFromDt`: a DT linux,cma-default node already set the area. */
export function dmaContiguousReserve(
  ctx: ModelContext, v: CmaVariant, cfg: CmaConfig, limit: bigint, cmdline: CmaCmdline | undefined, defaultAreaFromDt: boolean, pageSize: bigint,
): CmaResult | undefined {
  if (!cfg.enabled) return undefined;
  let size = 0n, base = 0n, selectedLimit = limit, fixed = false;
  if (cmdline) {
    size = cmdline.size;
    base = cmdline.base;
    selectedLimit = v.userLimitOverridesDma ? (cmdline.limit || limit) : minNotZero(cmdline.limit, limit);
    fixed = base + size === cmdline.limit;
  } else {
    const bytes = BigInt(cfg.sizeMbytes) << 20n;
    const pct = ((memblockPhysMemSize(ctx.mb) / pageSize) * BigInt(cfg.sizePercentage) / 100n) * pageSize;
    size = cfg.sizeSel === 'mbytes' ? bytes : cfg.sizeSel === 'percentage' ? pct : cfg.sizeSel === 'min' ? (bytes < pct ? bytes : pct) : bytes > pct ? bytes : pct;
  }
  if (!size) {
    note(ctx, 'decision', 'dma_contiguous_reserve', undefined, 'no global CMA area: its size is 0');
    return undefined;
  }
  if (defaultAreaFromDt) {
    note(ctx, 'decision', 'dma_contiguous_reserve', undefined, 'no global CMA area: a /reserved-memory linux,cma-default node already provides it');
    return undefined;
  }
  return cmaDeclareContiguousNid(ctx, v, base, size, selectedLimit, fixed, pageSize);
}

const minNotZero = (a: bigint, b: bigint) => (a === 0n ? b : b === 0n ? a : a < b ? a : b);

/** Models cma_declare_contiguous_nid(base, size, limit, 0, 0, fixed, "reserved", …, NUMA_NO_NODE). */
export function cmaDeclareContiguousNid(ctx: ModelContext, v: CmaVariant, base: bigint, size: bigint, limit: bigint, fixed: boolean, pageSize: bigint): CmaResult {
  const site = 'cma_declare_contiguous_nid';
  const nid = NUMA_NO_NODE;
  const memblockEnd = memblockEndOfDRAM(ctx.mb);
  const align = cmaMinAlignment(v, pageSize);
  const failed = (s: bigint): CmaResult => {
    emit(ctx, site, 'cmaFailed', v.printsNid ? [s >> 20n, nid] : [s >> 20n]);
    return { ok: false, size: s };
  };
  if (fixed && (base & (align - 1n))) {
    emit(ctx, site, 'cmaUnaligned', [base, align]);
    return failed(size);
  }
  base = alignUp(base, align);
  size = alignUp(size, align);
  limit &= ~(align - 1n);
  if (!base) fixed = false;
  if (limit === 0n || limit > memblockEnd) limit = memblockEnd;
  if (base + size > limit) {
    emit(ctx, site, 'cmaExceeds', [size, base, limit], `CMA needs ${mib(size)} at ${hex(base)} but its limit is ${hex(limit)}`);
    return failed(size);
  }
  let addr: bigint | undefined;
  if (fixed) {
    if (memblockIsRegionReserved(ctx.mb, base, size)) return failed(size);
    memblockReserve(ctx.mb, base, size);
    addr = base;
  } else {
    const tryBottomUp = v.bottomUpAbove4G === 'memblock-end' ? memblockEnd >= SZ_4G + size : v.bottomUpAbove4G === 'limit' ? limit >= SZ_4G + size : false;
    if (tryBottomUp && !ctx.mb.bottomUp) {
      ctx.mb.bottomUp = true;
      addr = memblockAllocRangeNid(ctx.mb, size, align, SZ_4G, limit, nid, true);
      ctx.mb.bottomUp = false;
    }
    addr ??= memblockAllocRangeNid(ctx.mb, size, align, base, limit, nid, true);
    if (addr === undefined) return failed(size);
  }
  note(ctx, 'alloc', site, { base: addr, size }, `global CMA area: ${mib(size)}, ${mib(align)} aligned, top-down below ${hex(limit)}`);
  emit(ctx, site, 'cmaReserved', v.printsNid ? [size >> 20n, addr, nid] : [size >> 20n, addr]);
  return { ok: true, base: addr, size };
}
