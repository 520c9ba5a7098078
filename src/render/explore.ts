// Renders `bootmap explore`: a table for people, JSON (schema bootmap.explore/1), and a self-contained SVG chart
// of the linear map's page-table memory per platform and strategy (log scale, one panel per granule).
import type { ExploreResult, ExploreRow } from '../explore/runner.ts';
import { humanBytes, shortSize } from './linear-map.ts';

const hex = (v: bigint): string => '0x' + v.toString(16);
const num = (v: bigint): number => Number(v);
const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

function crashCell(r: ExploreRow): string {
  if (r.failure !== null) return `fails: ${r.failure}`;
  return r.crash.map((c) => `${c.name === 'crashkernel low' ? 'low ' : ''}${hex(c.base)}-${hex(c.base + c.size)}`).join(' + ');
}

export function renderExploreTable(x: ExploreResult): string {
  const out: string[] = [];
  out.push(`Command line: ${x.cmdline}`);
  out.push('Strategies:');
  for (const s of x.strategies) out.push(`  (${s.id}) ${s.title} [${s.kernels}]`);
  out.push('');
  const head = `${pad('platform', 12)}${pad('gran', 5)}${pad('st', 3)}${pad('crash region', 36)}${pad('DMA', 11)}${pad('protect', 8)}${lpad('page tables', 13)}${lpad('TLB entries', 13)}${lpad('avg reach', 11)}`;
  out.push(head);
  out.push('-'.repeat(head.length));
  let last = '';
  for (const r of x.rows) {
    const group = `${r.platform}|${r.granule}`;
    if (last && group.split('|')[0] !== last.split('|')[0]) out.push('');
    last = group;
    out.push(
      pad(r.platform, 12) + pad(shortSize(BigInt(r.granule)), 5) + pad(r.strategy, 3) + pad(crashCell(r), 36) + pad(r.dmaReachable, 11)
      + pad(r.failure !== null ? '-' : r.protectable ? 'yes' : 'no', 8) + lpad(humanBytes(r.pageTableBytes), 13)
      + lpad(String(r.tlbEntries), 13) + lpad(humanBytes(r.averageTlbReach), 11),
    );
  }
  out.push('');
  out.push('DMA: is the crash region below the platform\'s device DMA limit (dma-ranges) for the kdump kernel\'s devices.');
  out.push('protect: can the loaded crash image be unmapped from the linear map after kexec_load. (d) is hypothetical.');
  return out.join('\n') + '\n';
}

export function exploreJson(x: ExploreResult): object {
  return {
    schema: 'bootmap.explore/1',
    cmdline: x.cmdline,
    crashSize: hex(x.crashSize),
    strategies: x.strategies,
    rows: x.rows.map((r) => ({
      strategy: r.strategy,
      hypothetical: r.hypothetical,
      platform: r.platform,
      family: r.family,
      ramBytes: num(r.ramBytes),
      granule: r.granule,
      crash: r.crash.map((c) => ({ name: c.name, base: hex(c.base), size: hex(c.size), end: hex(c.base + c.size) })),
      failure: r.failure,
      placement: r.placement,
      dmaLimit: r.dmaLimit === null ? null : hex(r.dmaLimit),
      dmaReachable: r.dmaReachable,
      protectable: r.protectable,
      protectWhy: r.protectWhy,
      crashMappings: r.crashMappings ? Object.fromEntries(Object.entries(r.crashMappings).map(([k, v]) => [k, num(v)])) : null,
      straddling: num(r.straddling),
      why: r.why,
      pageTableBytes: num(r.pageTableBytes),
      tlbEntries: num(r.tlbEntries),
      averageTlbReach: num(r.averageTlbReach),
      mappedBytes: num(r.mappedBytes),
    })),
  };
}

export function renderExploreJson(x: ExploreResult): string {
  return JSON.stringify(exploreJson(x), null, 2) + '\n';
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const COLORS: Record<string, string> = { a: '#c0392b', b: '#e67e22', c: '#2980b9', d: '#27ae60' };

/**
 * Grouped bars: one panel per granule, one group per platform, one bar per strategy; the height is the linear
 * map's page-table bytes on a log scale. A filled dot above a bar: the crash region can be protected after a
 * load; a hollow dot: it cannot; a cross under the group label marks runs whose region the devices cannot reach.
 */
export function renderExploreSvg(x: ExploreResult): string {
  const granules = [...new Set(x.rows.map((r) => r.granule))];
  const platforms = [...new Set(x.rows.map((r) => r.platform))];
  const strategies = x.strategies.map((s) => s.id);
  const bar = 14;
  const groupGap = 18;
  const groupW = strategies.length * bar + groupGap;
  const left = 70;
  const panelH = 200;
  const panelGap = 70;
  const top = 70;
  const width = left + platforms.length * groupW + 20;
  const height = top + granules.length * (panelH + panelGap) + 20;
  const positive = x.rows.map((r) => num(r.pageTableBytes)).filter((v) => v > 0);
  const lo = Math.floor(Math.log2(Math.max(1024, Math.min(...positive, 4096))));
  const hi = Math.ceil(Math.log2(Math.max(...positive, 1 << 20)));
  const y = (v: number, y0: number): number => y0 + panelH - ((Math.log2(Math.max(v, 2 ** lo)) - lo) / (hi - lo)) * panelH;
  const el: string[] = [];
  el.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  el.push(`<title>${esc(`Linear-map page tables per strategy (${x.cmdline})`)}</title>`);
  el.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  el.push(`<text x="${left}" y="20" font-size="14" font-weight="bold">${esc('Page-table memory of the linear map (log scale)')}</text>`);
  x.strategies.forEach((s, i) => {
    const lx = left + i * 220;
    el.push(`<rect x="${lx}" y="32" width="10" height="10" fill="${COLORS[s.id] ?? '#888'}"${s.hypothetical ? ' fill-opacity="0.6" stroke="#000" stroke-dasharray="2,1"' : ''}/>`);
    el.push(`<text x="${lx + 14}" y="41">${esc(`(${s.id}) ${s.title}`.slice(0, 34))}</text>`);
  });
  el.push(`<text x="${left}" y="58" fill="#555">${esc('● crash region protectable after a load   ○ not   ✕ below a group: some region out of device DMA reach')}</text>`);
  granules.forEach((g, gi) => {
    const y0 = top + gi * (panelH + panelGap);
    el.push(`<text x="10" y="${y0 - 6}" font-weight="bold">${esc(`${shortSize(BigInt(g))} pages`)}</text>`);
    for (let p = lo; p <= hi; p += 2) {
      const yy = y(2 ** p, y0).toFixed(1);
      el.push(`<line x1="${left}" y1="${yy}" x2="${width - 10}" y2="${yy}" stroke="#ddd"/>`);
      el.push(`<text x="${left - 4}" y="${yy}" text-anchor="end" dominant-baseline="middle" fill="#555">${esc(humanBytes(1n << BigInt(p)))}</text>`);
    }
    el.push(`<line x1="${left}" y1="${y0 + panelH}" x2="${width - 10}" y2="${y0 + panelH}" stroke="#000"/>`);
    platforms.forEach((pl, pi) => {
      const gx = left + pi * groupW + groupGap / 2;
      let unreachable = false;
      strategies.forEach((sid, si) => {
        const r = x.rows.find((q) => q.platform === pl && q.granule === g && q.strategy === sid);
        if (!r) return;
        if (r.dmaReachable === 'no' || r.dmaReachable === 'partly') unreachable = true;
        const v = num(r.pageTableBytes);
        const bx = gx + si * bar;
        const by = y(v, y0);
        const tip = `(${sid}) ${pl} ${shortSize(BigInt(g))}: ${humanBytes(r.pageTableBytes)} page tables, ${r.tlbEntries} TLB entries, DMA ${r.dmaReachable}, protect ${r.protectable ? 'yes' : 'no'}`;
        el.push(`<rect x="${bx}" y="${by.toFixed(1)}" width="${bar - 2}" height="${(y0 + panelH - by).toFixed(1)}" fill="${COLORS[sid] ?? '#888'}"${r.hypothetical ? ' fill-opacity="0.6"' : ''}><title>${esc(tip)}</title></rect>`);
        if (r.failure === null) {
          el.push(`<circle cx="${bx + (bar - 2) / 2}" cy="${(by - 5).toFixed(1)}" r="3" fill="${r.protectable ? '#000' : 'none'}" stroke="#000"/>`);
        }
      });
      const label = `${pl}${unreachable ? ' ✕' : ''}`;
      el.push(`<text x="${gx + (strategies.length * bar) / 2}" y="${y0 + panelH + 14}" text-anchor="middle">${esc(label)}</text>`);
    });
  });
  el.push('</svg>');
  return el.join('\n') + '\n';
}
