// Models the crashkernel= reservation: arm64 reserve_crashkernel() (arch/arm64/mm/init.c, 5.10 and 6.1)
// and reserve_crashkernel_generic()/reserve_crashkernel_low() (kernel/crash_reserve.c, 6.12 and 7.2).
import { emit, hex, mib, note, type ModelContext } from './context.ts';
import {
  memblockFindInRange, memblockIsRegionMemory, memblockIsRegionReserved, memblockPhysAllocRange, memblockPhysFree, memblockReserve,
} from './memblock/index.ts';

/** What the command line asked for, after the generation's parser (src/inputs/cmdline). */
export interface CrashRequest {
  size: bigint;
  base: bigint;
  lowSize: bigint;
  high: boolean;
}

export interface CrashReserveVariant {
  /** 'find-then-reserve' (5.10), 'alloc-range' (6.1), 'generic' (6.12+ with the low/high fallbacks). */
  algorithm: 'find-then-reserve' | 'alloc-range' | 'generic';
  /** 5.10/6.1 PAGE_ALIGN the size; 6.12+ reserve it exactly. */
  pageAlignSize: boolean;
  /** DEFAULT_CRASH_KERNEL_LOW_SIZE for the generic fallback (128 MiB on arm64). */
  defaultLowSize: bigint;
}

export interface CrashRegion {
  base: bigint;
  size: bigint;
}

export interface CrashResult {
  ok: boolean;
  high?: CrashRegion;
  low?: CrashRegion;
  /** The region that holds the kernel ("Crash kernel" in /proc/iomem). */
  main?: CrashRegion;
  failure?: string;
}

const CRASH_ALIGN = 2n << 20n;

export interface CrashLimits {
  lowMax: bigint;
  highMax: bigint;
  pageSize: bigint;
}

export function reserveCrashkernel(ctx: ModelContext, v: CrashReserveVariant, req: CrashRequest, lim: CrashLimits): CrashResult {
  let size = req.size;
  if (v.pageAlignSize) size = (size + lim.pageSize - 1n) & ~(lim.pageSize - 1n);
  switch (v.algorithm) {
    case 'find-then-reserve':
      return reserve510(ctx, size, req.base, lim);
    case 'alloc-range':
      return reserve61(ctx, size, req, lim);
    case 'generic':
      return reserveGeneric(ctx, v, size, req, lim);
  }
}

function success(ctx: ModelContext, site: string, base: bigint, size: bigint, why: string, low?: CrashRegion): CrashResult {
  note(ctx, 'alloc', site, { base, size }, why);
  emit(ctx, site, 'crashReserved', [base, base + size, size >> 20n], why);
  const main = { base, size };
  return { ok: true, main, low, high: low ? main : undefined };
}

/** 5.10: memblock_find_in_range() below arm64_dma_phys_limit, or three checks of a fixed base, then memblock_reserve(). */
function reserve510(ctx: ModelContext, size: bigint, base: bigint, lim: CrashLimits): CrashResult {
  const site = 'reserve_crashkernel';
  let why: string;
  if (base === 0n) {
    const found = memblockFindInRange(ctx.mb, 0n, lim.lowMax, size, CRASH_ALIGN);
    if (found === undefined) {
      emit(ctx, site, 'crashCannotAllocate', [size], `no free ${mib(size)} block, 2 MiB aligned, below ${hex(lim.lowMax)}`);
      return { ok: false, failure: `no free ${mib(size)} 2 MiB-aligned block below the DMA limit ${hex(lim.lowMax)}` };
    }
    base = found;
    why = `highest free 2 MiB-aligned ${mib(size)} below arm64_dma_phys_limit ${hex(lim.lowMax)}`;
  } else {
    if (!memblockIsRegionMemory(ctx.mb, base, size)) {
      emit(ctx, site, 'crashNotMemory', []);
      return { ok: false, failure: `[${hex(base)}, ${hex(base + size)}) is not inside one memory region` };
    }
    if (memblockIsRegionReserved(ctx.mb, base, size)) {
      emit(ctx, site, 'crashOverlaps', []);
      return { ok: false, failure: `[${hex(base)}, ${hex(base + size)}) overlaps reserved memory` };
    }
    if (base & (CRASH_ALIGN - 1n)) {
      emit(ctx, site, 'crashUnaligned', []);
      return { ok: false, failure: `${hex(base)} is not 2 MiB aligned` };
    }
    why = `fixed base ${hex(base)} requested with @`;
  }
  memblockReserve(ctx.mb, base, size);
  return success(ctx, site, base, size, why);
}

/** 6.1: one memblock_phys_alloc_range() in [base, base+size) or [0, LOW_MAX) or (,high) [0, HIGH_MAX). */
function reserve61(ctx: ModelContext, size: bigint, req: CrashRequest, lim: CrashLimits): CrashResult {
  const site = 'reserve_crashkernel';
  let max = req.high ? lim.highMax : lim.lowMax;
  if (req.base) max = req.base + size;
  const base = memblockPhysAllocRange(ctx.mb, size, CRASH_ALIGN, req.base, max);
  if (base === undefined) {
    emit(ctx, site, 'crashCannotAllocate', [size]);
    return { ok: false, failure: `no free 2 MiB-aligned ${mib(size)} in [${hex(req.base)}, ${hex(max)})` };
  }
  let low: CrashRegion | undefined;
  if (base >= lim.lowMax && req.lowSize) {
    low = reserveCrashkernelLow(ctx, req.lowSize, lim);
    if (!low) {
      memblockPhysFree(ctx.mb, base, size);
      return { ok: false, failure: 'the low block could not be reserved, so the high region was released' };
    }
  }
  const why = req.base ? `fixed base ${hex(req.base)}` : `highest free 2 MiB-aligned ${mib(size)} below ${hex(max)}`;
  return success(ctx, site, base, size, why, low);
}

/** 6.12/7.2 reserve_crashkernel_generic(): low first, then high with a default low block, and back. */
function reserveGeneric(ctx: ModelContext, v: CrashReserveVariant, size: bigint, req: CrashRequest, lim: CrashLimits): CrashResult {
  const site = 'reserve_crashkernel_generic';
  let searchBase = 0n, searchEnd = lim.lowMax, lowSize = req.lowSize;
  const fixed = req.base !== 0n;
  const tried: string[] = [];
  if (fixed) {
    searchBase = req.base;
    searchEnd = req.base + size;
  } else if (req.high) {
    searchBase = lim.lowMax;
    searchEnd = lim.highMax;
  }
  for (;;) {
    const base = memblockPhysAllocRange(ctx.mb, size, CRASH_ALIGN, searchBase, searchEnd);
    tried.push(`[${hex(searchBase)}, ${hex(searchEnd)})`);
    if (base !== undefined) {
      let low: CrashRegion | undefined;
      if (base >= lim.lowMax && lowSize) {
        low = reserveCrashkernelLow(ctx, lowSize, lim);
        if (!low) {
          memblockPhysFree(ctx.mb, base, size);
          return { ok: false, failure: 'the low block could not be reserved, so the high region was released' };
        }
      }
      const why = fixed ? `fixed base ${hex(req.base)}` : `highest free 2 MiB-aligned ${mib(size)} in ${tried.join(' then ')}`;
      return success(ctx, site, base, size, why, low);
    }
    if (fixed) {
      emit(ctx, site, 'crashInUse', []);
      return { ok: false, failure: `[${hex(req.base)}, ${hex(req.base + size)}) is not free memory or not 2 MiB aligned` };
    }
    if (!req.high && searchEnd === lim.lowMax) {
      searchBase = lim.lowMax;
      searchEnd = lim.highMax;
      lowSize = v.defaultLowSize;
      note(ctx, 'decision', site, undefined, `no room below ${hex(lim.lowMax)}: falling back to high memory with a ${mib(lowSize)} low block`);
      continue;
    }
    if (req.high && searchEnd === lim.highMax) {
      searchEnd = lim.lowMax;
      searchBase = 0n;
      if (searchEnd !== lim.highMax) {
        note(ctx, 'decision', site, undefined, `no room above ${hex(lim.lowMax)}: falling back to low memory`);
        continue;
      }
    }
    emit(ctx, site, 'crashCannotAllocate', [size]);
    return { ok: false, failure: `no free 2 MiB-aligned ${mib(size)} in ${tried.join(' or ')}` };
  }
}

/** Models reserve_crashkernel_low(). */
function reserveCrashkernelLow(ctx: ModelContext, lowSize: bigint, lim: CrashLimits): CrashRegion | undefined {
  const site = 'reserve_crashkernel_low';
  const base = memblockPhysAllocRange(ctx.mb, lowSize, CRASH_ALIGN, 0n, lim.lowMax);
  if (base === undefined) {
    emit(ctx, site, 'crashLowFailed', [lowSize]);
    return undefined;
  }
  note(ctx, 'alloc', site, { base, size: lowSize }, `low block for the kdump kernel's DMA: highest free below ${hex(lim.lowMax)}`);
  emit(ctx, site, 'crashLowReserved', [base, base + lowSize, lowSize >> 20n]);
  return { base, size: lowSize };
}
