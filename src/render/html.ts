// One self-contained HTML report: the map (SVG), the kernel's memory lines and the decisions behind them.
import type { Prediction } from '../kernels/boot.ts';
import { dmesgLines } from './dmesg.ts';
import { renderSvg } from './svg.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderHtml(p: Prediction): string {
  const lines = dmesgLines(p.trace).map((l) => esc(l.text)).join('\n');
  const why = p.trace.events.filter((e) => e.why && (e.kind === 'alloc' || e.kind === 'decision' || e.kind === 'limit' || e.kind === 'reserve'))
    .map((e) => `<li><code>${esc(e.site)}</code>: ${esc(e.why!)}</li>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bootmap: ${esc(p.profile.name)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font-family:sans-serif;margin:1em 2em}pre{background:#f4f4f4;padding:.6em;overflow:auto}li{margin:.15em 0}</style></head>
<body><h1>bootmap: ${esc(p.profile.name)}</h1>
<p>Command line: <code>${esc(p.cmdline || '(empty)')}</code></p>
<section id="map">${renderSvg(p)}</section>
<h2>Memory lines the kernel prints</h2><pre id="dmesg">${lines}</pre>
<h2>Why</h2><ol id="why">${why}</ol>
</body></html>
`;
}
