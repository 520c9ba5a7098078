// The picture (SVG/HTML), explain and diff, on predictions checked against real kernels elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predict } from '../../src/api/predict.ts';
import type { Prediction } from '../../src/kernels/boot.ts';
import { renderSvg } from '../../src/render/svg.ts';
import { renderHtml } from '../../src/render/html.ts';
import { explainPrediction } from '../../src/render/explain.ts';
import { diffPredictions } from '../../src/render/diff.ts';

const run = (kernel: string, cmdline: string, ram = 2n << 30n): Prediction => {
  const r = predict({ machine: { type: 'qemu-virt', ramBytes: ram, smp: 2 }, kernel, cmdline });
  assert.ok(r.ok);
  return r.value;
};

/** Balanced tags and one root: a minimal well-formedness check. */
function wellFormed(xml: string, root: string): void {
  const stack: string[] = [];
  for (const m of xml.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
    if (m[3]) continue;
    if (m[1]) assert.equal(stack.pop(), m[2]);
    else stack.push(m[2]);
  }
  assert.deepEqual(stack, []);
  assert.match(xml, new RegExp(`^<${root}[ >]`));
}

test('the SVG is well-formed and draws the crash region with its exact addresses', () => {
  const p = run('debian-6.1', 'crashkernel=256M');
  const svg = renderSvg(p);
  wellFormed(svg.trim(), 'svg');
  assert.match(svg, /width="\d+" height="\d+"/);
  const c = p.crash!.main!;
  assert.ok(svg.includes(`crash kernel [0x${c.base.toString(16)}-0x${(c.base + c.size).toString(16)})`), 'the crash region with its exact range');
  assert.ok((svg.match(/class="item"/g) ?? []).length > 5);
});

test('a 16 TiB machine still shows its 64 MiB CMA area (minimum width)', () => {
  const p = run('debian-6.12', 'crashkernel=1G', 16n << 40n);
  const svg = renderSvg(p);
  const cma = /<rect class="item" data-label="CMA" x="[\d.]+" y="\d+" width="([\d.]+)"/.exec(svg);
  assert.ok(cma && Number(cma[1]) >= 3);
});

test('the HTML report is self-contained: the map, the lines and the reasons, no external requests', () => {
  const p = run('debian-7.2', 'crashkernel=512M,high', 4n << 30n);
  const html = renderHtml(p);
  assert.match(html, /<svg /);
  assert.match(html, /crashkernel reserved: /);
  assert.match(html, /<ol id="why">/);
  assert.doesNotMatch(html, /(src|href)="https?:/);
});

test('explain names the DMA limit and the placement, and for a failure a change that works', () => {
  const ok = explainPrediction(run('debian-6.1', 'crashkernel=256M'));
  assert.ok(ok.some((l) => /ZONE_DMA ends at 0xc0000000/.test(l)));
  assert.ok(ok.some((l) => /crashkernel: .*→ \[0xa9a00000, 0xb9a00000\)/.test(l)));
  const bad = run('debian-6.1', 'crashkernel=1900M');
  const lines = explainPrediction(bad, [{ cmdline: 'crashkernel=1024M', result: 'x' }]);
  assert.ok(lines.some((l) => /crashkernel FAILS/.test(l)));
});

test('diff between 6.1 and 7.2 on 2 GiB shows the moved CMA and crash lines', () => {
  const d = diffPredictions(run('debian-6.1', 'crashkernel=256M'), run('debian-7.2', 'crashkernel=256M'));
  const crash = d.find((e) => e.kind === 'crashkernel')!;
  assert.deepEqual(crash.a, ['crashkernel reserved: 0x00000000a9a00000 - 0x00000000b9a00000 (256 MB)']);
  assert.deepEqual(crash.b, ['crashkernel reserved: 0x00000000aba00000 - 0x00000000bba00000 (256 MB)']);
  assert.ok(d.some((e) => e.kind === 'cma'));
});
