// acpi_iort_dma_get_max_cpu_address() (kernel-notes §2.2) over built and real IORTs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseIort } from '../../src/inputs/acpi/iort.ts';
import { buildIort, type IortNodeSpec } from '../../src/inputs/acpi/writer.ts';
import { acpiIortDmaGetMaxCpuAddress } from '../../src/model/iort.ts';

const MAX = (1n << 64n) - 1n;
const IDS = { oemId: 'BOCHS ', oemTableId: 'BXPC    ' };
const limit = (nodes: IortNodeSpec[]): bigint => {
  const r = parseIort(buildIort(nodes, IDS), 't.aml');
  assert.ok(r.ok);
  return acpiIortDmaGetMaxCpuAddress(r.value).max;
};

test('no IORT, or ACPI disabled: no limit', () => {
  assert.equal(acpiIortDmaGetMaxCpuAddress(undefined).max, MAX);
  const r = parseIort(buildIort([{ type: 'named-component', memoryAddressLimit: 30 }], IDS), 't');
  assert.ok(r.ok);
  assert.equal(acpiIortDmaGetMaxCpuAddress(r.value, true).max, MAX);
});

test('named components count; root complexes only from revision 1', () => {
  assert.equal(limit([{ type: 'named-component', memoryAddressLimit: 32 }]), 0xffffffffn);
  assert.equal(limit([{ type: 'root-complex', memoryAddressLimit: 30, revision: 0 }]), MAX);
  assert.equal(limit([{ type: 'root-complex', memoryAddressLimit: 31, revision: 1 }]), 0x7fffffffn);
  assert.equal(limit([{ type: 'root-complex', memoryAddressLimit: 64, revision: 3 }]), MAX);
});

test('min_not_zero: a 0-bit limit means none; the smallest other limit wins', () => {
  assert.equal(limit([{ type: 'named-component', memoryAddressLimit: 0 }]), MAX);
  assert.equal(limit([
    { type: 'named-component', memoryAddressLimit: 40 }, { type: 'root-complex', memoryAddressLimit: 0, revision: 1 },
    { type: 'named-component', memoryAddressLimit: 34 }, { type: 'root-complex', memoryAddressLimit: 36, revision: 2 },
  ]), (1n << 34n) - 1n);
});

test('a limit above 64 bits is flagged and ignored', () => {
  const b = buildIort([{ type: 'named-component', memoryAddressLimit: 65 }, { type: 'named-component', memoryAddressLimit: 48 }], IDS);
  const r = parseIort(b, 't');
  assert.ok(r.ok);
  const l = acpiIortDmaGetMaxCpuAddress(r.value);
  assert.deepEqual([l.max, l.flagged], [(1n << 48n) - 1n, [0x30]]);
});

test('the real upgrade tables: 30 bits (named component) and 31 bits (root complex rev 1 beside a 0-bit component)', () => {
  for (const [f, want] of [['iort-nc30.aml', 0x3fffffffn], ['iort-rc31-nc0.aml', 0x7fffffffn]] as const) {
    const r = parseIort(new Uint8Array(readFileSync(new URL(`../data/acpi/${f}`, import.meta.url))), f);
    assert.ok(r.ok);
    assert.equal(acpiIortDmaGetMaxCpuAddress(r.value).max, want, f);
  }
});
