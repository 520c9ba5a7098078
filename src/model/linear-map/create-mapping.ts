// Models __create_pgd_mapping() → alloc_init_p4d/pud → alloc_init_cont_pmd → init_pmd → alloc_init_cont_pte
// (arch/arm64/mm/mmu.c), 5.10–7.2, analytically per range: which table pages a sequence of mapping calls into one
// pgd allocates, and which leaf entries it leaves. Cost is per range and per level, never per page.
import { blockAllowedAt, type Geometry, type TableLevel } from './geometry.ts';

/** NO_BLOCK_MAPPINGS / NO_CONT_MAPPINGS (mmu.c). NO_EXEC_MAPPINGS only sets PXNTable and never changes counts. */
export interface MapFlags {
  readonly noBlock: boolean;
  readonly noCont: boolean;
}

/** One __create_pgd_mapping() call: VA [va, va + size) onto PA [pa, pa + size). */
export interface MappingCall {
  readonly va: bigint;
  readonly pa: bigint;
  readonly size: bigint;
  readonly flags: MapFlags;
  /** What the call maps, for summaries ('linear', 'kernel-alias', 'kfence', 'crash', 'kimage', 'idmap'). */
  readonly what: string;
}

type Iv = readonly [bigint, bigint];

/** Per call and level: the VA intervals that descend below that level (need a table at the next level). */
interface CallState {
  readonly call: MappingCall;
  readonly delta: bigint;
  descend: Iv[];
  /** Leaf blocks written at each level index, as VA intervals (entry aligned). */
  readonly blocks: Iv[][];
}

export interface TreeResult {
  /** Table pages allocated, per level name. */
  readonly tables: Record<TableLevel, number>;
  /** Table index intervals per level index (level i+1 tables = entries of level i that descend). */
  readonly tableSets: readonly (readonly Iv[])[];
  /** Per level index: union of VA intervals written as blocks (after table suppression). */
  readonly blockSets: readonly (readonly Iv[])[];
  /** Union of VA intervals mapped by PTEs. */
  readonly pteSet: readonly Iv[];
  readonly calls: readonly CallState[];
}

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const floorTo = (x: bigint, s: bigint): bigint => (x / s) * s;
const ceilTo = (x: bigint, s: bigint): bigint => ((x + s - 1n) / s) * s;

/** Sorted, merged union of intervals. */
export function unionIv(ivs: readonly Iv[]): Iv[] {
  const s = [...ivs].filter(([a, e]) => e > a).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out: [bigint, bigint][] = [];
  for (const [a, e] of s) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = max(last[1], e);
    else out.push([a, e]);
  }
  return out;
}

/** Parts of `ivs` inside (`inside` true) or outside the sorted union `set`. */
function splitBy(ivs: readonly Iv[], set: readonly Iv[], inside: boolean): Iv[] {
  const out: Iv[] = [];
  for (const [a, e] of ivs) {
    let cur = a;
    // the set is sorted and disjoint: start at its first interval ending above a, stop at the first
    // starting at or above e (a machine with many memory regions has as many intervals here)
    let lo = 0;
    let hi = set.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (set[mid][1] <= a) lo = mid + 1;
      else hi = mid;
    }
    for (let j = lo; j < set.length; j++) {
      const [sa, se] = set[j];
      if (sa >= e) break;
      if (se <= cur) continue;
      if (!inside && sa > cur) out.push([cur, min(sa, e)]);
      if (inside) out.push([max(cur, sa), min(se, e)]);
      cur = max(cur, se);
      if (cur >= e) break;
    }
    if (!inside && cur < e) out.push([cur, e]);
  }
  return out.filter(([x, y]) => y > x);
}

export const ivLength = (ivs: readonly Iv[]): bigint => ivs.reduce((n, [a, e]) => n + (e - a), 0n);

/**
 * Runs the calls into one initially empty pgd (the pgd page itself is static: swapper_pg_dir / idmap_pg_dir).
 * A table is allocated only when the upper entry is empty (pXd_none), so tables are the union over calls.
 * A block is not written over an entry that holds a table: 7.2 checks it (`!pmd_table(old)`); 5.10–6.12 would
 * BUG, which the kernel's call order never provokes, so the same rule describes every generation.
 */
export function createPgdMappings(g: Geometry, calls: readonly MappingCall[]): TreeResult {
  const pageMask = BigInt(g.pageSize) - 1n;
  const states: CallState[] = calls.map((call) => {
    // __create_pgd_mapping: phys &= PAGE_MASK; addr = virt & PAGE_MASK; end = PAGE_ALIGN(virt + size).
    const a = call.va & ~pageMask;
    const e = (call.va + call.size + pageMask) & ~pageMask;
    return { call, delta: call.va - call.pa, descend: e > a ? [[a, e]] : [], blocks: g.entryShifts.map(() => []) };
  });
  const tableSets: Iv[][] = [];
  const blockSets: Iv[][] = [];
  const tables: Record<TableLevel, number> = { p4d: 0, pud: 0, pmd: 0, pte: 0 };
  for (let i = 0; i < g.levels - 1; i++) {
    const span = 1n << BigInt(g.entryShifts[i]);
    const canBlock = blockAllowedAt(g, g.entryShifts[i]);
    // Candidate blocks: whole entries with (addr | next | phys) aligned.
    for (const st of states) {
      if (!canBlock || st.call.flags.noBlock || st.delta % span !== 0n) continue;
      const next: Iv[] = [];
      for (const [a, e] of st.descend) {
        const ba = ceilTo(a, span);
        const be = floorTo(e, span);
        if (be <= ba) { next.push([a, e]); continue; }
        st.blocks[i].push([ba, be]);
        next.push([a, ba], [be, e]);
      }
      st.descend = next.filter(([x, y]) => y > x);
    }
    // Tables at level i+1: every level-i entry touched by a descending interval, over all calls.
    const touched = unionIv(states.flatMap((st) => st.descend.map(([a, e]): Iv => [floorTo(a, span), ceilTo(e, span)])));
    // Blocks that land on an entry holding a table descend into it instead.
    for (const st of states) {
      const inTable = splitBy(st.blocks[i], touched, true);
      if (inTable.length === 0) continue;
      st.blocks[i] = splitBy(st.blocks[i], touched, false);
      st.descend = unionIv([...st.descend, ...inTable]);
    }
    tableSets.push(touched);
    const name = g.levelNames[i + 1] as TableLevel;
    tables[name] += Number(ivLength(touched) / span);
    blockSets.push(unionIv(states.flatMap((st) => st.blocks[i])));
  }
  blockSets.push([]);
  const pteSet = unionIv(states.flatMap((st) => st.descend));
  return { tables, tableSets, blockSets, pteSet, calls: states };
}
