// The HTML report rendered by Debian's Chromium (headless): the map's shapes are in the rendered DOM and the
// screenshot is not blank. Skipped, with the reason, where /usr/bin/chromium is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { predict } from '../../src/api/predict.ts';
import { renderHtml } from '../../src/render/html.ts';

const CHROMIUM = '/usr/bin/chromium';
const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

test('the HTML report renders in Chromium with its map drawn', { skip: existsSync(CHROMIUM) ? false : 'no /usr/bin/chromium (.ci/run installs it)' }, () => {
  const r = predict({ machine: { type: 'qemu-virt', ramBytes: 4n << 30n, smp: 2 }, kernel: 'debian-6.12', cmdline: 'crashkernel=512M,high' });
  assert.ok(r.ok);
  const dir = mkdtempSync(join(tmpdir(), 'bootmap-web-'));
  const page = join(dir, 'map.html');
  writeFileSync(page, renderHtml(r.value));
  const common = [...flags, `--user-data-dir=${join(dir, 'ud')}`];
  const dom = execFileSync(CHROMIUM, [...common, '--dump-dom', `file://${page}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60000 });
  assert.ok((dom.match(/<rect class="item"/g) ?? []).length > 5, 'the map shapes are in the rendered DOM');
  assert.match(dom, /crashkernel reserved: 0x000000011b600000 - 0x000000013b600000 \(512 MB\)/);
  const png = join(dir, 'map.png');
  execFileSync(CHROMIUM, [...common, '--window-size=1000,400', `--screenshot=${png}`, `file://${page}`], { stdio: 'ignore', timeout: 60000 });
  const bytes = readFileSync(png);
  assert.equal(bytes.readUInt32BE(0), 0x89504e47, 'a PNG');
  // A blank white 1000×400 page compresses to a few KiB; the drawn map and text take far more.
  assert.ok(statSync(png).size > 20000, `screenshot of ${statSync(png).size} bytes looks blank`);
});
