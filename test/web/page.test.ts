// The page and its server: loopback only, no path outside the page, a restrictive CSP; in Chromium the model
// runs in the browser and shows each ticked kernel's lines and the diff between them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pageServer } from '../../src/cli/serve.ts';
import { predict } from '../../src/api/predict.ts';
import { dmesgLines } from '../../src/render/dmesg.ts';

const CHROMIUM = '/usr/bin/chromium';
const root = 'web/dist';
if (!existsSync(join(root, 'app.js'))) spawnSync(process.execPath, ['scripts/build-web.mjs', '--quiet'], { stdio: 'inherit' });

function get(port: number, path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the page server: loopback, static root only, CSP, no uploads', async () => {
  const server = pageServer(root);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  assert.ok(addr && typeof addr === 'object' && addr.address === '127.0.0.1');
  const port = addr.port;
  try {
    const index = await get(port, '/');
    assert.equal(index.status, 200);
    assert.match(String(index.headers['content-security-policy']), /default-src 'none'/);
    assert.equal((await get(port, '/app.js')).status, 200);
    for (const p of ['/../package.json', '/%2e%2e/package.json', '/..%2f..%2fpackage.json']) assert.ok([403, 404].includes((await get(port, p)).status), p);
    assert.equal((await get(port, '/', 'POST')).status, 405);
  } finally {
    server.close();
  }
});

test('the page in Chromium: the model runs in the browser, two kernels and their diff', { skip: existsSync(CHROMIUM) ? false : 'no /usr/bin/chromium (.ci/run installs it)' }, async () => {
  const server = pageServer(root);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const dir = mkdtempSync(join(tmpdir(), 'bootmap-page-'));
    const url = `http://127.0.0.1:${port}/?ram=2G&smp=2&cmdline=crashkernel%3D256M&kernels=debian-6.1,debian-7.2`;
    const { stdout } = await promisify(execFile)(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${join(dir, 'ud')}`, '--virtual-time-budget=5000', '--dump-dom', url], { timeout: 90000, maxBuffer: 1 << 26 });
    for (const kernel of ['debian-6.1', 'debian-7.2']) {
      const r = predict({ machine: { type: 'qemu-virt', ramBytes: 2n << 30n, smp: 2 }, kernel, cmdline: 'crashkernel=256M' });
      assert.ok(r.ok);
      const crash = dmesgLines(r.value.trace).find((l) => l.text.startsWith('crashkernel reserved'))!.text;
      assert.ok(stdout.includes(crash), `${kernel}: ${crash} on the page`);
    }
    assert.match(stdout, /id="diff"/);
    assert.ok((stdout.match(/<rect class="item"/g) ?? []).length > 10, 'the maps are drawn');
  } finally {
    server.close();
  }
});
