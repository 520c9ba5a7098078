// Two predictions side by side: only what moved (the memory lines that differ, grouped by kind) and why.
import type { Prediction } from '../kernels/boot.ts';
import { dmesgLines } from './dmesg.ts';

export interface DiffEntry {
  kind: string;
  a: string[];
  b: string[];
}

export function diffPredictions(a: Prediction, b: Prediction): DiffEntry[] {
  const la = dmesgLines(a.trace), lb = dmesgLines(b.trace);
  const kinds = [...new Set([...la, ...lb].map((l) => l.kind))];
  const out: DiffEntry[] = [];
  for (const k of kinds) {
    const ta = la.filter((l) => l.kind === k).map((l) => l.text);
    const tb = lb.filter((l) => l.kind === k).map((l) => l.text);
    if (JSON.stringify(ta) === JSON.stringify(tb)) continue;
    out.push({ kind: k, a: ta.filter((t) => !tb.includes(t)), b: tb.filter((t) => !ta.includes(t)) });
  }
  return out;
}

export function renderDiff(a: Prediction, b: Prediction, labels: [string, string]): string {
  const d = diffPredictions(a, b);
  const out = [`--- ${labels[0]}`, `+++ ${labels[1]}`];
  if (!d.length) out.push('(the memory lines are identical)');
  for (const e of d) {
    out.push(`@@ ${e.kind}`);
    for (const t of e.a) out.push(`- ${t}`);
    for (const t of e.b) out.push(`+ ${t}`);
  }
  const why = (p: Prediction) => p.trace.events.filter((e) => /crashkernel|cma_declare/.test(e.site) && e.why && !e.printk).map((e) => `  ${e.site}: ${e.why}`);
  const wa = why(a), wb = why(b);
  if (JSON.stringify(wa) !== JSON.stringify(wb)) out.push(`why (${labels[0]}):`, ...wa, `why (${labels[1]}):`, ...wb);
  return out.join('\n') + '\n';
}
