// `bootmap explore`: the corpus parses with the DMA limits it claims, every (strategy, platform, granule) has a
// row with consistent fields, the strategies differ the way the kernels' code says, 16 TiB is cheap, the SVG is
// well-formed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GRANULES, PLATFORMS, STRATEGIES, runExplore, type ExploreRow } from '../../src/explore/index.ts';
import { parseFdt } from '../../src/inputs/fdt/check.ts';
import { ofDmaGetMaxCpuAddress, PHYS_ADDR_MAX } from '../../src/model/of-address.ts';
import { renderExploreJson, renderExploreSvg, renderExploreTable } from '../../src/render/explore.ts';
import { main } from '../../src/cli/main.ts';

const M = 1n << 20n;
const G = 1n << 30n;
// The device DMA limits the corpus is meant to have: 30-bit on the Pi 4, 32-bit on i.MX8, none on servers.
const DMA: Record<string, bigint | null> = { rpi4: G, imx8: 4n * G, server: null };

const x = runExplore();

test('corpus: every tree parses, declares its banks, and has the DMA limit of its class', () => {
  for (const p of PLATFORMS) {
    const f = parseFdt(p.dtb(), p.id);
    assert.ok(f.ok, p.id);
    const max = ofDmaGetMaxCpuAddress(f.value);
    assert.equal(max === PHYS_ADDR_MAX ? null : max + 1n, DMA[p.family], p.id);
    assert.equal(p.banks.reduce((n, b) => n + b.size, 0n), p.ramBytes);
  }
  assert.ok(PLATFORMS.some((p) => p.ramBytes === 16n << 40n));
});

test('a row for every (strategy, platform, granule), once', () => {
  assert.equal(x.rows.length, STRATEGIES.length * PLATFORMS.length * GRANULES.length);
  const keys = new Set(x.rows.map((r) => `${r.strategy}|${r.platform}|${r.granule}`));
  assert.equal(keys.size, x.rows.length);
  assert.equal(x.strategies.filter((s) => s.hypothetical).map((s) => s.id).join(), 'd');
});

function reach(r: ExploreRow): string {
  if (r.failure !== null) return 'failed';
  const lim = DMA[r.family];
  if (lim === null) return 'yes';
  const m = r.crash[0];
  if (m.base + m.size <= lim) return 'yes';
  const low = r.crash.find((c) => c.name === 'crashkernel low');
  if (low && low.base + low.size <= lim) return 'low region';
  return m.base < lim ? 'partly' : 'no';
}

test('rows are consistent: region size, alignment, DMA reach, costs', () => {
  for (const r of x.rows) {
    const id = `${r.strategy} ${r.platform} ${r.granule}`;
    if (r.failure === null) {
      assert.equal(r.crash[0].size, 512n * M, id);
      assert.equal(r.crash[0].base % (2n * M), 0n, id);
      assert.ok(r.crashMappings, id);
    }
    assert.equal(r.dmaReachable, reach(r), id);
    assert.ok(r.pageTableBytes > 0n && r.pageTableBytes % BigInt(r.granule) === 0n, id);
    assert.equal(r.mappedBytes, r.ramBytes - PLATFORMS.find((p) => p.id === r.platform)!.nomap.reduce((n, b) => n + b.size, 0n), id);
    assert.equal(r.averageTlbReach, r.mappedBytes / r.tlbEntries, id);
  }
});

test('the strategies differ as the kernels\' code says', () => {
  const at = (s: string, p: string, g: number) => x.rows.find((r) => r.strategy === s && r.platform === p && r.granule === g)!;
  for (const p of PLATFORMS) {
    for (const g of GRANULES) {
      const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((s) => at(s, p.id, g));
      // (a) maps everything by pages (the kernel alias alone keeps blocks): the most tables, ~one TLB entry a page.
      assert.ok(a.averageTlbReach < 2n * BigInt(g), `${p.id} ${g}`);
      assert.deepEqual(a.crashMappings, { PTE: 512n * M / BigInt(g), CONT_PTE: 0n, PMD: 0n, CONT_PMD: 0n, PUD: 0n });
      for (const o of [b, c, d]) assert.ok(a.pageTableBytes >= o.pageTableBytes, `${p.id} ${g}`);
      assert.equal(a.protectable, true);
      assert.equal(b.protectable, true);
      assert.equal(c.protectable, false);
      assert.equal(d.protectable, true);
      assert.equal(d.straddling, 0n);
      // (d) only splits blocks at the region's edges: the same region as (c), at most a few tables more.
      assert.deepEqual(d.crash, c.crash);
      assert.ok(d.pageTableBytes - c.pageTableBytes <= 4n * BigInt(g), `${p.id} ${g}`);
      // (b) reserves before the DMA limits are known: top of RAM, out of reach of a 30-bit Pi 4's devices.
      if (p.family === 'rpi4') assert.equal(b.dmaReachable, 'no');
    }
  }
});

test('16 TiB runs without per-page work (measured)', () => {
  const t0 = performance.now();
  const r = runExplore({ platforms: PLATFORMS.filter((p) => p.id === 'server-16t') });
  const ms = performance.now() - t0;
  console.log(`  server-16t, ${r.rows.length} runs: ${ms.toFixed(0)} ms`);
  assert.ok(ms < 20000);
  const a4k = r.rows.find((q) => q.strategy === 'a' && q.granule === 4096)!;
  // 16 TiB by 4 KiB pages: at least one pte table per 2 MiB, 32 GiB of tables.
  assert.ok(a4k.pageTableBytes >= (16n << 40n) / (2n * M) * 4096n);
});

/** A minimal XML check: tags balance, one <svg> root with numeric width and height. */
function checkSvg(s: string): void {
  const body = s.replace(/<\?xml[^>]*\?>/, '').trim();
  const tags = body.match(/<[^>]+>/g) ?? [];
  const stack: string[] = [];
  let roots = 0;
  for (const t of tags) {
    if (t.startsWith('<!--')) continue;
    const name = /^<\/?([A-Za-z][\w:-]*)/.exec(t)?.[1];
    assert.ok(name, `bad tag ${t}`);
    if (t.startsWith('</')) assert.equal(stack.pop(), name, `unbalanced </${name}>`);
    else if (!t.endsWith('/>')) { if (stack.length === 0) roots++; stack.push(name); }
    else if (stack.length === 0) roots++;
  }
  assert.deepEqual(stack, []);
  assert.equal(roots, 1);
  const root = /^<svg\b([^>]*)>/.exec(body);
  assert.ok(root, 'root is <svg>');
  assert.match(root[1], /\bwidth="\d+(\.\d+)?"/);
  assert.match(root[1], /\bheight="\d+(\.\d+)?"/);
  assert.match(root[1], /xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.ok(!/&(?!amp;|lt;|gt;|quot;|#)/.test(body), 'raw ampersand');
}

test('SVG chart is well-formed, with a bar per row', () => {
  const svg = renderExploreSvg(x);
  checkSvg(svg);
  assert.equal((svg.match(/<rect [^>]*><title>/g) ?? []).length, x.rows.length);
});

test('table and JSON renderings', () => {
  const t = renderExploreTable(x);
  for (const p of PLATFORMS) assert.ok(t.includes(p.id));
  const j = JSON.parse(renderExploreJson(x));
  assert.equal(j.rows.length, x.rows.length);
  assert.equal(typeof j.rows[0].pageTableBytes, 'number');
});

test('CLI: explore --format svg --granule 64K --platform rpi4-4g, and bad options exit 2', async () => {
  let out = '';
  const io = { out: (s: string) => { out += s; return true; }, err: () => true };
  assert.equal(await main(['explore', '--format', 'svg', '--granule', '64K', '--platform', 'rpi4-4g'], io), 0);
  checkSvg(out);
  assert.equal(await main(['explore', '--platform', 'nope'], io), 2);
  assert.equal(await main(['explore', '--granule', '8K'], io), 2);
  assert.equal(await main(['explore', '--crash-size', '3M'], io), 2);
});
