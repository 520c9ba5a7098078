// Snapshot bundles: recorded QEMU guests (test/data/snapshot/bundles, from record-guests.sh), the collector on a
// fake --root tree, bad bundles one field at a time, and the comparison of predictions with what the guests did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { predict } from '../../src/api/predict.ts';
import { collectSnapshot } from '../../src/cli/commands/snapshot.ts';
import {
  compareSnapshotWithPrediction, encodeSnapshot, parseSnapshot, snapshotBytes, snapshotText, snapshotToPredictOptions,
} from '../../src/inputs/snapshot/index.ts';
import { base64Decode, base64Encode } from '../../src/inputs/snapshot/base64.ts';

const BUNDLES = new URL('../data/snapshot/bundles/', import.meta.url);
const load = (n: string) => {
  const r = parseSnapshot(readFileSync(new URL(n, BUNDLES)), n);
  assert.ok(r.ok, n);
  return r.value;
};

test('recorded bundles parse and hold the guest\'s DTB, iomem, command line and memory dmesg lines', () => {
  for (const f of readdirSync(BUNDLES).filter((n) => n.endsWith('.json'))) {
    const s = load(f);
    assert.equal(new DataView(snapshotBytes(s, 'fdt')!.buffer).getUint32(0), 0xd00dfeed, f);
    assert.equal(snapshotBytes(s, 'fdt')!.length, 1 << 20, 'QEMU virt pads its DTB to 1 MiB');
    assert.match(snapshotText(s, 'cmdline')!, /rdinit=\/init/);
    assert.match(snapshotText(s, 'dmesg')!, /^Zone ranges:$/m);
    assert.equal(snapshotText(s, 'page-size'), '4096\n');
    assert.equal(s.efi, false);
    assert.ok(s.items['acpi-IORT'] && 'error' in s.items['acpi-IORT'] && s.items['acpi-IORT'].error === 'ENOENT');
  }
});

test('predictions from recorded bundles: the crash regions agree with the guests', () => {
  for (const [f, crashAgrees] of [['5.10-crash256M.json', true], ['6.1-crash512M-high.json', true], ['6.12-crash256M.json', true], ['7.2-crash512M-high.json', true], ['7.2.json', true], ['6.12-crash512M-high.json', true]] as const) {
    const s = load(f);
    const o = snapshotToPredictOptions(s);
    assert.ok(o.ok, f);
    assert.deepEqual(o.value.loader, { type: 'at', imageAddr: 0x40200000n, dtbAddr: 0x48200000n }, `${f}: QEMU's placement, read back from iomem`);
    const p = predict(o.value);
    assert.ok(p.ok, f);
    const c = compareSnapshotWithPrediction(s, p.value);
    const item = (t: string) => c.items.find((i) => i.topic.startsWith(t))!;
    assert.equal(item('crash regions').agree, crashAgrees, `${f}: ${JSON.stringify(item('crash regions'))}`);
    assert.equal(item('System RAM').agree, true, f);
    assert.equal(item('dmesg node-ranges').agree, true, f);
    if (crashAgrees && s.items['kexec-crash-size']) assert.equal(item('crash size').agree, true, f);
  }
});

test('another kernel for a recorded machine: the machine\'s config is not applied, the note says so', () => {
  const s = load('6.12-crash256M.json');
  const o = snapshotToPredictOptions(s, { kernel: 'debian-5.10', cmdline: 'crashkernel=1G' });
  assert.ok(o.ok);
  assert.equal(o.value.kernel, 'debian-5.10');
  assert.equal(o.value.cmdline, 'crashkernel=1G');
});

test('collector on a fake --root tree: what is absent or unreadable is listed with its errno, and the bundle round-trips', () => {
  const root = mkdtempSync(join(tmpdir(), 'bootmap-snap-'));
  const good = load('7.2.json');
  mkdirSync(join(root, 'proc/sys/kernel'), { recursive: true });
  mkdirSync(join(root, 'sys/firmware/fdt'), { recursive: true }); // a directory where the blob should be: EISDIR
  mkdirSync(join(root, 'sys/firmware/efi'), { recursive: true });
  writeFileSync(join(root, 'proc/iomem'), snapshotText(good, 'iomem')!);
  writeFileSync(join(root, 'proc/cmdline'), 'console=ttyAMA0 crashkernel=256M\n');
  writeFileSync(join(root, 'proc/sys/kernel/osrelease'), '6.12.117+deb13-arm64\n');
  writeFileSync(join(root, 'dmesg.txt'), '[    0.000000] Zone ranges:\n[    0.000000] random: crng init done\n');
  const c = collectSnapshot(root);
  assert.equal(c.efi, true);
  assert.deepEqual(Object.fromEntries(Object.entries(c.items).filter(([, v]) => 'error' in v).map(([k, v]) => [k, 'error' in v ? v.error : ''])), {
    fdt: 'EISDIR', 'kexec-crash-size': 'ENOENT', 'kexec-crash-loaded': 'ENOENT', 'acpi-IORT': 'ENOENT', 'acpi-SPCR': 'ENOENT',
    'acpi-APIC': 'ENOENT', 'acpi-SRAT': 'ENOENT', 'page-size': 'ENOENT', config: 'ENOENT',
  });
  const s = parseSnapshot(encodeSnapshot(c), 'x.json');
  assert.ok(s.ok);
  assert.equal(snapshotText(s.value, 'dmesg'), 'Zone ranges:\n');
  assert.equal(snapshotText(s.value, 'iomem'), snapshotText(good, 'iomem'));
  const o = snapshotToPredictOptions(s.value);
  assert.ok(!o.ok && o.error.code === 'SNAPSHOT_NO_FDT' && o.error.found === 'EISDIR');
});

test('bad bundles: one field at a time, each with its code and field', () => {
  const doc = JSON.parse(readFileSync(new URL('7.2.json', BUNDLES), 'utf8'));
  const cases: [(d: any) => void, string, string | undefined][] = [
    [(d) => (d.format = 'tar'), 'SNAPSHOT_FORMAT', 'format'],
    [(d) => (d.version = 2), 'SNAPSHOT_VERSION', 'version'],
    [(d) => (d.efi = 'no'), 'SNAPSHOT_FIELD', 'efi'],
    [(d) => (d.items.bogus = {}), 'SNAPSHOT_UNKNOWN_ITEM', 'items.bogus'],
    [(d) => (d.items.fdt.data = `${d.items.fdt.data.slice(0, 10)}!${d.items.fdt.data.slice(11)}`), 'SNAPSHOT_BAD_BASE64', 'items.fdt.data'],
    [(d) => (d.items.fdt.data = base64Encode(new Uint8Array([1, 2, 3, 4]))), 'SNAPSHOT_BAD_GZIP', 'items.fdt.data'],
    [(d) => (d.items.iomem.size += 1), 'SNAPSHOT_SIZE', 'items.iomem.size'],
    [(d) => (d.items.iomem.encoding = 'hex'), 'SNAPSHOT_FIELD', 'items.iomem.encoding'],
    [(d) => delete d.items.cmdline.source, 'SNAPSHOT_FIELD', 'items.cmdline.source'],
  ];
  for (const [edit, code, field] of cases) {
    const d = structuredClone(doc);
    edit(d);
    const r = parseSnapshot(JSON.stringify(d), 'b.json');
    assert.ok(!r.ok, code);
    assert.equal(r.error.code, code);
    assert.equal(r.error.field, field);
  }
  const trunc = parseSnapshot(readFileSync(new URL('7.2.json', BUNDLES), 'utf8').slice(0, 500), 'b.json');
  assert.ok(!trunc.ok && trunc.error.code === 'SNAPSHOT_BAD_JSON');
});

test('property: base64 round-trips any bytes', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
    const d = base64Decode(base64Encode(b));
    assert.ok(d.ok);
    assert.deepEqual(d.bytes, b);
  }));
});
