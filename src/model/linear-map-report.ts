// Summarises the linear map map_mem() (arch/arm64/mm/mmu.c) leaves, 5.10–7.2, for `bootmap linear-map` and
// `bootmap explore`: valid entries per level, mappings by size, page-table memory, TLB reach, what is left
// unmapped, and how each crash region is mapped and whether it can be unmapped after a kexec load.
// Analytic over intervals (src/model/linear-map/): never per page, so 16 TiB costs what 1 GiB costs.
import { ivLength, unionIv, type TreeResult } from './linear-map/create-mapping.ts';
import { linearMapSummary } from './linear-map/summary.ts';
import { pagingInitPageTables, type PagingInput, type PhysRange } from './linear-map/paging-init.ts';
import type { LinearMapRules } from './linear-map/rules.ts';

type Iv = readonly [bigint, bigint];

/** Mapping sizes, each counted once per TLB entry it needs (a contiguous run is one mapping). */
export interface MappingCounts {
  PTE: bigint;
  CONT_PTE: bigint;
  PMD: bigint;
  CONT_PMD: bigint;
  PUD: bigint;
}

/**
 * How a loaded crash image is protected after kexec_load / kexec_file_load:
 * 'pte-only'  arch_kexec_protect_crashkres() → set_memory_valid() on each segment (5.10, 6.1
 *             arch/arm64/kernel/machine_kexec.c): apply_to_page_range() needs a PTE-level, non-contiguous map;
 * 'none'      arm64 defines no arch_kexec_protect_crashkres (6.12+: the generic no-op);
 * 'any-leaf'  hypothetical: clear the valid bit of whatever leaf maps the region, which needs only that no leaf
 *             straddles the region's edges.
 */
export type CrashProtectMode = 'pte-only' | 'none' | 'any-leaf';

export interface LinearMapReportInput {
  readonly paging: PagingInput;
  readonly rules: LinearMapRules;
  /** The granularity decision in words (decideLinearMapFlags().why, or the hypothetical's). */
  readonly why: string;
  /** The crash regions as reserved (name: 'crashkernel', 'crashkernel low'). */
  readonly crash: readonly (PhysRange & { readonly name: string })[];
  readonly protect: CrashProtectMode;
  /** The early_pgtable_alloc() allocations from the boot trace, if a boot was run. */
  readonly allocations?: readonly (PhysRange & { readonly why: string })[];
}

export interface LevelEntries {
  readonly level: string;
  /** log2 of the VA span of one entry. */
  readonly entryShift: number;
  /** Table pages at this level allocated for the linear map (the pgd itself is static). */
  readonly tablePages: number;
  /** Valid entries pointing to a next-level table. */
  readonly tableEntries: bigint;
  /** Valid leaf entries (blocks, or pages at the last level). */
  readonly leafEntries: bigint;
}

export interface CrashMapping {
  readonly name: string;
  readonly base: bigint;
  readonly size: bigint;
  /** Leaf mappings touching the region, by size (a contiguous run counts once). */
  readonly mappings: MappingCounts;
  /** Mappings (blocks or contiguous runs) that cover memory on both sides of an edge of the region. */
  readonly straddling: bigint;
  /** Every byte of the region is mapped by non-contiguous PTEs. */
  readonly byPages: boolean;
  readonly protectable: boolean;
  readonly why: string;
}

export interface LinearMapReport {
  readonly pageSize: number;
  readonly vaBits: number;
  readonly levels: readonly LevelEntries[];
  readonly flags: { readonly noBlock: boolean; readonly noCont: boolean };
  readonly why: string;
  readonly mappings: MappingCounts;
  /** Bytes one mapping of each size covers (0 where the granule has no such block: PUD off 4K). */
  readonly mappingSizes: MappingCounts;
  /** Leaf entries by size (a contiguous run counts all its entries). */
  readonly leaves: { pte: bigint; contPte: bigint; pmd: bigint; contPmd: bigint; pud: bigint };
  /** Table pages map_mem() allocates × PAGE_SIZE. */
  readonly pageTableBytes: bigint;
  readonly tlbEntries: bigint;
  readonly mappedBytes: bigint;
  readonly averageTlbReach: bigint;
  /** Table pages of map_kernel() and create_idmap() (not the linear map, listed for the allocations). */
  readonly otherTablePages: number;
  readonly allocations: readonly (PhysRange & { readonly why: string })[];
  /** memblock.memory regions marked NOMAP: skipped by map_mem(). */
  readonly nomap: readonly PhysRange[];
  /** Gaps between memblock.memory regions: never mapped. */
  readonly holes: readonly PhysRange[];
  readonly crash: readonly CrashMapping[];
}

function intersect(x: readonly Iv[], y: readonly Iv[]): Iv[] {
  const out: Iv[] = [];
  for (const [a, e] of x) for (const [c, d] of y) { const lo = a > c ? a : c; const hi = e < d ? e : d; if (hi > lo) out.push([lo, hi]); }
  return unionIv(out);
}

function minus(x: readonly Iv[], y: readonly Iv[]): Iv[] {
  let parts: Iv[] = [...x];
  for (const [c, d] of y) parts = parts.flatMap(([a, e]): Iv[] => (d <= a || c >= e ? [[a, e]] : ([[a, c < a ? a : c], [d > e ? e : d, e]] as Iv[]).filter(([p, q]) => q > p)));
  return parts;
}

/**
 * Aligned contiguous runs inside `leafSet`. alloc_init_cont_pte()/alloc_init_cont_pmd() set PTE_CONT on a run only
 * when (addr | next | phys) is run aligned inside one __create_pgd_mapping() call, so runs are found per call
 * (two abutting calls never share a run), and a NO_CONT call over the same VAs leaves none.
 */
function contRunIntervals(t: TreeResult, leafSet: readonly Iv[], runShift: number): Iv[] {
  const run = 1n << BigInt(runShift);
  const span = (c: TreeResult['calls'][number]): Iv => [c.call.va, c.call.va + c.call.size];
  const noCont = unionIv(t.calls.filter((c) => c.call.flags.noCont).map(span));
  const out: Iv[] = [];
  for (const c of t.calls) {
    if (c.call.flags.noCont || c.delta % run !== 0n) continue;
    for (const [a, e] of minus(intersect(leafSet, [span(c)]), noCont)) {
      const lo = ((a + run - 1n) / run) * run;
      const hi = (e / run) * run;
      if (hi > lo) out.push([lo, hi]);
    }
  }
  return unionIv(out);
}

/** Entries of size 2^shift in `ivs` (aligned) that overlap [s, e), and how many of them reach outside it. */
function touching(ivs: readonly Iv[], shift: number, s: bigint, e: bigint): { n: bigint; out: bigint } {
  const sz = 1n << BigInt(shift);
  let n = 0n;
  let out = 0n;
  for (const [a, b] of ivs) {
    const lo = a > s ? a : s;
    const hi = b < e ? b : e;
    if (hi <= lo) continue;
    const first = (lo / sz) * sz;
    const last = ((hi + sz - 1n) / sz) * sz;
    n += (last - first) / sz;
    if (first < s) out += 1n;
    if (last > e && !(first < s && last - first === sz)) out += 1n;
  }
  return { n, out };
}

/** Models the linear map report of one boot (or one hypothetical map). */
export function linearMapReport(input: LinearMapReportInput): LinearMapReport {
  const r = pagingInitPageTables(input.paging, input.rules);
  const s = linearMapSummary(input.paging, input.rules);
  const g = r.geometry;
  const t = r.linearTree;
  const ps = BigInt(g.pageSize);

  const levels: LevelEntries[] = g.entryShifts.map((shift, i) => {
    const span = 1n << BigInt(shift);
    const last = i === g.levels - 1;
    const name = g.levelNames[i];
    return {
      level: name,
      entryShift: shift,
      tablePages: name === 'pgd' ? 0 : r.steps.mapMem.perLevel[name],
      tableEntries: last ? 0n : ivLength(t.tableSets[i]) / span,
      leafEntries: last ? ivLength(t.pteSet) / ps : ivLength(t.blockSets[i]) / span,
    };
  });

  const pmdIdx = g.entryShifts.indexOf(g.pmdShift);
  const pudIdx = g.pudBlocks ? g.entryShifts.indexOf(g.pudShift) : -1;
  const pmdBlocks = pmdIdx >= 0 ? t.blockSets[pmdIdx] : [];
  const pudBlocks = pudIdx >= 0 ? t.blockSets[pudIdx] : [];
  const contPteRuns = contRunIntervals(t, t.pteSet, g.contPteShift);
  const contPmdRuns = pmdIdx >= 0 ? contRunIntervals(t, pmdBlocks, g.contPmdShift) : [];
  const leaves = {
    pte: ivLength(t.pteSet) / ps,
    contPte: ivLength(contPteRuns) / ps,
    pmd: ivLength(pmdBlocks) >> BigInt(g.pmdShift),
    contPmd: ivLength(contPmdRuns) >> BigInt(g.pmdShift),
    pud: ivLength(pudBlocks) >> BigInt(g.pudShift),
  };
  const perPte = 1n << BigInt(g.contPteShift - g.pageShift);
  const perPmd = 1n << BigInt(g.contPmdShift - g.pmdShift);
  const mappings: MappingCounts = {
    PTE: leaves.pte - leaves.contPte,
    CONT_PTE: leaves.contPte / perPte,
    PMD: leaves.pmd - leaves.contPmd,
    CONT_PMD: leaves.contPmd / perPmd,
    PUD: leaves.pud,
  };
  const tlbEntries = mappings.PTE + mappings.CONT_PTE + mappings.PMD + mappings.CONT_PMD + mappings.PUD;

  // Every linear call shares one VA - PA offset (PAGE_OFFSET - memstart_addr).
  const delta = t.calls.length > 0 ? t.calls[0].delta : 0n;

  const crash = input.crash.map((c): CrashMapping => {
    const vs = c.base + delta;
    const ve = vs + c.size;
    const region: Iv[] = [[vs, ve]];
    const pteIn = ivLength(intersect(t.pteSet, region)) / ps;
    const cpte = touching(contPteRuns, g.contPteShift, vs, ve);
    const cpteEntries = ivLength(intersect(contPteRuns, region)) / ps;
    const pmd = touching(minus(pmdBlocks, contPmdRuns), g.pmdShift, vs, ve);
    const cpmd = touching(contPmdRuns, g.contPmdShift, vs, ve);
    const pud = touching(pudBlocks, g.pudShift, vs, ve);
    const m: MappingCounts = { PTE: pteIn - cpteEntries, CONT_PTE: cpte.n, PMD: pmd.n, CONT_PMD: cpmd.n, PUD: pud.n };
    const straddling = cpte.out + pmd.out + cpmd.out + pud.out;
    const mapped = ivLength(intersect(unionIv([...t.pteSet, ...t.blockSets.flat()]), region));
    const byPages = pteIn === c.size / ps && cpte.n === 0n && mapped === c.size;
    let protectable: boolean;
    let why: string;
    if (input.protect === 'none') {
      protectable = false;
      why = 'stays mapped and writable after a load: arm64 has no arch_kexec_protect_crashkres';
    } else if (input.protect === 'pte-only') {
      protectable = byPages;
      why = byPages
        ? 'mapped by pages: arch_kexec_protect_crashkres can unmap the loaded segments (set_memory_valid)'
        : 'not mapped by plain pages: set_memory_valid (apply_to_page_range) cannot unmap it';
    } else {
      protectable = straddling === 0n && mapped === c.size;
      why = protectable
        ? 'no mapping crosses its edges: every leaf covering it can be invalidated (hypothetical)'
        : `${straddling} mapping(s) cross its edges: invalidating them would unmap neighbours`;
    }
    return { name: c.name, base: c.base, size: c.size, mappings: m, straddling, byPages, protectable, why };
  });

  const mem = [...input.paging.memory].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  const holes: PhysRange[] = [];
  for (let i = 1; i < mem.length; i++) {
    const end = mem[i - 1].base + mem[i - 1].size;
    if (mem[i].base > end) holes.push({ base: end, size: mem[i].base - end });
  }
  return {
    pageSize: g.pageSize,
    vaBits: g.vaBits,
    levels,
    flags: { ...input.paging.flags },
    why: input.why,
    mappings,
    mappingSizes: {
      PTE: ps,
      CONT_PTE: 1n << BigInt(g.contPteShift),
      PMD: 1n << BigInt(g.pmdShift),
      CONT_PMD: 1n << BigInt(g.contPmdShift),
      PUD: g.pudBlocks ? 1n << BigInt(g.pudShift) : 0n,
    },
    leaves,
    pageTableBytes: s.pageTableBytes,
    tlbEntries,
    mappedBytes: s.mappedBytes,
    averageTlbReach: tlbEntries > 0n ? s.mappedBytes / tlbEntries : 0n,
    otherTablePages: r.steps.mapKernel.pages + r.steps.createIdmap.pages,
    allocations: input.allocations ?? [],
    nomap: mem.filter((m) => m.nomap).map((m) => ({ base: m.base, size: m.size })),
    holes,
    crash,
  };
}
