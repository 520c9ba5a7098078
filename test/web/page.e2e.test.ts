// The page end to end, driven like a user through Playwright and Debian's Chromium (/usr/bin/chromium; .ci/run
// installs it): the real page server (src/cli/serve.ts) on an ephemeral loopback port serves the page built from
// the current sources; the test picks a preset, types command lines, ticks two kernels, uploads and drops real
// DTBs (conformance/fixtures), and checks the map, the memory lines, the reasons and the diff against the model
// run here in Node, plus screenshots of the map decoded pixel by pixel. Skipped, with the reason, without Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Page } from 'playwright-core';
import { pageServer } from '../../src/cli/serve.ts';
import { kexecPlan } from '../../src/api/kexec.ts';
import { predict, type PredictOptions } from '../../src/api/predict.ts';
import type { Prediction } from '../../src/kernels/boot.ts';
import { dmesgLines } from '../../src/render/dmesg.ts';
import { explainPrediction } from '../../src/render/explain.ts';
import { diffPredictions } from '../../src/render/diff.ts';
import { renderSvg } from '../../src/render/svg.ts';
import { pngStats } from './png-stats.ts';

// The browser's globals the callbacks below use when Playwright runs them in the page (this project has no DOM lib).
declare const document: { getElementById(id: string): { textContent: string | null; dispatchEvent(e: unknown): boolean } | null };
declare const DataTransfer: new () => { items: { add(f: unknown): void } };
declare const DragEvent: new (type: string, init: object) => unknown;

const CHROMIUM = '/usr/bin/chromium';
const CRASH_COLOUR = '#d62728'; // src/render/svg.ts: the crash kernel's legend swatch, drawn opaque
const skip = existsSync(CHROMIUM) ? false : 'no /usr/bin/chromium (.ci/run installs it with apt-get)';

/** The page as scripts/build-web.mjs builds it, from the current sources, into a fresh directory. */
async function buildPage(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'bootmap-page-e2e-'));
  await build({ entryPoints: ['web/main.ts'], bundle: true, format: 'iife', platform: 'browser', target: 'es2022', outfile: join(root, 'app.js'), logLevel: 'warning', minify: true });
  copyFileSync('web/index.html', join(root, 'index.html'));
  return root;
}

function model(o: PredictOptions): Prediction {
  const r = predict(o);
  assert.ok(r.ok, !r.ok ? r.error.code : '');
  return r.value;
}

const crashLine = (p: Prediction) => dmesgLines(p.trace).find((l) => /^crashkernel reserved/.test(l.text))?.text;

/** What one kernel's section shows, read from the DOM. */
async function section(page: Page, kernel: string) {
  return page.locator(`section.kernel[data-kernel="${kernel}"]`).evaluate((s) => ({
    lines: s.querySelector('pre.lines')!.textContent!,
    reasons: [...s.querySelectorAll('details li')].map((li) => li.textContent!),
    items: s.querySelectorAll('.map svg rect.item').length,
  }));
}

/** Every ticked kernel's section agrees with the model: the lines word for word, the reasons, the map's shapes. */
async function assertSections(page: Page, preds: Prediction[]) {
  const shown = await page.locator('section.kernel').evaluateAll((ss) => ss.map((s) => s.getAttribute('data-kernel')));
  assert.deepEqual(shown, preds.map((p) => p.profile.name), 'one section per ticked kernel, in order');
  for (const p of preds) {
    const s = await section(page, p.profile.name);
    assert.equal(s.lines, dmesgLines(p.trace).map((l) => l.text).join('\n'), `${p.profile.name}: the memory lines`);
    assert.deepEqual(s.reasons, explainPrediction(p), `${p.profile.name}: the reasons`);
    assert.equal(s.items, (renderSvg(p, { width: 900 }).match(/<rect class="item"/g) ?? []).length, `${p.profile.name}: one shape per reservation`);
  }
  const diff = await page.locator('#diff').textContent();
  assert.ok(diff?.includes(`${preds[0].profile.name} → ${preds[1].profile.name}: what moved`));
  const moved = diffPredictions(preds[0], preds[1]);
  assert.ok(moved.length > 0, 'these two kernels print different lines');
  for (const e of moved) {
    assert.ok(diff!.includes(`@@ ${e.kind}`), e.kind);
    for (const t of e.a) assert.ok(diff!.includes(`- ${t}`), `diff shows - ${t}`);
    for (const t of e.b) assert.ok(diff!.includes(`+ ${t}`), `diff shows + ${t}`);
  }
}

async function mapShot(page: Page, kernel: string) {
  return pngStats(await page.locator(`section.kernel[data-kernel="${kernel}"] .map svg`).screenshot());
}

test('the page in Chromium, driven like a user: preset, command line, two kernels, DTB upload and drop', { skip, timeout: 180000 }, async () => {
  const server = pageServer(await buildPage());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
  const errors: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => void (m.type() === 'error' && errors.push(`console: ${m.text()}`)));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.locator('section.kernel').first().waitFor();

    // A preset, a command line, two kernels.
    await page.selectOption('#preset', 'virt-2g');
    assert.equal(await page.inputValue('#ram'), '2G');
    assert.equal(await page.textContent('#source'), 'QEMU virt, 2 GiB, 2 CPUs');
    await page.fill('#cmdline', 'crashkernel=256M');
    await page.uncheck('#k-debian-6\\.1');
    await page.uncheck('#k-debian-7\\.2');
    await page.check('#k-debian-5\\.10');
    await page.check('#k-debian-6\\.12');
    const virt = (kernel: string, cmdline: string) => model({ machine: { type: 'qemu-virt', ramBytes: 2n << 30n, smp: 2 }, kernel, cmdline });
    let preds = ['debian-5.10', 'debian-6.12'].map((k) => virt(k, 'crashkernel=256M'));
    await assertSections(page, preds);
    const before = crashLine(preds[1])!;
    assert.match(before, /\(256 MB\)$/);
    // Each kernel's kdump verdict, as `bootmap kexec` gives it for the same machine.
    for (const k of ['debian-5.10', 'debian-6.12']) {
      const plan = kexecPlan({ first: { machine: { type: 'qemu-virt', ramBytes: 2n << 30n, smp: 2 }, kernel: k, cmdline: 'crashkernel=256M' } });
      assert.ok(plan.ok);
      const text = await page.locator(`section.kernel[data-kernel="${k}"] .kdump`).textContent();
      assert.ok(text?.startsWith(`kdump kernel: ${plan.value.verdict.lives ? 'lives' : 'dies'} — ${plan.value.verdict.reasons[0]}`), `${k}: ${text}`);
    }
    const shot = await mapShot(page, 'debian-6.12');
    assert.ok(shot.width > 400 && shot.height > 40, `${shot.width}×${shot.height}`);
    assert.ok(shot.distinctColours >= 6, `${shot.distinctColours} colours: the map is drawn`);
    assert.ok(shot.nonWhiteShare > 0.05, `only ${(shot.nonWhiteShare * 100).toFixed(1)} % of the map is not white`);
    assert.ok(shot.count(CRASH_COLOUR) >= 40, 'the crash kernel is drawn (its legend swatch)');

    // A misspelt crashkernel= reserves nothing, and each kernel says which words it hands to init.
    await page.fill('#cmdline', 'crashkernal=256M');
    for (const k of ['debian-5.10', 'debian-6.12']) {
      const text = await page.locator(`section.kernel[data-kernel="${k}"] .unknown.warn`).textContent();
      assert.match(text ?? '', /crashkernal=256M: did you mean crashkernel\?/, `${k}: ${text}`);
    }
    assert.equal(crashLine(virt('debian-6.12', 'crashkernal=256M')), undefined);

    // Another size: the crash line moves with it.
    await page.fill('#cmdline', 'crashkernel=512M');
    preds = ['debian-5.10', 'debian-6.12'].map((k) => virt(k, 'crashkernel=512M'));
    await assertSections(page, preds);
    const after = crashLine(preds[1])!;
    assert.match(after, /\(512 MB\)$/);
    assert.ok(!(await section(page, 'debian-6.12')).lines.includes(before), 'the 256 MB line is gone');

    // No crashkernel=: nothing red on the map any more.
    await page.fill('#cmdline', 'console=ttyAMA0');
    preds = ['debian-5.10', 'debian-6.12'].map((k) => virt(k, 'console=ttyAMA0'));
    await assertSections(page, preds);
    assert.equal(crashLine(preds[1]), undefined);
    const plain = await mapShot(page, 'debian-6.12');
    assert.equal(plain.count(CRASH_COLOUR), 0, 'no crash region drawn');
    assert.ok(plain.distinctColours >= 4, 'the rest of the map is still drawn');

    // A real DTB through the file input: a 31-bit dma-ranges limit.
    const dma31 = 'conformance/fixtures/dma31-ck256m/machine.dtb';
    await page.fill('#cmdline', 'crashkernel=512M');
    await page.setInputFiles('#file', dma31);
    await page.waitForFunction(() => document.getElementById('source')!.textContent === 'DTB: machine.dtb');
    assert.equal(await page.inputValue('#preset'), 'dtb');
    const dtb = { bytes: new Uint8Array(readFileSync(dma31)), file: 'machine.dtb' };
    preds = ['debian-5.10', 'debian-6.12'].map((kernel) => model({ dtb, kernel, cmdline: 'crashkernel=512M' }));
    assert.equal(preds[1].dma!.dmaPhysLimit, 0x80000000n, 'the fixture limits ZONE_DMA to 2 GiB');
    await assertSections(page, preds);
    assert.match(crashLine(preds[1])!, /\(512 MB\)$/);
    const dtbShot = await mapShot(page, 'debian-6.12');
    assert.ok(dtbShot.count(CRASH_COLOUR) >= 40 && dtbShot.distinctColours >= 6);

    // Another DTB dropped on the drop zone, the command line left empty: its own bootargs (crashkernel=256M) apply.
    const virt2g = 'conformance/fixtures/virt-2g-ck256m/machine.dtb';
    await page.fill('#cmdline', '');
    await page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'virt-2g.dtb'));
      document.getElementById('drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, readFileSync(virt2g).toString('base64'));
    await page.waitForFunction(() => document.getElementById('source')!.textContent === 'DTB: virt-2g.dtb');
    const dropped = { bytes: new Uint8Array(readFileSync(virt2g)), file: 'virt-2g.dtb' };
    preds = ['debian-5.10', 'debian-6.12'].map((kernel) => model({ dtb: dropped, kernel }));
    assert.match(preds[1].cmdline, /crashkernel=256M/);
    await assertSections(page, preds);

    // Back to a preset: the DTB is dropped, the preset's machine is used.
    await page.selectOption('#preset', 'virt-4g-max');
    await page.fill('#cmdline', 'crashkernel=256M');
    preds = ['debian-5.10', 'debian-6.12'].map((kernel) => model({ machine: { type: 'qemu-virt', ramBytes: 4n << 30n, smp: 4, cpu: 'max' }, kernel, cmdline: 'crashkernel=256M' }));
    await assertSections(page, preds);
    assert.deepEqual(errors, [], 'no script errors and no CSP violations');
  } finally {
    await browser.close();
    server.close();
  }
});
