// The architecture rules that keep the model portable and the generations in one place (docs/ARCHITECTURE.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function files(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (n.endsWith('.ts')) out.push(p);
  }
  return out;
}

const browserSafe = ['src/model', 'src/kernels', 'src/inputs', 'src/trace', 'src/render', 'src/api', 'src/advise'];

test('the model, kernels, inputs, renderers and API import nothing from Node (they run in the browser)', () => {
  const offenders: string[] = [];
  for (const d of browserSafe) {
    for (const f of files(d)) {
      const src = readFileSync(f, 'utf8');
      if (/from\s+['"](node:|fs['"]|path['"]|os['"]|child_process|zlib['"])/.test(src) || /\bprocess\.|\bBuffer\./.test(src)) offenders.push(f);
    }
  }
  assert.deepEqual(offenders, []);
});

test('no kernel-version comparison outside src/kernels/ (the model receives a profile, not a version)', () => {
  const offenders: string[] = [];
  for (const d of ['src/model', 'src/render', 'src/trace', 'src/inputs/fdt', 'src/api', 'src/cli', 'src/advise']) {
    for (const f of files(d)) {
      const src = readFileSync(f, 'utf8').replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
      if (/generation\s*[!=]==|version\.(major|minor)\s*[<>=]|['"](5\.10|6\.1|6\.12|7\.2)['"]\s*[:)]?/.test(src)) offenders.push(f);
    }
  }
  assert.deepEqual(offenders, []);
});
