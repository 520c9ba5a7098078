// Every malformed input through the CLI: exit code 2 and one line naming the input, never a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';

const dir = mkdtempSync(join(tmpdir(), 'bootmap-bad-'));
const file = (name: string, bytes: Uint8Array | string) => {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
};

function validDtbHeaderOnly(totalsize: number): Uint8Array {
  const b = new Uint8Array(64);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 0xd00dfeed);
  dv.setUint32(4, totalsize);
  dv.setUint32(8, 0x38);
  dv.setUint32(12, 0x40);
  dv.setUint32(16, 0x28);
  dv.setUint32(20, 17);
  dv.setUint32(24, 16);
  return b;
}

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => ((out += s), true), err: (s) => ((err += s), true) });
  return { code, out, err };
}

const cases: [string, () => string[]][] = [
  ['missing DTB file', () => ['predict', '--dtb', join(dir, 'nope.dtb')]],
  ['DTB with bad magic', () => ['predict', '--dtb', file('magic.dtb', 'this is not a devicetree blob at all')]],
  ['empty DTB', () => ['predict', '--dtb', file('empty.dtb', new Uint8Array())]],
  ['DTB whose totalsize exceeds the file', () => ['predict', '--dtb', file('trunc.dtb', validDtbHeaderOnly(0x1000))]],
  ['DTB header whose blocks lie outside totalsize', () => ['predict', '--dtb', file('blocks.dtb', validDtbHeaderOnly(64))]],
  ['unknown kernel profile', () => ['predict', '--machine', 'qemu-virt', '--kernel', 'debian-9.9']],
  ['kernel image that is no image', () => ['predict', '--machine', 'qemu-virt', '--kernel', file('vmlinuz', 'MZ garbage')]],
  ['malformed --ram', () => ['predict', '--machine', 'qemu-virt', '--ram', 'lots']],
  ['unknown machine', () => ['predict', '--machine', 'pdp11']],
  ['bad --smp', () => ['predict', '--machine', 'qemu-virt', '--smp', '0']],
  ['bad --format', () => ['predict', '--machine', 'qemu-virt', '--format', 'yaml']],
  ['--loader at without addresses', () => ['predict', '--machine', 'qemu-virt', '--loader', 'at']],
  ['malformed kernel config', () => ['predict', '--machine', 'qemu-virt', '--config', file('config', 'CONFIG_ARM64=y\nthis is garbage\n')]],
  ['neither --dtb nor --machine', () => ['predict']],
  ['unknown option', () => ['predict', '--frobnicate']],
];

for (const [name, args] of cases) {
  test(`bad input: ${name} → exit 2, one line, no stack`, async () => {
    const r = await run(args());
    assert.equal(r.code, 2, `exit code (stderr: ${r.err})`);
    const lines = r.err.trimEnd().split('\n');
    assert.equal(lines.length, 1, `one line, got: ${r.err}`);
    assert.doesNotMatch(r.err, /\n\s+at /);
    assert.match(r.err, /^(bootmap: |error: )/);
  });
}

test('good input: the machine preset predicts and exits 0', async () => {
  const r = await run(['predict', '--machine', 'qemu-virt', '--ram', '4G', '--smp', '2', '--cmdline', 'crashkernel=256M', '--kernel', 'debian-6.1']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^crashkernel reserved: 0x00000000ec000000 - 0x00000000fc000000 \(256 MB\)$/m);
});

test('a reservation the prediction says fails exits 1', async () => {
  const r = await run(['predict', '--machine', 'qemu-virt', '--ram', '4G', '--cmdline', 'crashkernel=8G', '--kernel', 'debian-6.1']);
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, /cannot allocate crashkernel \(size:0x200000000\)/);
});
