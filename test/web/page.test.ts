// The page's server: loopback only, no path outside the page, a restrictive CSP. The page itself, in Chromium,
// is driven end to end by page.e2e.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { pageServer } from '../../src/cli/serve.ts';

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
