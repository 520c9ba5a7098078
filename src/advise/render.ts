// The advice for people (a text table) and for programs (JSON, schema bootmap.advise/1). Pure.
import type { Advice, Outcome } from './advise.ts';

const MiB = 1n << 20n;
const hex = (v: bigint) => '0x' + v.toString(16);
const mib = (v: bigint) => (v % MiB === 0n ? `${v / MiB} MiB` : `${(Number(v) / 2 ** 20).toFixed(1)} MiB`);
const region = (r?: { base: bigint; size: bigint }) => (r ? `${mib(r.size)} at [${hex(r.base)}-${hex(r.base + r.size)})` : '');

function where(o: Outcome): string {
  if (!o.ok) return `fails: ${o.failure ?? 'not reserved'}`;
  const parts = [region(o.main)];
  if (o.low) parts.push(`low ${region(o.low)}`);
  parts.push(o.belowDmaLimit ? 'below the DMA limit' : 'above the DMA limit');
  return parts.join(', ');
}

function table(rows: string[][]): string {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]))).join('  ').trimEnd()).join('\n');
}

export function renderAdviceText(a: Advice): string {
  const e = a.estimate;
  const out: string[] = [];
  out.push(`kernel ${a.kernel}, RAM ${mib(a.ramBytes)}${a.dmaLimit !== undefined ? `, DMA limit ${hex(a.dmaLimit)}` : ''}`);
  out.push('');
  out.push('What the dump kernel needs in its region (estimate):');
  out.push(table([['component', 'size', 'basis'], ...e.components.map((c) => [c.name, mib(c.bytes), c.basis]), ['subtotal', mib(e.subtotal), ''], ['margin', mib(e.margin.bytes), e.margin.rule], ['total', mib(e.total), 'rounded up to 16 MiB']]).replace(/^/gm, '  '));
  out.push('');
  out.push('Checked with the boot model:');
  out.push(table([['candidate', 'crashkernel=', 'result'], ...a.candidates.map((c) => [c.label, c.cmdline, where(c) + (c.findings.length ? ` [${c.findings.map((f) => f.code).join(', ')}]` : '')])]).replace(/^/gm, '  '));
  out.push('');
  out.push(a.recommended ? `Recommended: ${a.recommended.cmdline}` : 'Recommended: none reserves on this machine');
  out.push(`  because ${a.why}`);
  out.push('');
  out.push('What distributions would write (their values, evaluated by the model on this machine):');
  const rows = a.distros.map((d) => [
    `${d.row.distro}, ${d.row.tool} (${d.row.variant})`,
    d.row.crashkernel ?? 'unknown (source not found)',
    d.outcome ? where(d.outcome) + (d.belowEstimate ? ' — below the estimate' : '') : '',
  ]);
  out.push(table([['distribution', 'crashkernel=', 'on this machine'], ...rows]).replace(/^/gm, '  '));
  out.push('');
  out.push('Sources and notes:');
  for (const d of a.distros) {
    out.push(`  ${d.row.distro}, ${d.row.tool} (${d.row.variant}; ${d.row.appliesTo}): ${d.row.sources.map((s) => `${s.repo}, ${s.file}, ${s.version}`).join('; ')}${d.row.note ? `. ${d.row.note}` : ''}`);
  }
  if (a.smmuInDtb) out.push('  The devicetree has an SMMU: on a 64K-page kernel kdump-utils would add 384M.');
  return out.join('\n') + '\n';
}

const h = (v?: bigint) => (v === undefined ? null : hex(v));
const reg = (r?: { base: bigint; size: bigint }) => (r ? { base: hex(r.base), size: hex(r.size), end: hex(r.base + r.size) } : null);
const outcomeJson = (o: Outcome) => ({ crashkernel: o.cmdline, ok: o.ok, main: reg(o.main), low: reg(o.low), failure: o.ok ? null : o.failure ?? null, belowDmaLimit: o.belowDmaLimit, findings: o.findings.map((f) => ({ level: f.level, code: f.code, message: f.message })) });

export function adviceJson(a: Advice): object {
  return {
    schema: 'bootmap.advise/1',
    kernel: a.kernel,
    ram: hex(a.ramBytes),
    dmaLimit: h(a.dmaLimit),
    smmuInDtb: a.smmuInDtb,
    estimate: {
      components: a.estimate.components.map((c) => ({ name: c.name, bytes: Number(c.bytes), basis: c.basis })),
      subtotal: Number(a.estimate.subtotal),
      margin: { bytes: Number(a.estimate.margin.bytes), rule: a.estimate.margin.rule },
      total: Number(a.estimate.total),
    },
    candidates: a.candidates.map((c) => ({ label: c.label, ...outcomeJson(c) })),
    recommended: a.recommended ? a.recommended.cmdline : null,
    why: a.why,
    distros: a.distros.map((d) => ({
      id: d.row.id, distro: d.row.distro, tool: d.row.tool, variant: d.row.variant, appliesTo: d.row.appliesTo,
      crashkernel: d.row.crashkernel ?? 'unknown (source not found)', known: d.row.crashkernel !== undefined,
      sources: d.row.sources, note: d.row.note ?? null,
      onThisMachine: d.outcome ? outcomeJson(d.outcome) : null, belowEstimate: d.belowEstimate ?? null,
    })),
  };
}
