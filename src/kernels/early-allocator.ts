// Sequences the size models of the early allocations for one profile (see early-allocs.ts): each model
// returns the kernel's memblock requests in order; this module places them with the memblock model.
import { splitCmdline } from '../inputs/cmdline/params.ts';
import { ModelPanic, note, type ModelContext } from '../model/context.ts';
import type { EarlyRequest } from '../model/early-sizes/types.ts';
import { commandLineCopies, nodeCpumasks, standardResources } from '../model/early-sizes/misc.ts';
import { hashTableSizes, nrKernelPagesFromFreeRanges, nrKernelPagesFromZones } from '../model/hash-tables.ts';
import { pagingInitPageTables } from '../model/linear-map/paging-init.ts';
import { forEachFreeMemRange, memblockAllocTryNid, memblockPhysAlloc, memblockPhysFree, memblockReserveKern } from '../model/memblock/index.ts';
import { MEMBLOCK_NOMAP, NUMA_NO_NODE } from '../model/memblock/types.ts';
import { memblockAllowResize } from '../model/memblock/double-array.ts';
import { percpuFirstChunk } from '../model/percpu.ts';
import { sparseAllocations } from '../model/sparse.ts';
import { unflattenRequests } from '../model/unflatten.ts';
import { INIT_ENV_ARG_LIMIT, unknownBootOptions } from '../model/unknown-bootoptions.ts';
import type { ZoneSpan } from '../model/zones.ts';
import { EARLY_SIZES } from './behaviors/early-sizes.ts';
import { reservedMemByGeneration } from './behaviors/reserved-mem.ts';
import { earlyInitFdtScanReservedMem } from '../model/reserved-mem/index.ts';
import { DEBIAN_IMAGE_LAYOUTS, LINEAR_MAP_RULES, decideLinearMapFlags, kfencePoolSize } from './behaviors/linear-map.ts';
import type { EarlyAllocator, EarlyAllocInput } from './early-allocs.ts';
import type { KernelProfile } from './profile.ts';

/**
 * Takes `n` pages one at a time, top-down, as repeated early_pgtable_alloc() calls do: each takes the
 * highest free page, so together they take the n highest free pages. Done per free range, not per page.
 */
export function allocPagesTopDown(ctx: ModelContext, n: bigint, pageSize: bigint, site: string, why: string): void {
  allocBlocksTopDown(ctx, n, pageSize, pageSize, site, why);
}

/**
 * `n` allocations of `size` bytes aligned to `align` (size a multiple of align), one after the other, top-down:
 * each lands at round_down(top of the highest free range that fits, align) - size, which is where the one before
 * it began, so together they fill each free range downwards from its aligned top. Done per free range.
 */
export function allocBlocksTopDown(ctx: ModelContext, n: bigint, size: bigint, align: bigint, site: string, why: string): void {
  let left = n;
  const chunks: { base: bigint; size: bigint }[] = [];
  const pageSize = ctx.mb.pageSize;
  for (const r of forEachFreeMemRange(ctx.mb, { reverse: true })) {
    if (left <= 0n) break;
    const start = r.start < pageSize ? pageSize : r.start; // memblock never hands out the first page
    const hi = r.end & ~(align - 1n);
    if (hi <= start || hi - start < size) continue;
    const fits = (hi - start) / size;
    const take = fits < left ? fits : left;
    chunks.push({ base: hi - take * size, size: take * size });
    left -= take;
  }
  if (left > 0n) throw new ModelPanic(site, `${site}: no free memory for ${n} allocations of ${size} bytes`);
  for (const c of chunks) {
    memblockReserveKern(ctx.mb, c.base, c.size, NUMA_NO_NODE);
    note(ctx, 'alloc', site, c, why);
  }
}

/**
 * Runs of identical top-down allocations (same caller, size, alignment and limits, size a multiple of the
 * alignment, none referred to by a later free) become one counted request: sparse_index_alloc() asks for one page
 * per 128 sections (1 024 on 16 TiB), the vmemmap for a table page per GiB of memmap. Placed together they land
 * where one-by-one placement puts them (allocBlocksTopDown), at the cost of a free-range walk instead of n.
 */
function coalesce(reqs: readonly EarlyRequest[], bottomUp: boolean): { req: EarlyRequest; first: number; n: number }[] {
  // allocBlocksTopDown() places top-down, as arm64 always allocates (memblock.bottom_up is never set there)
  if (bottomUp) return reqs.map((req, first) => ({ req, first, n: 1 }));
  const referenced = new Set<number>();
  for (const r of reqs) if (r.of !== undefined) referenced.add(r.of);
  const out: { req: EarlyRequest; first: number; n: number }[] = [];
  const same = (a: EarlyRequest, b: EarlyRequest) =>
    a.kind === 'alloc' && b.kind === 'alloc' && a.site === b.site && a.size === b.size && a.align === b.align && a.minAddr === b.minAddr &&
    a.maxAddr === b.maxAddr && !a.fallbackAnywhere && !b.fallbackAnywhere && !a.orBlocksOf && !b.orBlocksOf && (a.count ?? 1n) === 1n && (b.count ?? 1n) === 1n &&
    a.align > 0n && a.size % a.align === 0n && a.maxAddr === undefined && (a.minAddr ?? 0n) === 0n;
  reqs.forEach((r, i) => {
    const last = out[out.length - 1];
    if (last && !referenced.has(i) && !referenced.has(i - 1) && same(last.req, r)) last.n++;
    else out.push({ req: r, first: i, n: 1 });
  });
  return out;
}

/** Places a list of requests in order (memblock_alloc_try_nid semantics; frees of earlier requests' tails). */
export function runRequests(ctx: ModelContext, reqs: readonly EarlyRequest[]): (bigint | undefined)[] {
  const at: (bigint | undefined)[] = [];
  for (const { req: r, n } of coalesce(reqs, ctx.mb.bottomUp)) {
    if (n > 1) {
      allocBlocksTopDown(ctx, BigInt(n), r.size, r.align, r.site, `${r.why} (and ${n - 1} more like it, placed one after the other)`);
      for (let k = 0; k < n; k++) at.push(undefined);
    } else if (r.kind === 'alloc' && r.count !== undefined && r.count !== 1n) {
      if (r.size % r.align !== 0n) throw new Error(`${r.site}: a counted request's size must be a multiple of its alignment`);
      allocBlocksTopDown(ctx, r.count, r.size, r.align, r.site, r.why);
      at.push(undefined);
    } else if (r.kind === 'alloc') {
      let base = memblockAllocTryNid(ctx.mb, r.size, r.align, r.minAddr ?? 0n, r.maxAddr ?? 0n, NUMA_NO_NODE);
      if (base === undefined && r.fallbackAnywhere) base = memblockAllocTryNid(ctx.mb, r.size, r.align, 0n, 0n, NUMA_NO_NODE);
      if (base === undefined && r.orBlocksOf) {
        // No single range is big enough: the kernel takes the same memory block by block instead.
        allocBlocksTopDown(ctx, r.size / r.orBlocksOf, r.orBlocksOf, r.orBlocksOf, r.site, `${r.why}, block by block (no free range holds it whole)`);
        at.push(undefined);
        continue;
      }
      at.push(base);
      if (base === undefined) throw new ModelPanic(r.site, `${r.site}: cannot allocate ${r.size} bytes`);
      note(ctx, 'alloc', r.site, { base, size: r.size }, r.why);
    } else {
      const of = r.of !== undefined ? at[r.of] : undefined;
      at.push(undefined);
      if (of === undefined || r.size === 0n) continue;
      const base = of + (r.offset ?? 0n);
      memblockPhysFree(ctx.mb, base, r.size);
      note(ctx, 'free', r.site, { base, size: r.size }, r.why);
    }
  }
  return at;
}

/** The command-line facts map_mem() looks at, from the same arguments parse_early_param() saw. */
export function linearMapCmdline(cmdline: string) {
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
  // The kimage VA keeps the PA's offset inside 2 MiB (head.S: __PHYS_OFFSET & (MIN_KIMG_ALIGN - 1)).
  const lay = DEBIAN_IMAGE_LAYOUTS[gen];
  const layout = { ...lay, physBase: i.kernel.base, virtBase: lay.virtBase === 0n ? 0n : lay.virtBase + (i.kimageOffset ?? 0n) + (i.kernel.base & 0x1fffffn) };
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
  // memblock_allow_resize(): after map_mem() (6.12+), after init_pg_dir is freed (5.10/6.1); both before create_idmap().
  memblockAllowResize(ctx.mb);
  allocPagesTopDown(ctx, BigInt(r.steps.createIdmap.pages), page, 'early_pgtable_alloc', 'page tables of create_idmap()');
}

export function earlyAllocatorFor(profile: KernelProfile): EarlyAllocator {
  const sizes = EARLY_SIZES[profile.generation];
  const pageShift = Number(profile.config.pageSize.toString(2).length - 1);
  return {
    reservedMem: (ctx, i, params, root) =>
      earlyInitFdtScanReservedMem(ctx, reservedMemByGeneration[profile.generation], {
        fdt: i.fdt, rootAddrCells: root.addrCells, rootSizeCells: root.sizeCells, cmaCmdlineGiven: params.cma !== null, elfcorehdr: root.elfcorehdr,
      }),
    pagingInit: (ctx, i) => pagingInit(ctx, profile, i),
    unflatten: (ctx, i) => {
      runRequests(ctx, unflattenRequests(i.fdt.root, sizes.unflatten));
    },
    cpumask: (ctx) => void runRequests(ctx, nodeCpumasks(1, sizes.cpumaskBytes, sizes.cpumaskSite)),
    sparse: (ctx, i) =>
      // MAX_PHYSMEM_BITS follows LPA2 at run time (52 or 48 bits), and NR_SECTION_ROOTS with it.
      void runRequests(ctx, sparseAllocations({ memory: ctx.mb.memory.map((r) => ({ base: r.base, size: r.size, nid: r.nid >= 0 && r.nid < 16 ? r.nid : 0 })), memstartAddr: i.memstartAddr, nodeData: i.nodeData ?? 0n },
        i.vaBits === 52 ? { ...sizes.sparse, rootArrayBytes: sizes.sparse.rootArrayBytes << 4n } : sizes.sparse)),
    setupArchTail: (ctx) => void runRequests(ctx, [standardResources(ctx.mb.memory.length, sizes.resourceSize, sizes.setupArchSite)]),
    commandLineCopies: (ctx, i) => void runRequests(ctx, commandLineCopies(i.cmdline, sizes.commandLineSize, sizes.commandLineSite)),
    percpu: (ctx, i) => {
      const pc = percpuFirstChunk({ possibleCpus: i.possibleCpus }, sizes.percpu);
      runRequests(ctx, pc.requests);
      const e = pc.embedded;
      ctx.trace.print('pcpu_embed_first_chunk', { fmt: 'percpu: Embedded %zu pages/cpu s%zu r%zu d%zu u%zu\n', args: [e.pages, e.static, e.reserved, e.dynamic, e.unit], level: 'info', kind: 'percpu' });
    },
    unknownBootOptions: (ctx, i) => {
      const tables = profile.image.bootParams;
      if (!tables) return undefined;
      const u = unknownBootOptions(i.cmdline, tables, sizes.unknownOptions);
      // start_kernel() panics right after console_init(), before any console driver has registered: nothing is printed
      if (u.panicLater) {
        throw new ModelPanic('start_kernel', `Too many boot ${u.panicLater.kind} vars at \`${u.panicLater.param}': more than ${INIT_ENV_ARG_LIMIT} command-line words go to init (${u.panicLater.kind === 'init' ? 'arguments' : 'environment variables'}); the kernel panics before its console starts, so the console stays empty`);
      }
      const words = { argv: u.argv, envp: u.envp };
      if (!u.printk) return words;
      // the allocation, the line printed from it, then its free
      const [alloc, free] = u.requests as [EarlyRequest, EarlyRequest];
      const [base] = runRequests(ctx, [alloc]);
      ctx.trace.print('print_unknown_bootoptions', u.printk);
      if (base !== undefined) {
        memblockPhysFree(ctx.mb, base, free.size);
        note(ctx, 'free', free.site, { base, size: free.size }, free.why);
      }
      return words;
    },
    hashTables: (ctx, i) => {
      const nr = i.nrKernelPages ?? 0n;
      for (const h of hashTableSizes({ pageShift, nrKernelPages: nr, nrAllPages: nr }, sizes.hash)) {
        runRequests(ctx, [h.request]);
        ctx.trace.print('alloc_large_system_hash', { fmt: '%s hash table entries: %ld (order: %d, %lu bytes, %s)\n', args: [h.name, h.entries, h.order, h.bytes, 'linear'], level: 'info', kind: 'hash' });
      }
    },
  };
}

/** nr_kernel_pages as free_area_init() leaves it: 5.10/6.1 from the zones, 6.12/7.2 from the free memblock ranges. */
export function nrKernelPagesAtZoneInit(ctx: ModelContext, profile: KernelProfile, spans: readonly ZoneSpan[]): bigint {
  const pageShift = profile.config.pageSize.toString(2).length - 1;
  if (profile.behaviours.zonelist.totalPages === 'present-minus-memmap') {
    return nrKernelPagesFromZones(spans.filter((s) => s.name !== 'Device').map((s) => ({ spanned: s.endPfn - s.startPfn, present: s.presentPages })), pageShift, 64n);
  }
  return nrKernelPagesFromFreeRanges([...forEachFreeMemRange(ctx.mb, {})], pageShift);
}
