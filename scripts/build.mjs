#!/usr/bin/env node
// Bundles the CLI (src/cli/main.ts and everything it imports) into dist/bootmap.mjs with esbuild, so
// `bootmap` starts without tsx compiling TypeScript at every run. Dynamic imports become separate chunks
// (dist/chunk-*.mjs), loaded only by the commands that need them. dist/bootmap.inputs.json lists the
// source files of the bundle: bin/bootmap.mjs uses the bundle only while none of them is newer than it.
// Run by `npm run build` and by npm's `prepare` (so `npm install` in a clone produces dist/).
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const quiet = process.argv.includes('--quiet');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
/**
 * Loads a dependency on first use instead of at start-up: its module is replaced by functions that
 * require() it when first called (fflate builds its Huffman tables when evaluated, ~5 ms, and only
 * commands reading a compressed kernel image need it).
 */
function lazyDependency(name) {
  return {
    name: `lazy-${name}`,
    setup(b) {
      b.onResolve({ filter: new RegExp(`^${name}$`) }, (a) => (a.namespace === 'lazy' ? undefined : { path: name, namespace: 'lazy' }));
      b.onLoad({ filter: /.*/, namespace: 'lazy' }, async () => {
        const mod = await import(name);
        const names = Object.keys(mod).filter((k) => k !== 'default' && typeof mod[k] === 'function');
        const body = names.map((k) => `export function ${k}(...a) { const f = load().${k}; return new.target ? new f(...a) : f(...a); }`);
        return {
          resolveDir: root,
          contents: `import { createRequire } from 'node:module';\nlet m;\nconst load = () => (m ??= createRequire(import.meta.url)(${JSON.stringify(name)}));\n${body.join('\n')}\n`,
        };
      });
    },
  };
}

/**
 * commander require()s node:child_process when evaluated, for external subcommands bootmap never has: a
 * proxy loads it on first use instead (~6 ms of every start).
 */
const lazyChildProcessForCommander = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (a) => (/node_modules[\\/]commander[\\/]/.test(a.importer) ? { path: 'child_process', namespace: 'lazy-cp' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy-cp' }, () => ({
      loader: 'js',
      contents: "let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require('node:child_process'))[k] });",
    }));
  },
};

const started = performance.now();
const result = await build({
  absWorkingDir: root,
  entryPoints: { bootmap: 'src/cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // commander is bundled (ESM, no CommonJS export scan at start-up: ~10 ms); the other runtime dependencies
  // (fflate, @noble/hashes) stay in node_modules, loaded on first use
  external: ['fflate', '@noble/hashes', '@noble/hashes/*'],
  // commander's require('node:child_process') etc. in an ES module
  banner: { js: "import { createRequire as __bootmapRequire } from 'node:module'; const require = __bootmapRequire(import.meta.url);" },
  sourcemap: 'linked',
  legalComments: 'none',
  metafile: true,
  plugins: [lazyDependency('fflate'), lazyChildProcessForCommander],
  logLevel: 'warning',
});
const inputs = Object.keys(result.metafile.inputs).filter((p) => p.startsWith('src/')).sort();
writeFileSync(join(out, 'bootmap.inputs.json'), JSON.stringify({ built: new Date().toISOString(), inputs }, null, 1) + '\n');
if (!quiet) {
  const bytes = Object.entries(result.metafile.outputs).filter(([p]) => p.endsWith('.mjs')).reduce((t, [, o]) => t + o.bytes, 0);
  console.log(`dist/bootmap.mjs: ${inputs.length} sources, ${(bytes / 1024).toFixed(0)} KiB, ${(performance.now() - started).toFixed(0)} ms`);
}
