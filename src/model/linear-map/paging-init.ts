// Models the early_pgtable_alloc() page-table pages of paging_init() (arch/arm64/mm/mmu.c), 5.10–7.2:
// map_kernel() (5.10/6.1), map_mem(), create_idmap() (6.1), and the init_pg_dir release (5.10/6.1).
import { createPgdMappings, type MapFlags, type MappingCall, type TreeResult } from './create-mapping.ts';
import { geometry, pageOffset, type Geometry, type Granule, type TableLevel } from './geometry.ts';
import type { KernelLayout, LinearMapRules, SymbolName } from './rules.ts';

export interface PhysRange {
  readonly base: bigint;
  readonly size: bigint;
}

export interface PagingInput {
  /** memblock.memory as map_mem sees it (after arm64_memblock_init's PHYS_MASK / linear-range trims); NOMAP skipped. */
  readonly memory: readonly (PhysRange & { readonly nomap?: boolean })[];
  /** The image: physical and virtual `_text` and the symbol offsets paging_init uses. */
  readonly kernel: KernelLayout;
  /** PAGE_SIZE of the build. Debian: 4096 everywhere. */
  readonly pageSize: Granule;
  /** vabits_actual: 48 on cortex-a57; 52 on 6.12/7.2 when the CPU has LPA2 (`-cpu max`) and VA_BITS=52. */
  readonly vaBits: number;
  /** Linear-map granularity from decideLinearMapFlags() (src/kernels/behaviors/linear-map.ts). */
  readonly flags: MapFlags;
  /** memstart_addr; default round_down(first memory base, ARM64_MEMSTART_ALIGN). */
  readonly memstartAddr?: bigint;
  /**
   * KASLR of the linear map (5.10–6.12): memstart_addr lowered by this many bytes (a multiple of
   * ARM64_MEMSTART_ALIGN), which moves every linear VA up. Only a crossing of a table boundary above
   * ARM64_MEMSTART_ALIGN (4K: 512 GiB pud table) changes the count, by one table.
   */
  readonly linearKaslrOffset?: bigint;
  /** The early KFENCE pool (memblock_phys_alloc top-down, before any table) when kfence_early_init; else null. */
  readonly kfencePool?: PhysRange | null;
  /** 5.10/6.1 without DMA zones: the crash region reserved before paging_init; else null. */
  readonly crashRegion?: PhysRange | null;
}

export interface StepCost {
  readonly pages: number;
  readonly perLevel: Record<TableLevel, number>;
}

export interface PagingResult {
  /** Total early_pgtable_alloc() pages (each one PAGE_SIZE memblock allocation, top-down). */
  readonly pages: number;
  readonly perLevel: Record<TableLevel, number>;
  /** In allocation order: map_kernel, map_mem, create_idmap (absent steps cost 0). */
  readonly steps: { readonly mapKernel: StepCost; readonly mapMem: StepCost; readonly createIdmap: StepCost };
  /** Bytes paging_init hands back to memblock after switching to swapper (init_pg_dir, inside the image), or null. */
  readonly freed: PhysRange | null;
  /** PAGE_SIZE: the size of each allocation. */
  readonly pageSize: number;
  /** The map_mem tree, for linearMapSummary(). */
  readonly linearTree: TreeResult;
  readonly geometry: Geometry;
}

const ZERO: Record<TableLevel, number> = { p4d: 0, pud: 0, pmd: 0, pte: 0 };
const PAGES = { noBlock: true, noCont: true } as const;

function sym(k: KernelLayout, s: SymbolName): bigint {
  return s === '_text' ? 0n : k.sym[s];
}

function cost(t: TreeResult | null): StepCost {
  if (!t) return { pages: 0, perLevel: { ...ZERO } };
  const perLevel = { ...t.tables };
  return { pages: Object.values(perLevel).reduce((a, b) => a + b, 0), perLevel };
}

/** Subtracts `holes` from [base, base + size). */
function subtract(r: PhysRange, holes: readonly PhysRange[]): PhysRange[] {
  let parts: [bigint, bigint][] = [[r.base, r.base + r.size]];
  for (const h of holes) {
    const hs = h.base;
    const he = h.base + h.size;
    parts = parts.flatMap(([a, e]): [bigint, bigint][] =>
      he <= a || hs >= e ? [[a, e]] : ([[a, hs < a ? a : hs], [he > e ? e : he, e]] as [bigint, bigint][]).filter(([x, y]) => y > x),
    );
  }
  return parts.map(([a, e]) => ({ base: a, size: e - a }));
}

/** Models map_mem() (mmu.c): the __map_memblock() calls in kernel order, with linear VAs. */
export function mapMemCalls(input: PagingInput, rules: LinearMapRules): MappingCall[] {
  const g = geometry(input.pageSize, input.vaBits);
  const align = rules.memstartAlign(g.pageShift);
  const first = input.memory.length ? input.memory[0].base : 0n;
  const memstart = (input.memstartAddr ?? (first / align) * align) - (input.linearKaslrOffset ?? 0n);
  // __phys_to_virt(): PAGE_OFFSET + (phys - memstart_addr).
  const va = (pa: bigint): bigint => pageOffset(input.vaBits) + (pa - memstart);
  const call = (r: PhysRange, flags: MapFlags, what: string): MappingCall => ({ va: va(r.base), pa: r.base, size: r.size, flags, what });
  const k = input.kernel;
  const alias = rules.kernelAlias.ranges.map(([s, e]) => ({ base: k.physBase + sym(k, s), size: sym(k, e) - sym(k, s) }));
  const calls: MappingCall[] = [];
  const pool = rules.kfencePool !== 'none' ? input.kfencePool ?? null : null;
  const crash = rules.crashRegionMappedByPages ? input.crashRegion ?? null : null;
  if (rules.kernelAlias.order === 'before') {
    if (pool) calls.push(call(pool, PAGES, 'kfence'));
    for (const r of alias) calls.push(call(r, input.flags, 'kernel-alias'));
  }
  // 5.10–6.12 mark the alias, the KFENCE pool and the early crash region NOMAP while the loop runs.
  const holes: PhysRange[] = [];
  if (rules.kernelAlias.order === 'after') holes.push(...alias);
  if (pool && rules.kfencePool === 'nomap-after') holes.push(pool);
  if (crash) holes.push(crash);
  for (const m of input.memory) {
    if (m.nomap) continue;
    for (const part of subtract(m, holes)) calls.push(call(part, input.flags, 'linear'));
  }
  if (rules.kernelAlias.order === 'after') {
    for (const r of alias) calls.push(call(r, { noBlock: false, noCont: true }, 'kernel-alias'));
  }
  if (crash) calls.push(call(crash, PAGES, 'crash'));
  if (pool && rules.kfencePool === 'nomap-after') calls.push(call(pool, PAGES, 'kfence'));
  return calls;
}

/** Models map_kernel() → map_kernel_segment() (5.10/6.1 mmu.c): the image's own VA range in swapper. */
export function mapKernelCalls(input: PagingInput, rules: LinearMapRules): MappingCall[] {
  const k = input.kernel;
  return (rules.mapKernelSegments ?? []).map((s) => ({
    va: k.virtBase + sym(k, s.from),
    pa: k.physBase + sym(k, s.from),
    size: sym(k, s.to) - sym(k, s.from),
    flags: { noBlock: false, noCont: s.noCont },
    what: 'kimage',
  }));
}

/** Models create_idmap() (6.1 mmu.c): idmap text plus the KPTI flag, VA = PA, into the empty idmap_pg_dir. */
function createIdmap(input: PagingInput, rules: LinearMapRules, g: Geometry): StepCost {
  if (rules.idmap !== 'early-pgtable') return cost(null);
  const k = input.kernel;
  const text = { base: k.physBase + k.sym.__idmap_text_start, size: k.sym.__idmap_text_end - k.sym.__idmap_text_start };
  const flag = { base: k.physBase + k.sym.__idmap_kpti_flag, size: 4n };
  const noFlags = { noBlock: false, noCont: false };
  const t = createPgdMappings(g, [
    { va: text.base, pa: text.base, size: text.size, flags: noFlags, what: 'idmap' },
    { va: flag.base, pa: flag.base, size: flag.size, flags: noFlags, what: 'idmap' },
  ]);
  const c = cost(t);
  // "check if we need an additional level of translation": VA_BITS < 48 and _end beyond VA_BITS_MIN.
  const extra = input.vaBits < 48 && k.physBase + k.sym._end >= 1n << BigInt(input.vaBits) ? 1 : 0;
  return { pages: c.pages + extra, perLevel: c.perLevel };
}

/** Models paging_init() (arch/arm64/mm/mmu.c), 5.10–7.2: every early_pgtable_alloc() page it takes. */
/**
 * map_kernel() and create_idmap() depend only on the image layout, where it sits and the geometry, not on
 * memory: their costs are computed once per (rules, layout, placement, geometry).
 */
const fixedCosts = new WeakMap<object, WeakMap<object, Map<string, { mapKernel: ReturnType<typeof cost>; createIdmap: ReturnType<typeof cost> }>>>();
function memo<T extends { mapKernel: ReturnType<typeof cost>; createIdmap: ReturnType<typeof cost> }>(rules: object, sym: object, key: string, make: () => T): T {
  let bySym = fixedCosts.get(rules);
  if (!bySym) fixedCosts.set(rules, (bySym = new WeakMap()));
  let byKey = bySym.get(sym);
  if (!byKey) bySym.set(sym, (byKey = new Map()));
  let hit = byKey.get(key) as T | undefined;
  if (!hit) {
    // KASLR seeds give many virtual bases: bounded as the linear trees are
    if (byKey.size >= 256) byKey.clear();
    byKey.set(key, (hit = make()));
  }
  return { mapKernel: { pages: hit.mapKernel.pages, perLevel: { ...hit.mapKernel.perLevel } }, createIdmap: { pages: hit.createIdmap.pages, perLevel: { ...hit.createIdmap.perLevel } } } as T;
}

/**
 * The map_mem() tree is a pure function of the geometry and the calls; machines predicted again and again (a
 * sweep over command lines or kernels of one machine, the same board in the page) reuse it. Bounded: the
 * table is emptied when it holds 256 trees; machines with more than 64 calls are not kept.
 */
const linearTrees = new Map<string, TreeResult>();
function linearTreeOf(g: Geometry, pageSize: number, vaBits: number, calls: readonly MappingCall[]): TreeResult {
  // a key costs as much as the tree for machines with many memory regions: those are computed directly
  if (calls.length > 64) return createPgdMappings(g, calls);
  let key = `${pageSize}:${vaBits}`;
  for (const c of calls) key += `|${c.va.toString(16)},${c.pa.toString(16)},${c.size.toString(16)},${c.flags.noBlock ? 1 : 0}${c.flags.noCont ? 1 : 0},${c.what}`;
  let t = linearTrees.get(key);
  if (!t) {
    if (linearTrees.size >= 256) linearTrees.clear();
    linearTrees.set(key, (t = createPgdMappings(g, calls)));
  }
  return t;
}

export function pagingInitPageTables(input: PagingInput, rules: LinearMapRules): PagingResult {
  const g = geometry(input.pageSize, input.vaBits);
  // The kimage and the linear map never share a pgd entry (6.1+ map_mem BUILD_BUG_ON; 5.10 by layout),
  // so the two walks of the shared swapper_pg_dir are independent.
  const k0 = input.kernel;
  const fixed = memo(rules, k0.sym, `${k0.physBase}|${k0.virtBase}|${input.pageSize}|${input.vaBits}`, () => ({
    mapKernel: cost(rules.mapKernelSegments ? createPgdMappings(g, mapKernelCalls(input, rules)) : null),
    createIdmap: createIdmap(input, rules, g),
  }));
  const linearTree = linearTreeOf(g, input.pageSize, input.vaBits, mapMemCalls(input, rules));
  const steps = { mapKernel: fixed.mapKernel, mapMem: cost(linearTree), createIdmap: fixed.createIdmap };
  const perLevel = { ...ZERO };
  for (const s of Object.values(steps)) for (const l of Object.keys(perLevel) as TableLevel[]) perLevel[l] += s.perLevel[l];
  const k = input.kernel;
  return {
    pages: steps.mapKernel.pages + steps.mapMem.pages + steps.createIdmap.pages,
    perLevel,
    steps,
    freed: rules.freesInitPgDir ? { base: k.physBase + k.sym.init_pg_dir, size: k.sym.init_pg_end - k.sym.init_pg_dir } : null,
    pageSize: input.pageSize,
    linearTree,
    geometry: g,
  };
}
