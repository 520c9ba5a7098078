// Compares predicted memory lines with a real kernel's, line by line, and tallies agreement per line kind.
import type { LineKind } from '../src/trace/events.ts';

export interface Line {
  kind: LineKind;
  text: string;
}

/** The line kinds the core model promises to reproduce exactly (issue: bootmap core). */
export const COMPARED_KINDS: readonly LineKind[] = [
  'numa', 'node-data', 'zones', 'zone-debug', 'movable', 'node-ranges', 'initmem', 'reserved-mem', 'cma', 'crashkernel', 'swiotlb',
  'mem-limit', 'elfcorehdr', 'fdt',
];

export interface KindTally {
  expected: number;
  matched: number;
}

export interface Comparison {
  equal: boolean;
  /** The first line (in the kernel's order) where the sequences differ. */
  firstDiff?: { index: number; expected?: string; got?: string };
  byKind: Map<LineKind, KindTally>;
}

export function compareLines(expected: readonly Line[], got: readonly Line[], kinds: readonly LineKind[] = COMPARED_KINDS): Comparison {
  const keep = new Set(kinds);
  const e = expected.filter((l) => keep.has(l.kind));
  const g = got.filter((l) => keep.has(l.kind));
  const byKind = new Map<LineKind, KindTally>();
  for (const k of kinds) {
    const ek = e.filter((l) => l.kind === k).map((l) => l.text);
    const gk = g.filter((l) => l.kind === k).map((l) => l.text);
    if (!ek.length && !gk.length) continue;
    // A line agrees when the same text appears at the same position among the lines of its kind.
    let matched = 0;
    for (let i = 0; i < ek.length; i++) if (gk[i] === ek[i]) matched++;
    byKind.set(k, { expected: Math.max(ek.length, gk.length), matched });
  }
  let firstDiff: Comparison['firstDiff'];
  const n = Math.max(e.length, g.length);
  for (let i = 0; i < n; i++) {
    if (e[i]?.text !== g[i]?.text) {
      firstDiff = { index: i, expected: e[i]?.text, got: g[i]?.text };
      break;
    }
  }
  return { equal: !firstDiff, firstDiff, byKind };
}
