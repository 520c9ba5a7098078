// The self-contained HTML report (`bootmap predict --format html`) rendered by Debian's Chromium through Playwright:
// the map's SVG is in the rendered page with one shape per reservation, the crash line is shown, no script or
// resource errors, and a screenshot of the map, decoded, is not blank and shows the crash region. Skipped, with
// the reason, where /usr/bin/chromium is not installed (.ci/run installs it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { predict } from '../../src/api/predict.ts';
import { dmesgLines } from '../../src/render/dmesg.ts';
import { renderHtml } from '../../src/render/html.ts';
import { pngStats } from './png-stats.ts';

const CHROMIUM = '/usr/bin/chromium';

test('the HTML report renders in Chromium with its map drawn', { skip: existsSync(CHROMIUM) ? false : 'no /usr/bin/chromium (.ci/run installs it)', timeout: 120000 }, async () => {
  const r = predict({ machine: { type: 'qemu-virt', ramBytes: 4n << 30n, smp: 2 }, kernel: 'debian-6.12', cmdline: 'crashkernel=512M,high' });
  assert.ok(r.ok);
  const html = renderHtml(r.value);
  const file = join(mkdtempSync(join(tmpdir(), 'bootmap-html-')), 'map.html');
  writeFileSync(file, html);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
  const errors: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    await page.goto(`file://${file}`);
    const svg = page.locator('svg').first();
    await svg.waitFor();
    const items = await page.locator('svg rect.item').count();
    assert.equal(items, (html.match(/<rect class="item"/g) ?? []).length, 'every reservation of the report is a shape in the rendered page');
    assert.ok(items > 5);
    const crash = dmesgLines(r.value.trace).find((l) => l.text.startsWith('crashkernel reserved'))!.text;
    assert.equal(crash, 'crashkernel reserved: 0x000000011b600000 - 0x000000013b600000 (512 MB)');
    assert.ok((await page.locator('body').innerText()).includes(crash), 'the crash line is on the page');
    const shot = pngStats(await svg.screenshot());
    assert.ok(shot.width > 300 && shot.height > 40, `${shot.width}×${shot.height}`);
    assert.ok(shot.distinctColours >= 6, `${shot.distinctColours} colours: the map is drawn`);
    assert.ok(shot.nonWhiteShare > 0.05, `only ${(shot.nonWhiteShare * 100).toFixed(1)} % of the map is not white`);
    assert.ok(shot.count('#d62728') >= 40, 'the crash kernel is drawn (its legend swatch)');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
