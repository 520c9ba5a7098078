// bootmap check on predictions already checked against real kernels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { predict } from '../../src/api/predict.ts';
import { checkKdump } from '../../src/check/lint.ts';

const virt = (kernel: string, cmdline: string, ram = 8n << 30n) => {
  const r = predict({ machine: { type: 'qemu-virt', ramBytes: ram, smp: 2 }, kernel, cmdline });
  assert.ok(r.ok);
  return checkKdump(r.value);
};
const codes = (f: { code: string }[]) => f.map((x) => x.code);

test('a high crash region without a low block is flagged on 6.1, not on 6.12 (default 128 MiB low block)', () => {
  assert.ok(codes(virt('debian-6.1', 'crashkernel=512M,high')).includes('CRASH_ABOVE_DMA'));
  assert.ok(!codes(virt('debian-6.12', 'crashkernel=512M,high')).includes('CRASH_ABOVE_DMA'));
});

test('no crashkernel= and a reservation that fails are errors', () => {
  assert.ok(codes(virt('debian-6.1', '')).includes('NO_CRASHKERNEL'));
  assert.ok(codes(virt('debian-6.1', 'crashkernel=256M@0x40000000')).includes('OFFSET_IN_USE'));
});

test('a 30-bit dma-ranges below RAM empties ZONE_DMA on 6.12 (real fixture)', () => {
  const dtb = 'conformance/fixtures/dma30-below-ram-ck256m/machine.dtb';
  const r = predict({ dtb: { bytes: new Uint8Array(readFileSync(dtb)), file: dtb }, kernel: 'debian-6.12' });
  assert.ok(r.ok);
  const f = checkKdump(r.value);
  assert.equal(f.find((x) => x.code === 'DMA_BUDGET')?.level, 'error');
});

test('a misspelt crashkernel= is an unknown word with a hint; known and dotted words are not flagged', () => {
  const f = virt('debian-6.12', 'crashkernal=512M splash quiet console=ttyAMA0 systemd.unit=x.target').find((x) => x.code === 'UNKNOWN_PARAMS');
  assert.equal(f?.level, 'warn');
  assert.deepEqual(f?.evidence, ['argument: splash', 'environment: crashkernal=512M', 'crashkernal=512M: did you mean crashkernel?']);
  assert.ok(!codes(virt('debian-6.12', 'crashkernel=512M quiet console=ttyAMA0 systemd.unit=x.target')).includes('UNKNOWN_PARAMS'));
  // 5.10 has no nokaslr early_param (kaslr_early_init() looks for the word itself): the word still goes to init
  assert.deepEqual(virt('debian-5.10', 'crashkernel=512M nokaslr').find((x) => x.code === 'UNKNOWN_PARAMS')?.evidence, ['argument: nokaslr']);
});
