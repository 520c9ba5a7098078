// `bootmap kexec` end to end on a recorded lifecycle guest's DTB: the JSON it prints agrees with what the guest
// recorded, the text says the verdict in one line, and bad input is one line with exit code 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { readLifecycleRecord } from '../../conformance/lifecycle/transcript.ts';

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => ((out += s), true), err: (s) => ((err += s), true) });
  return { code, out, err };
}

const rec = readLifecycleRecord('ck256-shrink-then-load', 'debian-6.1');
const dir = mkdtempSync(join(tmpdir(), 'bootmap-kexec-'));
const dtb = join(dir, 'machine.dtb');
writeFileSync(dtb, rec.dtb);
const load = rec.transcript.steps.find((s) => s.kind === 'load');
// QEMU put the DTB at the first 2 MiB boundary after its initrd, the Image at RAM + 2 MiB.
const initrdEnd = 0x40000000n + 0x8000000n + BigInt(rec.fixture.initrdBytes);
const dtbAddr = `0x${((initrdEnd + 0x1fffffn) & ~0x1fffffn).toString(16)}`;
const common = ['--dtb', dtb, '--kernel', 'debian-6.1', '--loader', 'at', '--image-addr', '0x40200000', '--dtb-addr', dtbAddr,
  '--cmdline', rec.fixture.cmdline, '--crash-cmdline', rec.fixture.kdumpCmdline, '--initrd', String(rec.fixture.kdumpInitrdBytes), '--shrink', '201326592'];

test('bootmap kexec --json: the segments and the crash region the guest recorded', async () => {
  const r = await run(['kexec', ...common, '--json']);
  assert.equal(r.err, '');
  const j = JSON.parse(r.out);
  assert.equal(j.schema, 'bootmap.kexec/1');
  const shrink = j.steps[0];
  assert.equal(shrink.ok, true);
  assert.deepEqual(shrink.after.iomem, rec.transcript.steps[0].after.iomem.filter((l: string) => /Crash kernel/.test(l)));
  const loaded = j.steps[1];
  assert.ok(load && load.kind === 'load');
  const want = [...load.segments].map((s) => `0x${s.mem.toString(16)}`).sort();
  assert.deepEqual(loaded.segments.map((s: { mem: string }) => s.mem).sort(), want);
  assert.equal(typeof j.kdump.availableBytes, 'number');
  assert.ok(j.kdump.dmesg.some((l: string) => /elfcorehdr/.test(l)));
  assert.equal(j.protection.mechanism, 'segments-invalid');
  assert.equal(r.code, j.kdump.lives === false ? 1 : 0);
});

test('bootmap kexec text: one verdict line with its reason', async () => {
  const r = await run(['kexec', ...common]);
  const verdict = r.out.trim().split('\n').pop()!;
  assert.match(verdict, /^kdump: (lives|dies|unknown) — \S/);
});

test('bootmap kexec: bad --load, --shrink or --format is one line and exit 2', async () => {
  for (const extra of [['--load', 'kexec_foo'], ['--shrink', 'lots'], ['--format', 'yaml']]) {
    const r = await run(['kexec', ...common, ...extra]);
    assert.equal(r.code, 2, extra.join(' '));
    assert.equal(r.err.trim().split('\n').length, 1);
    assert.doesNotMatch(r.err, /\n\s+at /);
  }
});

test('bootmap kexec --load kexec_file_load on a Debian kernel: what kexec -s prints there', async () => {
  const r = await run(['kexec', ...common, '--load', 'kexec_file_load', '--json']);
  const j = JSON.parse(r.out);
  const loaded = j.steps.find((s: { kind: string }) => s.kind === 'load');
  assert.equal(loaded.ok, false);
  assert.deepEqual(loaded.printed, ['syscall kexec_file_load not available.']);
  assert.equal(loaded.hypothetical.ok, true);
  assert.equal(r.code, 1);
});

test('bootmap kexec --crash-kernel with the real vmlinuz: the kernel segment holds the decompressed Image, as kexec-tools loaded it', async (t) => {
  const { findKernel } = await import('../../conformance/qemu.ts');
  const k = findKernel('debian-6.1');
  if (!k) return t.skip('the Debian kernels are not in ~/.cache/arm64-kernels (npm run conformance fetches them)');
  const r = await run(['kexec', ...common, '--crash-kernel', k.path, '--json']);
  const j = JSON.parse(r.out);
  const kernel = j.steps.find((s: { kind: string }) => s.kind === 'load').segments.find((s: { name: string }) => s.name === 'kernel');
  const recorded = load && load.kind === 'load' ? [...load.segments].sort((a, b) => (a.mem < b.mem ? -1 : 1))[0] : undefined;
  assert.equal(kernel.bufsz, `0x${recorded!.bufsz.toString(16)}`);
  assert.match(j.purgatory.regions.find((g: { name: string }) => g.name === 'kernel').sha256, /^[0-9a-f]{64}$/);
});
