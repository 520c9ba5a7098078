// Summarises the linear map that map_mem() (arch/arm64/mm/mmu.c) leaves, 5.10–7.2: table pages and entries per
// level, leaf mappings by size (PTE, CONT_PTE, PMD, CONT_PMD, PUD), page-table bytes and TLB reach.
import { ivLength, unionIv, type TreeResult } from './create-mapping.ts';
import type { Geometry } from './geometry.ts';
import { pagingInitPageTables, type PagingInput } from './paging-init.ts';
import type { LinearMapRules } from './rules.ts';

export interface LinearMapSummary {
  readonly tablePages: Record<string, number>;
  readonly pageTableBytes: bigint;
  /** Leaf entries by mapping size; a contiguous run counts its entries in cont* and once in tlbEntries. */
  readonly leaves: { pte: bigint; contPte: bigint; pmd: bigint; contPmd: bigint; pud: bigint };
  /** TLB entries needed to cover the whole linear map (a contiguous run is one entry). */
  readonly tlbEntries: bigint;
  readonly mappedBytes: bigint;
  /** mappedBytes / tlbEntries. */
  readonly averageTlbReach: bigint;
}

type Iv = readonly [bigint, bigint];

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

/** Contiguous runs: whole aligned runs of the leaf set written by calls allowing them and not by a NO_CONT call. */
function contRuns(t: TreeResult, leafSet: readonly Iv[], runShift: number): bigint {
  const run = 1n << BigInt(runShift);
  const span = (c: TreeResult['calls'][number]): Iv => [c.call.va, c.call.va + c.call.size];
  const ok = unionIv(t.calls.filter((c) => !c.call.flags.noCont && c.delta % run === 0n).map(span));
  const noCont = unionIv(t.calls.filter((c) => c.call.flags.noCont).map(span));
  let n = 0n;
  for (const [a, e] of minus(intersect(leafSet, ok), noCont)) {
    const lo = (a + run - 1n) / run;
    const hi = e / run;
    if (hi > lo) n += hi - lo;
  }
  return n;
}

/** Builds the summary for `bootmap linear-map`. */
export function linearMapSummary(input: PagingInput, rules: LinearMapRules): LinearMapSummary {
  const r = pagingInitPageTables(input, rules);
  const g: Geometry = r.geometry;
  const t = r.linearTree;
  const ps = BigInt(g.pageSize);
  const pte = ivLength(t.pteSet) / ps;
  const lvl = (shift: number): number => g.entryShifts.indexOf(shift);
  const pmdIdx = lvl(g.pmdShift);
  const pudIdx = g.pudBlocks ? lvl(g.pudShift) : -1;
  const pmd = pmdIdx >= 0 ? ivLength(t.blockSets[pmdIdx]) >> BigInt(g.pmdShift) : 0n;
  const pud = pudIdx >= 0 ? ivLength(t.blockSets[pudIdx]) >> BigInt(g.pudShift) : 0n;
  const contPteRuns = contRuns(t, t.pteSet, g.contPteShift);
  const contPmdRuns = pmdIdx >= 0 ? contRuns(t, t.blockSets[pmdIdx], g.contPmdShift) : 0n;
  const perPte = 1n << BigInt(g.contPteShift - g.pageShift);
  const perPmd = 1n << BigInt(g.contPmdShift - g.pmdShift);
  const tlbEntries = pte - contPteRuns * perPte + contPteRuns + pmd - contPmdRuns * perPmd + contPmdRuns + pud;
  const mapped = ivLength(unionIv(t.calls.map((c) => [c.call.va, c.call.va + c.call.size] as const)));
  return {
    tablePages: { ...r.steps.mapMem.perLevel },
    pageTableBytes: BigInt(r.steps.mapMem.pages) * ps,
    leaves: { pte, contPte: contPteRuns * perPte, pmd, contPmd: contPmdRuns * perPmd, pud },
    tlbEntries,
    mappedBytes: mapped,
    averageTlbReach: tlbEntries > 0n ? mapped / tlbEntries : 0n,
  };
}
