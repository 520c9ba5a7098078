#!/usr/bin/env node
// The bootmap command. Runs the bundle dist/bootmap.mjs (built by scripts/build.mjs, `npm run build`, and
// by `npm install` through `prepare`) when it exists and none of its sources is newer than it; otherwise
// loads the TypeScript CLI through tsx, so a developer's edits are never hidden by a stale bundle.
// BOOTMAP_NO_BUNDLE=1 forces the TypeScript route.
import module from 'node:module';
import { readFileSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// V8's allocation-site pretenuring misjudges the model's objects (a prediction's trace and regions live
// exactly one prediction): with it, scavenges keep ~2 MB of dead predictions per collection alive until a
// full GC, and GC takes 3-4x longer. Off for this process and its sweep workers (docs/PERFORMANCE.md).
setFlagsFromString('--no-allocation-site-pretenuring');
// Node 22.1+ keeps V8's compiled code of our modules on disk between runs; Node 20 has no such cache.
module.enableCompileCache?.();

const root = new URL('../', import.meta.url);
const bundle = new URL('dist/bootmap.mjs', root);

/** No source of the bundle is newer than it. */
function bundleIsFresh() {
  if (process.env.BOOTMAP_NO_BUNDLE) return false;
  try {
    const built = statSync(bundle).mtimeMs;
    const { inputs } = JSON.parse(readFileSync(new URL('dist/bootmap.inputs.json', root), 'utf8'));
    for (const p of inputs) if (statSync(new URL(p, root)).mtimeMs > built) return false;
    return true;
  } catch {
    return false; // no bundle, or a source of it was removed
  }
}

// `bootmap … | head`: a reader that went away is not an error
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
let main;
if (bundleIsFresh()) {
  ({ main } = await import(bundle.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
