// Models the static and dynamic regions of /reserved-memory: early_init_dt_reserve_memory() (5.10:
// early_init_dt_reserve_memory_arch), __reserved_mem_reserve_reg(), early_init_dt_alloc_reserved_memory_arch(),
// __reserved_mem_alloc_in_range() (6.12+) and __reserved_mem_alloc_size() (drivers/of/fdt.c,
// drivers/of/of_reserved_mem.c), 5.10–7.2.
import type { FdtNode } from '../../inputs/fdt/tree.ts';
import { hex, mib, note, type ModelContext } from '../context.ts';
import {
  memblockFindInRange, memblockIsRegionReserved, memblockMarkNomap, memblockOverlapsRegion, memblockPhysAllocRange,
  memblockRemove, memblockReserve,
} from '../memblock/index.ts';
import { MEMBLOCK_ALLOC_ANYWHERE, SMP_CACHE_BYTES } from '../memblock/types.ts';
import { fdtValidateReservedMemNode } from './init-fns.ts';
import { cellNumber, cellPairs, flatDtIsCompatible, hasProp, rmemPrint, type Errno, type RmemState } from './state.ts';

/** Models early_init_dt_reserve_memory(): reserve, or mark no-map unless the range is already reserved. */
export function earlyInitDtReserveMemory(ctx: ModelContext, st: RmemState, base: bigint, size: bigint, nomap: boolean, who: string): boolean {
  const site = 'early_init_dt_reserve_memory';
  const range = { base, size };
  if (nomap) {
    const busy = st.v.staticNomapBusy === 'reserved'
      ? memblockIsRegionReserved(ctx.mb, base, size)
      : memblockOverlapsRegion(ctx.mb.memory, base, size) && memblockIsRegionReserved(ctx.mb, base, size);
    if (busy) {
      note(ctx, 'decision', site, range, `${who}: no-map refused (-EBUSY), [${hex(base)}, ${hex(base + size)}) is already reserved`);
      return false;
    }
    memblockMarkNomap(ctx.mb, base, size);
    note(ctx, 'mark-nomap', site, range, `${who}: static no-map region, ${mib(size)} at ${hex(base)}`);
    return true;
  }
  memblockReserve(ctx.mb, base, size);
  note(ctx, 'reserve', site, range, `${who}: static region, ${mib(size)} at ${hex(base)}`);
  return true;
}

/**
 * Models __reserved_mem_reserve_reg(): reserves every reg entry (7.2: the first). Returns ENOENT when there
 * is no usable reg (the node may then be dynamic), EINVAL for a malformed one, and the first entry.
 */
export function reservedMemReserveReg(ctx: ModelContext, st: RmemState, node: FdtNode): { err: Errno; first?: { base: bigint; size: bigint } } {
  const { v, input } = st;
  const site = '__reserved_mem_reserve_reg';
  const name = node.name;
  const tLen = (input.rootAddrCells + input.rootSizeCells) * 4;
  const reg = cellPairs(node, 'reg', input.rootAddrCells, input.rootSizeCells);
  if (!reg) return { err: 'ENOENT' };
  const malformed = tLen === 0 || reg.len % tLen !== 0;
  if (v.invalidReg === 'as-absent') {
    if (malformed || reg.pairs.length === 0) return { err: 'ENOENT' };
  } else if (reg.len && malformed) {
    rmemPrint(ctx, site, v.formats.invalidReg, [name], `reg of ${reg.len} bytes is not a multiple of ${tLen}`);
    return { err: 'EINVAL' };
  }
  let entries = reg.pairs;
  if (v.regEntries === 'first-only') {
    if (entries.length > 1) rmemPrint(ctx, site, v.formats.onlyFirstReg, [name, entries.length], 'only the first <base size> entry is reserved');
    const r = fdtValidateReservedMemNode(ctx, st, node, undefined, site);
    if (r && r !== 'ENODEV') return { err: r };
    entries = entries.slice(0, 1);
  }
  const nomap = hasProp(node, 'no-map');
  for (const { a: base, b: size } of entries) {
    if (!(size && earlyInitDtReserveMemory(ctx, st, base, size, nomap, `static node '${name}'`))) {
      rmemPrint(ctx, site, v.formats.failedToReserve, [name, base, size >> 20n], size ? undefined : 'a zero-sized reg entry counts as a failure');
    }
  }
  return { err: 0, first: entries.length ? { base: entries[0].a, size: entries[0].b } : undefined };
}

/** Models early_init_dt_alloc_reserved_memory_arch(): end 0 is MEMBLOCK_ALLOC_ANYWHERE, align 0 is SMP_CACHE_BYTES. */
function allocReservedMemoryArch(ctx: ModelContext, st: RmemState, size: bigint, align: bigint, start: bigint, end: bigint, nomap: boolean, who: string): bigint | undefined {
  const site = 'early_init_dt_alloc_reserved_memory_arch';
  end = end || MEMBLOCK_ALLOC_ANYWHERE;
  align = align || SMP_CACHE_BYTES;
  const where = `${ctx.mb.bottomUp ? 'bottom-up' : 'top-down'} ${end === MEMBLOCK_ALLOC_ANYWHERE && !start ? 'anywhere' : `in [${hex(start)}, ${hex(end)})`}`;
  if (st.v.dynamicAlloc === 'find-then-remove-or-reserve') {
    const base = memblockFindInRange(ctx.mb, start, end, size, align);
    if (base === undefined) return failed();
    if (nomap) {
      memblockRemove(ctx.mb, base, size);
      note(ctx, 'remove', site, { base, size }, `${who}: ${mib(size)}, ${mib(align)} aligned, ${where} → ${hex(base)}; no-map: removed from memory`);
    } else {
      memblockReserve(ctx.mb, base, size);
      note(ctx, 'alloc', site, { base, size }, `${who}: ${mib(size)}, ${mib(align)} aligned, ${where} → ${hex(base)}`);
    }
    return base;
  }
  const base = memblockPhysAllocRange(ctx.mb, size, align, start, end);
  if (base === undefined) return failed();
  note(ctx, 'alloc', site, { base, size }, `${who}: ${mib(size)}, ${mib(align)} aligned, ${where} → ${hex(base)}`);
  if (nomap) {
    memblockMarkNomap(ctx.mb, base, size);
    note(ctx, 'mark-nomap', site, { base, size }, `${who}: no-map (stays in memory, flagged NOMAP)`);
  }
  return base;

  function failed(): undefined {
    note(ctx, 'alloc-failed', site, undefined, `${who}: no room for ${mib(size)}, ${mib(align)} aligned, ${where}`);
    return undefined;
  }
}

/** Models __reserved_mem_alloc_in_range() (6.12+): bottom-up if `start` touches a saved region, top-down if `end` does. */
function allocInRange(ctx: ModelContext, st: RmemState, size: bigint, align: bigint, start: bigint, end: bigint, nomap: boolean, who: string): bigint | undefined {
  if (st.v.allocDirection === 'memblock-default') return allocReservedMemoryArch(ctx, st, size, align, start, end, nomap, who);
  let bottomUp = false, topDown = false;
  for (const r of st.saved) {
    if (r.size === 0n) continue;
    if (start >= r.base && start <= r.base + r.size) bottomUp = true;
    if (end >= r.base && end <= r.base + r.size) topDown = true;
  }
  const prev = ctx.mb.bottomUp;
  if (bottomUp !== topDown) ctx.mb.bottomUp = bottomUp;
  const base = allocReservedMemoryArch(ctx, st, size, align, start, end, nomap, who);
  ctx.mb.bottomUp = prev;
  return base;
}

/** Models __reserved_mem_alloc_size(): size, alignment, the CMA alignment raise, alloc-ranges. */
export function reservedMemAllocSize(ctx: ModelContext, st: RmemState, node: FdtNode): { err: Errno; base?: bigint; size?: bigint } {
  const { v, input } = st;
  const site = '__reserved_mem_alloc_size';
  const name = node.name;
  const size = cellNumber(node, 'size', input.rootSizeCells);
  if (size === undefined) return { err: 'EINVAL' };
  if (size === 'bad-length') {
    rmemPrint(ctx, site, v.formats.invalidSize, [name], `size must be ${input.rootSizeCells} cells`);
    return { err: 'EINVAL' };
  }
  const alignment = cellNumber(node, 'alignment', input.rootAddrCells);
  if (alignment === 'bad-length') {
    rmemPrint(ctx, site, v.formats.invalidAlignment, [name], `alignment must be ${input.rootAddrCells} cells`);
    return { err: 'EINVAL' };
  }
  const align = { value: alignment ?? 0n };
  const nomap = hasProp(node, 'no-map');
  if (v.cmaAlignOnlyIfVerified) {
    const r = fdtValidateReservedMemNode(ctx, st, node, align, site);
    if (r && r !== 'ENODEV') return { err: r };
  } else if (flatDtIsCompatible(node, 'shared-dma-pool') && hasProp(node, 'reusable') && !nomap && align.value < v.cmaNodeAlign) {
    align.value = v.cmaNodeAlign;
  }
  const who = `dynamic node '${name}'`;
  const tLen = (input.rootAddrCells + input.rootSizeCells) * 4;
  let ranges = cellPairs(node, 'alloc-ranges', input.rootAddrCells, input.rootSizeCells);
  if (ranges && (tLen === 0 || ranges.len % tLen !== 0)) {
    if (v.invalidAllocRanges === 'error') {
      rmemPrint(ctx, site, v.formats.invalidAllocRanges, [name], `alloc-ranges of ${ranges.len} bytes is not a multiple of ${tLen}`);
      return { err: 'EINVAL' };
    }
    ranges = undefined;
  }
  let base: bigint | undefined;
  if (ranges) {
    for (const { a: start, b: len } of ranges.pairs) {
      base = allocInRange(ctx, st, size, align.value, start, start + len, nomap, who);
      if (base !== undefined) break;
    }
  } else {
    base = allocReservedMemoryArch(ctx, st, size, align.value, 0n, 0n, nomap, who);
  }
  if (base === undefined || base === 0n) {
    const f = v.formats.failedToAllocate;
    rmemPrint(ctx, site, f, f.fmt.includes('%lu') ? [name, size >> 20n] : [name], `no alloc-range or memory had ${mib(size)} free`);
    return { err: 'ENOMEM' };
  }
  return { err: 0, base, size };
}
