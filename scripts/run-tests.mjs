#!/usr/bin/env node
// Runs the whole suite: the type check, then every test/**/*.test.ts under Node's own test runner (via tsx).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const only = process.argv.slice(2);
if (!only.length && !process.env.SKIP_TYPECHECK) {
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.'], { stdio: 'inherit' });
  // The page has its own project (DOM types): the model it imports is checked with it.
  const web = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'web'], { stdio: 'inherit' });
  if (tsc.status !== 0 || web.status !== 0) {
    console.error('type check failed');
    process.exit(1);
  }
}
const files = only.length ? only : find('test');
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
