// Renders `bootmap linear-map`: the linear map one predicted boot builds, as text for people or as JSON
// (schema bootmap.linear-map/1: addresses are hex strings, counts and byte totals are numbers).
import type { CrashMapping, LinearMapReport, MappingCounts } from '../model/linear-map-report.ts';

export interface LinearMapView {
  readonly kernel: string;
  readonly cmdline: string;
  readonly report: LinearMapReport;
  /** early_pgtable_alloc() pages of the linear map as the boot placed them (equal to the model's count). */
  readonly tracePages: bigint;
  /** The kernel's `Memory:` line, whose reserved total includes these tables, if the boot printed one. */
  readonly memoryLine?: string;
}

const hex = (v: bigint): string => '0x' + v.toString(16);
const num = (v: bigint): number => Number(v);
const KEYS: (keyof MappingCounts)[] = ['PTE', 'CONT_PTE', 'PMD', 'CONT_PMD', 'PUD'];

/** 4096 → "4K", 2 MiB → "2M", 1 GiB → "1G". */
export function shortSize(v: bigint): string {
  const units: [bigint, string][] = [[1n << 50n, 'P'], [1n << 40n, 'T'], [1n << 30n, 'G'], [1n << 20n, 'M'], [1n << 10n, 'K']];
  for (const [u, s] of units) if (v >= u && v % u === 0n) return `${v / u}${s}`;
  return v.toString();
}

/** A byte count for people: "7.96 MiB", "512 KiB". */
export function humanBytes(v: bigint): string {
  const units: [bigint, string][] = [[1n << 40n, 'TiB'], [1n << 30n, 'GiB'], [1n << 20n, 'MiB'], [1n << 10n, 'KiB']];
  for (const [u, s] of units) {
    if (v >= u) {
      const x = Number(v) / Number(u);
      return `${Number.isInteger(x) ? x : x.toFixed(2)} ${s}`;
    }
  }
  return `${v} B`;
}

const range = (r: { base: bigint; size: bigint }) => ({ base: hex(r.base), size: hex(r.size), end: hex(r.base + r.size) });
const counts = (m: MappingCounts): Record<string, number> => Object.fromEntries(KEYS.map((k) => [k, num(m[k])]));

function crashJson(c: CrashMapping) {
  return { name: c.name, ...range(c), mappings: counts(c.mappings), straddling: num(c.straddling), byPages: c.byPages, protectable: c.protectable, why: c.why };
}

export function linearMapJson(v: LinearMapView): object {
  const r = v.report;
  return {
    schema: 'bootmap.linear-map/1',
    kernel: v.kernel,
    cmdline: v.cmdline,
    pageSize: r.pageSize,
    vaBits: r.vaBits,
    flags: r.flags,
    why: r.why,
    pageTableBytes: num(r.pageTableBytes),
    tablePages: num(r.pageTableBytes / BigInt(r.pageSize)),
    tracePages: num(v.tracePages),
    levels: r.levels.map((l) => ({ level: l.level, entrySize: hex(1n << BigInt(l.entryShift)), tablePages: l.tablePages, tableEntries: num(l.tableEntries), leafEntries: num(l.leafEntries) })),
    mappings: counts(r.mappings),
    mappingSizes: Object.fromEntries(KEYS.map((k) => [k, hex(r.mappingSizes[k])])),
    leaves: { pte: num(r.leaves.pte), contPte: num(r.leaves.contPte), pmd: num(r.leaves.pmd), contPmd: num(r.leaves.contPmd), pud: num(r.leaves.pud) },
    tlbEntries: num(r.tlbEntries),
    mappedBytes: num(r.mappedBytes),
    averageTlbReach: num(r.averageTlbReach),
    otherTablePages: r.otherTablePages,
    allocations: r.allocations.map((a) => ({ ...range(a), why: a.why })),
    nomap: r.nomap.map(range),
    holes: r.holes.map(range),
    crash: r.crash.map(crashJson),
    memoryLine: v.memoryLine ?? null,
  };
}

export function renderLinearMapJson(v: LinearMapView): string {
  return JSON.stringify(linearMapJson(v), null, 2) + '\n';
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const h16 = (v: bigint): string => '0x' + v.toString(16).padStart(16, '0');
/** The kernel's `[mem %#018llx-%#018llx]` form (inclusive end). */
const mem = (r: { base: bigint; size: bigint }): string => `[mem ${h16(r.base)}-${h16(r.base + r.size - 1n)}]`;

export function renderLinearMapText(v: LinearMapView): string {
  const r = v.report;
  const out: string[] = [];
  const pages = r.pageTableBytes / BigInt(r.pageSize);
  out.push(`Linear map: ${v.kernel}, ${shortSize(BigInt(r.pageSize))} pages, ${r.vaBits}-bit VA (${r.levels.length} levels)`);
  out.push(`Command line: ${v.cmdline || '(empty)'}`);
  out.push(`Granularity: ${r.why}`);
  out.push(`Page tables: ${pages} pages = ${humanBytes(r.pageTableBytes)}` + (v.tracePages === pages ? ' (the boot\'s early_pgtable_alloc calls agree)' : ` (the boot placed ${v.tracePages} pages)`));
  out.push(`TLB: ${r.tlbEntries} entries cover ${humanBytes(r.mappedBytes)}; average reach ${humanBytes(r.averageTlbReach)}`);
  out.push('');
  out.push('Entries per level:');
  out.push(`  ${pad('level', 6)}${lpad('entry', 6)}${lpad('tables', 10)}${lpad('to table', 12)}${lpad('leaf', 14)}`);
  for (const l of r.levels) {
    out.push(`  ${pad(l.level, 6)}${lpad(shortSize(1n << BigInt(l.entryShift)), 6)}${lpad(l.level === 'pgd' ? 'static' : String(l.tablePages), 10)}${lpad(String(l.tableEntries), 12)}${lpad(String(l.leafEntries), 14)}`);
  }
  out.push('');
  out.push('Mappings (a contiguous run is one mapping, one TLB entry):');
  for (const k of KEYS) {
    if (r.mappingSizes[k] === 0n) continue;
    out.push(`  ${pad(`${k} ${shortSize(r.mappingSizes[k])}`, 14)}${lpad(String(r.mappings[k]), 12)}`);
  }
  out.push('');
  out.push('Allocations holding page tables (early_pgtable_alloc, top-down):');
  if (r.allocations.length === 0) out.push('  (none recorded)');
  for (const a of r.allocations) out.push(`  ${mem(a)} ${lpad(String(a.size / BigInt(r.pageSize)), 8)} pages  ${a.why}`);
  out.push('');
  out.push(`NOMAP (skipped by map_mem): ${r.nomap.length === 0 ? 'none' : ''}`);
  for (const n of r.nomap) out.push(`  ${mem(n)} ${humanBytes(n.size)}`);
  out.push(`Holes between memory regions (never mapped): ${r.holes.length === 0 ? 'none' : ''}`);
  for (const h of r.holes) out.push(`  ${mem(h)} ${humanBytes(h.size)}`);
  out.push('');
  out.push(`Crash regions: ${r.crash.length === 0 ? 'none reserved' : ''}`);
  for (const c of r.crash) {
    const parts = KEYS.filter((k) => c.mappings[k] > 0n).map((k) => `${c.mappings[k]} × ${k}`);
    out.push(`  ${c.name} ${mem(c)} ${humanBytes(c.size)}: ${parts.join(', ') || 'not mapped'}${c.straddling > 0n ? `; ${c.straddling} cross its edges` : ''}`);
    out.push(`    protect after a load: ${c.protectable ? 'yes' : 'no'}: ${c.why}`);
  }
  if (v.memoryLine) {
    out.push('');
    out.push('The kernel\'s Memory: line (its "reserved" includes these page tables):');
    out.push(`  ${v.memoryLine}`);
  }
  return out.join('\n') + '\n';
}
