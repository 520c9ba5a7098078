// The boards survey as a table for people or JSON for programs.
import type { PhysRange } from '../inputs/iomem.ts';
import { PHYS_ADDR_MAX } from '../model/of-address.ts';
import type { BoardRow, CrashCell } from './survey.ts';

const size = (v: bigint): string => {
  for (const [u, s] of [['G', 30n], ['M', 20n], ['K', 10n]] as const) if (v >= 1n << s && v % (1n << s) === 0n) return `${v >> s}${u}`;
  return `0x${v.toString(16)}`;
};
const hex = (v: bigint): string => `0x${v.toString(16)}`;
const banks = (rs: readonly PhysRange[]): string => (rs.length ? rs.map((r) => `${size(r.size)}@${hex(r.base)}`).join('+') : '-');

function crashText(c: CrashCell): string {
  if (c.error) return `error: ${c.error}`;
  if (!c.ok) return `FAILS${c.failure ? ` (${c.failure})` : ''}`;
  return `${c.regions.map((r) => hex(r.base)).join('+')}${c.aboveDmaLimit ? ' ABOVE-DMA' : ''}`;
}

export function renderBoardsTable(rows: readonly BoardRow[]): string {
  const head = ['board', 'DMA limit', 'memory', 'rmem', ...(rows[0]?.crash.map((c) => `crashkernel=${c.request}`) ?? [])];
  const body = rows.map((r) => {
    if (r.error) return [r.file, `error: ${r.error}`];
    const dma = r.dmaLimit === undefined || r.dmaLimit === PHYS_ADDR_MAX ? 'none' : hex(r.dmaLimit + 1n);
    const mem = r.memory.length ? `${banks(r.memory)}${r.memoryRule.startsWith('declared') ? '' : ` (${r.memoryRule.split(':')[0]})`}` : 'none (firmware fills it)';
    return [r.file, dma, mem, String(r.reserved.length), ...r.crash.map(crashText)];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.filter((b) => b.length === head.length).map((b) => b[i].length)));
  const line = (cells: string[]): string => (cells.length === head.length ? cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd() : cells.join('  '));
  return [line(head), ...body.map(line)].join('\n') + '\n';
}

const j = (v: bigint): string => hex(v);
const jr = (rs: readonly PhysRange[]) => rs.map((r) => ({ base: j(r.base), size: j(r.size) }));

export function renderBoardsJson(rows: readonly BoardRow[]): string {
  return `${JSON.stringify(rows.map((r) => ({
    file: r.file, model: r.model, compatible: r.compatible, error: r.error,
    dmaLimit: r.dmaLimit === undefined ? undefined : r.dmaLimit === PHYS_ADDR_MAX ? null : j(r.dmaLimit), dmaSource: r.dmaSource,
    declared: jr(r.declared), memory: jr(r.memory), memoryRule: r.memoryRule,
    reserved: r.reserved.map((n) => ({ ...n, regions: jr(n.regions), size: n.size === undefined ? undefined : j(n.size) })),
    crash: r.crash.map((c) => ({ ...c, regions: jr(c.regions) })),
  })), null, 2)}\n`;
}

export interface BoardsSummary {
  boards: number;
  errors: number;
  aboveDma: number;
  fails: number;
}

export function summarize(rows: readonly BoardRow[]): BoardsSummary {
  return {
    boards: rows.length,
    errors: rows.filter((r) => r.error).length,
    aboveDma: rows.filter((r) => r.crash.some((c) => c.aboveDmaLimit)).length,
    fails: rows.filter((r) => r.crash.some((c) => !c.ok && !c.error)).length,
  };
}
