// The bundled command (dist/bootmap.mjs, scripts/build.mjs) answers exactly as the TypeScript sources do,
// and the benchmark machines are what they claim to be.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GiB, manyRegionsDtb, TiB } from '../../bench/scenarios.ts';
import { parseFdt } from '../../src/inputs/fdt/check.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = `${root}bin/bootmap.mjs`;

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
}

test('the bundle and the TypeScript sources print the same answers (when a bundle is there)', { skip: !existsSync(`${root}dist/bootmap.mjs`) && 'no dist/ (npm run build)' }, () => {
  for (const args of [
    ['predict', '--machine', 'qemu-virt', '--ram', '4G', '--cmdline', 'crashkernel=512M'],
    ['predict', '--machine', 'qemu-virt', '--ram', '2G', '--smp', '2', '--kernel', 'debian-5.10', '--format', 'json', '--cmdline', 'crashkernel=256M'],
    ['predict', '--machine', 'qemu-virt', '--ram', '1G', '--cmdline', 'crashkernel=8G'],
    ['predict', '--dtb', '/nonexistent.dtb'],
  ]) {
    const a = run(args);
    const b = run(args, { BOOTMAP_NO_BUNDLE: '1' });
    assert.equal(a.status, b.status, args.join(' '));
    assert.equal(a.stdout, b.stdout, args.join(' '));
    assert.equal(a.stderr, b.stderr, args.join(' '));
  }
});

test('the bundle lists its sources, all under src/ and all present', { skip: !existsSync(`${root}dist/bootmap.inputs.json`) && 'no dist/' }, () => {
  const { inputs } = JSON.parse(readFileSync(`${root}dist/bootmap.inputs.json`, 'utf8')) as { inputs: string[] };
  assert.ok(inputs.includes('src/cli/main.ts'));
  for (const p of inputs) {
    assert.ok(p.startsWith('src/'), p);
    assert.ok(existsSync(`${root}${p}`), p);
  }
});

test('a reader that goes away (`bootmap demo | head`) ends the command quietly', () => {
  const r = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" demo | head -c 10 >/dev/null`], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.doesNotMatch(r.stderr, /EPIPE/);
});

test('bench machines: n memory nodes holding the RAM, none adjacent', () => {
  for (const [ram, n] of [[1n * GiB, 1], [16n * TiB, 64], [64n * GiB, 1024]] as const) {
    const f = parseFdt(manyRegionsDtb(ram, n), 'bench.dtb');
    assert.ok(f.ok);
    const mems = f.value.root.children.filter((c) => c.name.startsWith('memory@'));
    assert.equal(mems.length, n);
    let total = 0n;
    let prevEnd = -1n;
    for (const m of mems) {
      const v = new DataView(m.props.find((p) => p.name === 'reg')!.value.buffer, m.props.find((p) => p.name === 'reg')!.value.byteOffset);
      const base = v.getBigUint64(0);
      const size = v.getBigUint64(8);
      assert.ok(base > prevEnd, 'a hole before each region');
      prevEnd = base + size;
      total += size;
    }
    assert.equal(total, ram);
  }
});
