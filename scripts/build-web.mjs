#!/usr/bin/env node
// Builds the page: web/main.ts and the model it imports into web/dist/app.js (one browser bundle), plus index.html.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'web/dist');
mkdirSync(out, { recursive: true });
await build({ entryPoints: [join(root, 'web/main.ts')], bundle: true, format: 'iife', platform: 'browser', target: 'es2022', outfile: join(out, 'app.js'), logLevel: 'warning', minify: true });
copyFileSync(join(root, 'web/index.html'), join(out, 'index.html'));
if (!process.argv.includes('--quiet')) console.log(`web page built in ${out}`);
