// ACPI table header and IORT parser: the IORTs given to real kernels by ACPI table upgrade (test/data/acpi, also in
// conformance/fixtures/uefi-*-iort-*), built tables, and bad inputs broken one field at a time ({ code, offset }).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { acpiChecksum, parseAcpiTable } from '../../src/inputs/acpi/table-header.ts';
import { parseIort } from '../../src/inputs/acpi/iort.ts';
import { buildIort, type IortNodeSpec } from '../../src/inputs/acpi/writer.ts';

const data = (n: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../data/acpi/${n}`, import.meta.url)));
const IDS = { oemId: 'BOCHS ', oemTableId: 'BXPC    ', oemRevision: 2 };
/** Re-fixes the checksum after an edit, so that only the edited field is wrong. */
const refix = (b: Uint8Array): Uint8Array => {
  b[9] = 0;
  b[9] = (256 - acpiChecksum(b)) & 0xff;
  return b;
};

test('the upgraded IORTs the real kernels accepted parse: header, ids, nodes and limits', () => {
  const nc30 = parseIort(data('iort-nc30.aml'), 'iort-nc30.aml');
  assert.ok(nc30.ok, JSON.stringify(!nc30.ok && nc30.error));
  // The kernel printed: ACPI: IORT 0x000000013F429000 000058 (v03 BOCHS  BXPC     00000002 BMAP 00000001)
  assert.deepEqual({ ...nc30.value.header }, {
    signature: 'IORT', length: 0x58, revision: 3, checksum: nc30.value.header.checksum, oemId: 'BOCHS ', oemTableId: 'BXPC    ',
    oemRevision: 2, creatorId: 'BMAP', creatorRevision: 1,
  });
  assert.deepEqual(nc30.value.nodes.map((n) => [n.offset, n.kind, n.length, n.revision, n.memoryAddressLimit, n.deviceName]), [[0x30, 'named-component', 0x28, 0, 30, '\\_SB.DEV0']]);
  const rc = parseIort(data('iort-rc31-nc0.aml'), 'iort-rc31-nc0.aml');
  assert.ok(rc.ok);
  assert.deepEqual(rc.value.nodes.map((n) => [n.offset, n.kind, n.revision, n.memoryAddressLimit]), [[0x30, 'root-complex', 1, 31], [0x54, 'named-component', 0, 0]]);
});

test('a table whose length exceeds the buffer: ACPI_TRUNCATED at the length field', () => {
  const b = data('iort-nc30.aml').slice(0, 0x50);
  const r = parseIort(b, 'short.aml');
  assert.ok(!r.ok);
  assert.deepEqual([r.error.kind, r.error.code, r.error.offset, r.error.field], ['acpi', 'ACPI_TRUNCATED', 4, 'length']);
  const tiny = parseAcpiTable(new Uint8Array(20), 'tiny.aml');
  assert.ok(!tiny.ok);
  assert.deepEqual([tiny.error.code, tiny.error.offset], ['ACPI_TRUNCATED', 0]);
});

test('a bad checksum: ACPI_BAD_CHECKSUM at offset 9, with the sum found', () => {
  const b = data('iort-nc30.aml').slice();
  b[0x4c] ^= 1;
  const r = parseIort(b, 'bad.aml');
  assert.ok(!r.ok);
  assert.deepEqual([r.error.code, r.error.offset, r.error.field], ['ACPI_BAD_CHECKSUM', 9, 'checksum']);
  assert.match(r.error.found ?? '', /sum 0x/);
});

test('bytes after the table length are ignored, as the kernel reads `length` bytes', () => {
  const b = new Uint8Array(0x80);
  b.set(data('iort-nc30.aml'));
  b.fill(0xff, 0x58);
  assert.ok(parseIort(b, 'padded.aml').ok);
});

test('an IORT node whose length runs past the table: IORT_NODE_TRUNCATED at the node offset', () => {
  const b = data('iort-rc31-nc0.aml').slice();
  new DataView(b.buffer).setUint16(0x54 + 1, 0x40, true);
  const r = parseIort(refix(b), 'node.aml');
  assert.ok(!r.ok);
  assert.deepEqual([r.error.code, r.error.offset, r.error.field], ['IORT_NODE_TRUNCATED', 0x54, 'node[1].length']);
});

test('a node length below the 16-byte header (the walk would not advance): IORT_BAD_NODE_LENGTH', () => {
  const b = data('iort-nc30.aml').slice();
  new DataView(b.buffer).setUint16(0x31, 4, true);
  const r = parseIort(refix(b), 'zero.aml');
  assert.ok(!r.ok);
  assert.deepEqual([r.error.code, r.error.offset], ['IORT_BAD_NODE_LENGTH', 0x31]);
});

test('a named component too short for its memory_address_limit byte: IORT_NODE_TRUNCATED', () => {
  const b = buildIort([{ type: 'named-component', memoryAddressLimit: 32 }], IDS);
  new DataView(b.buffer).setUint16(0x31, 0x1c, true);
  // shrink the table so that the short node still ends inside it
  const t = b.slice(0, 0x30 + 0x1c);
  new DataView(t.buffer).setUint32(4, t.length, true);
  const r = parseIort(refix(t), 'nc.aml');
  assert.ok(!r.ok);
  assert.deepEqual([r.error.code, r.error.offset, r.error.field], ['IORT_NODE_TRUNCATED', 0x30, 'node[0].memory_address_limit']);
});

test('node_offset outside the table, and a wrong signature', () => {
  const b = data('iort-nc30.aml').slice();
  new DataView(b.buffer).setUint32(40, 0x200, true);
  const r = parseIort(refix(b), 'off.aml');
  assert.ok(!r.ok);
  assert.deepEqual([r.error.code, r.error.offset], ['IORT_BAD_NODE_OFFSET', 40]);
  const s = data('iort-nc30.aml').slice();
  s.set([0x44, 0x53, 0x44, 0x54], 0);
  const q = parseIort(refix(s), 'dsdt.aml');
  assert.ok(!q.ok);
  assert.deepEqual([q.error.code, q.error.offset], ['ACPI_BAD_SIGNATURE', 0]);
});

test('node_count larger than the nodes present: the walk stops at the table end, as the kernel does', () => {
  const b = data('iort-nc30.aml').slice();
  new DataView(b.buffer).setUint32(36, 5, true);
  const r = parseIort(refix(b), 'count.aml');
  assert.ok(r.ok);
  assert.equal(r.value.nodes.length, 1);
});

test('property: every built IORT parses back to its nodes; any single corrupted byte is caught with an offset', () => {
  const node = fc.oneof(
    fc.record({ type: fc.constant('named-component' as const), memoryAddressLimit: fc.integer({ min: 0, max: 64 }) }),
    fc.record({ type: fc.constant('root-complex' as const), memoryAddressLimit: fc.integer({ min: 0, max: 64 }), revision: fc.integer({ min: 0, max: 4 }) }),
  );
  fc.assert(fc.property(fc.array(node, { minLength: 1, maxLength: 6 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (nodes: IortNodeSpec[], at, x) => {
    const b = buildIort(nodes, IDS);
    const r = parseIort(b, 'p.aml');
    assert.ok(r.ok);
    assert.deepEqual(r.value.nodes.map((n) => n.memoryAddressLimit), nodes.map((n) => n.memoryAddressLimit));
    const c = b.slice();
    c[at % c.length] ^= x;
    const q = parseIort(c, 'c.aml');
    // A changed byte breaks the checksum unless it is the checksum itself (then the sum is wrong too).
    assert.ok(!q.ok && typeof q.error.offset === 'number');
  }));
});
