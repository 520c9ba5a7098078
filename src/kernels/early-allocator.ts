// Sequences the size models of the early allocations for one profile (see early-allocs.ts).
import { forEachFreeMemRange, memblockReserveKern } from '../model/memblock/index.ts';
import { NUMA_NO_NODE } from '../model/memblock/types.ts';
import { note, type ModelContext } from '../model/context.ts';
import type { EarlyAllocator } from './early-allocs.ts';
import type { KernelProfile } from './profile.ts';

/**
 * Takes `n` pages one at a time, top-down, as repeated early_pgtable_alloc() calls do: each takes the
 * highest free page, so together they take the n highest free pages. Done per free range, not per page.
 */
export function allocPagesTopDown(ctx: ModelContext, n: bigint, pageSize: bigint, site: string, why: string): void {
  let left = n;
  const chunks: { base: bigint; size: bigint }[] = [];
  for (const r of forEachFreeMemRange(ctx.mb, { reverse: true })) {
    if (left <= 0n) break;
    const start = r.start < pageSize ? pageSize : r.start; // memblock never hands out the first page
    const hi = r.end & ~(pageSize - 1n);
    const lo = (start + pageSize - 1n) & ~(pageSize - 1n);
    if (hi <= lo) continue;
    const pages = (hi - lo) / pageSize;
    const take = pages < left ? pages : left;
    chunks.push({ base: hi - take * pageSize, size: take * pageSize });
    left -= take;
  }
  if (left > 0n) throw new Error(`${site}: out of memory for ${n} pages`);
  for (const c of chunks) {
    memblockReserveKern(ctx.mb, c.base, c.size, NUMA_NO_NODE);
    note(ctx, 'alloc', site, c, why);
  }
}

export function earlyAllocatorFor(profile: KernelProfile): EarlyAllocator {
  const page = profile.config.pageSize;
  return {
    reservedMem: () => false,
    pagingInit: (ctx) => allocPagesTopDown(ctx, 0n, page, 'early_pgtable_alloc', 'page tables of the linear map'),
    unflatten: () => {},
    cpumask: () => {},
    sparse: () => {},
    setupArchTail: () => {},
    commandLineCopies: () => {},
    percpu: () => {},
    hashTables: () => {},
  };
}
