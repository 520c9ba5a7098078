// Sequences the size models of the early allocations for one profile (see early-allocs.ts).
import { splitCmdline } from '../inputs/cmdline/params.ts';
import { note, type ModelContext } from '../model/context.ts';
import { pagingInitPageTables } from '../model/linear-map/paging-init.ts';
import { forEachFreeMemRange, memblockPhysAlloc, memblockPhysFree, memblockReserveKern } from '../model/memblock/index.ts';
import { MEMBLOCK_NOMAP, NUMA_NO_NODE } from '../model/memblock/types.ts';
import { DEBIAN_IMAGE_LAYOUTS, LINEAR_MAP_RULES, decideLinearMapFlags, kfencePoolSize } from './behaviors/linear-map.ts';
import type { EarlyAllocator, EarlyAllocInput } from './early-allocs.ts';
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

/** The command-line facts map_mem() looks at, from the same arguments parse_early_param() saw. */
function linearMapCmdline(cmdline: string) {
  let crashkernel = false;
  let rodata: string | undefined;
  let kfence: number | undefined;
  for (const a of splitCmdline(cmdline).args) {
    if (a.param === 'crashkernel') crashkernel = true;
    else if (a.param === 'rodata' && a.val !== null) rodata = a.val;
    else if (a.param === 'kfence.sample_interval' && a.val !== null && /^\d+$/.test(a.val)) kfence = Number(a.val);
  }
  return { crashkernel, rodata, kfenceSampleInterval: kfence };
}

function pagingInit(ctx: ModelContext, profile: KernelProfile, i: EarlyAllocInput): void {
  const gen = profile.generation;
  const page = profile.config.pageSize;
  const cfg = {
    RODATA_FULL_DEFAULT_ENABLED: profile.config.rodataFullDefault,
    KFENCE: profile.config.kfence,
    KFENCE_SAMPLE_INTERVAL: profile.config.kfenceSampleInterval,
    DEBUG_PAGEALLOC: profile.config.debugPagealloc,
    ZONE_DMA_OR_DMA32: profile.config.zoneDma || profile.config.zoneDma32,
  };
  const dec = decideLinearMapFlags(gen, linearMapCmdline(i.cmdline), cfg, { bbml2NoAbort: false });
  const rules = LINEAR_MAP_RULES[gen];
  const layout = { ...DEBIAN_IMAGE_LAYOUTS[gen], physBase: i.kernel.base };
  const memory = ctx.mb.memory.map((r) => ({ base: r.base, size: r.size, nomap: (r.flags & MEMBLOCK_NOMAP) !== 0 }));
  let kfencePool: { base: bigint; size: bigint } | null = null;
  const plan = (pool: typeof kfencePool) =>
    pagingInitPageTables({ memory, kernel: layout, pageSize: Number(page) as 4096, vaBits: i.vaBits, flags: dec.flags, memstartAddr: i.memstartAddr, kfencePool: pool }, rules);
  let r = plan(null);
  allocPagesTopDown(ctx, BigInt(r.steps.mapKernel.pages), page, 'early_pgtable_alloc', 'page tables of map_kernel()');
  if (dec.kfenceEarlyInit) {
    const size = kfencePoolSize(Number(page));
    const base = memblockPhysAlloc(ctx.mb, size, page);
    if (base !== undefined) {
      kfencePool = { base, size };
      note(ctx, 'alloc', 'arm64_kfence_alloc_pool', kfencePool, 'KFENCE early pool (kfence.sample_interval != 0)');
      r = plan(kfencePool);
    }
  }
  allocPagesTopDown(ctx, BigInt(r.steps.mapMem.pages), page, 'early_pgtable_alloc', `page tables of the linear map (${dec.why})`);
  if (r.freed) {
    memblockPhysFree(ctx.mb, r.freed.base, r.freed.size);
    note(ctx, 'free', 'paging_init', r.freed, 'init_pg_dir is no longer needed once swapper_pg_dir is live');
  }
  allocPagesTopDown(ctx, BigInt(r.steps.createIdmap.pages), page, 'early_pgtable_alloc', 'page tables of create_idmap()');
}

export function earlyAllocatorFor(profile: KernelProfile): EarlyAllocator {
  return {
    reservedMem: () => false,
    pagingInit: (ctx, i) => pagingInit(ctx, profile, i),
    unflatten: () => {},
    cpumask: () => {},
    sparse: () => {},
    setupArchTail: () => {},
    commandLineCopies: () => {},
    percpu: () => {},
    hashTables: () => {},
  };
}
