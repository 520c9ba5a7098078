// The kernel's own lines, in its order and wording, without timestamps: the trace's printk events.
import type { BootTrace, LineKind } from '../trace/events.ts';
import { printkLine } from './printk-format.ts';

export interface DmesgLine {
  kind: LineKind;
  text: string;
}

export function dmesgLines(trace: BootTrace): DmesgLine[] {
  const out: DmesgLine[] = [];
  for (const e of trace.events) if (e.printk) out.push({ kind: e.printk.kind, text: printkLine(e.printk.fmt, e.printk.args) });
  return out;
}

export function renderDmesg(trace: BootTrace): string {
  return dmesgLines(trace).map((l) => l.text).join('\n') + '\n';
}
