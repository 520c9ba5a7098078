import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'fflate';
import { buildFdt, findNode, parseFdt, propU32, propString, getProp, type Fdt, type FdtNode } from '../../src/inputs/fdt/index.ts';
import { qemuVirtDtb, qemuVirtInitrdStart, QEMU_VIRT_STRINGS_ORDER, type QemuVirtOptions } from '../../src/inputs/machines/qemu-virt.ts';

const G = 1n << 30n;
const initrd = { start: 0x48000000n, end: 0x48000000n + 1000n };
const dumps: [string, QemuVirtOptions][] = [
  ['virt-512M-smp1-initrd', { ramBytes: G / 2n, smp: 1, initrd }],
  ['virt-1G-smp2', { ramBytes: G, smp: 2, cmdline: 'console=ttyAMA0' }],
  ['virt-4G-smp4-max', { ramBytes: 4n * G, smp: 4, cpu: 'max', cmdline: 'console=ttyAMA0 crashkernel=256M' }],
  ['virt-16G-smp8-initrd', { ramBytes: 16n * G, smp: 8, cmdline: 'console=ttyAMA0 root=/dev/vda', initrd }],
];

const load = (name: string): Fdt => {
  const r = parseFdt(gunzipSync(new Uint8Array(readFileSync(new URL(`../data/fdt/${name}.dtb.gz`, import.meta.url)))), `${name}.dtb`);
  if (!r.ok) assert.fail(JSON.stringify(r.error));
  return r.value;
};
const ours = (o: QemuVirtOptions): Fdt => {
  const r = parseFdt(qemuVirtDtb(o), 'generated.dtb');
  if (!r.ok) assert.fail(JSON.stringify(r.error));
  return r.value;
};
const isSeed = (n: FdtNode, p: string): boolean => n.path === '/chosen' && (p === 'kaslr-seed' || p === 'rng-seed');
const shape = (n: FdtNode): unknown => ({
  name: n.name,
  nops: n.nops,
  props: n.props.map((p) => [p.name, isSeed(n, p.name) ? p.value.length : Array.from(p.value)]),
  children: n.children.map(shape),
});
const zeroSeeds = (fdt: Fdt): FdtNode => {
  for (const p of findNode(fdt, '/chosen')!.props) if (isSeed(findNode(fdt, '/chosen')!, p.name)) p.value = new Uint8Array(p.value.length);
  return fdt.root;
};

for (const [name, opts] of dumps) {
  test(`qemu virt: ${name}: same nodes, properties, order, values, phandles and header as QEMU's dump`, () => {
    const real = load(name);
    const mine = ours(opts);
    assert.deepEqual(shape(mine.root), shape(real.root));
    assert.deepEqual(mine.header, real.header);
    assert.deepEqual(mine.memreserve, real.memreserve);
  });
  test(`qemu virt: ${name}: byte-identical after re-serialising (strings block order included), seeds zeroed`, () => {
    const real = load(name);
    const mine = ours(opts);
    const a = buildFdt(zeroSeeds(real), { totalsize: real.header.totalsize, stringsOrder: QEMU_VIRT_STRINGS_ORDER });
    const b = buildFdt(zeroSeeds(mine), { totalsize: mine.header.totalsize, stringsOrder: QEMU_VIRT_STRINGS_ORDER });
    assert.equal(a.length, 0x100000);
    assert.ok(a.every((x, i) => x === b[i]));
  });
}

test('qemu virt: the strings block of our blob equals QEMU\'s byte for byte', () => {
  for (const [name, opts] of dumps) {
    const real = gunzipSync(new Uint8Array(readFileSync(new URL(`../data/fdt/${name}.dtb.gz`, import.meta.url))));
    const mine = qemuVirtDtb(opts);
    const h = load(name).header;
    assert.deepEqual(mine.subarray(h.offDtStrings, h.offDtStrings + h.sizeDtStrings), real.subarray(h.offDtStrings, h.offDtStrings + h.sizeDtStrings), name);
  }
});

test('qemu virt: what depends on the options', () => {
  const one = ours({ ramBytes: G, smp: 1 });
  const three = ours({ ramBytes: 3n * G, smp: 3, cmdline: 'a b', initrd: { start: 0x48000000n, end: 0x48100000n } });
  // PPI CPU mask (bits 8..15) follows -smp.
  assert.equal(getProp(findNode(one, '/pmu')!, 'interrupts')!.value[11], 0x04);
  assert.equal(getProp(findNode(three, '/pmu')!, 'interrupts')!.value[10], 0x07);
  assert.equal(getProp(findNode(one, '/cpus/cpu@0')!, 'enable-method'), undefined);
  assert.equal(propString(findNode(three, '/cpus/cpu@2')!, 'enable-method'), 'psci');
  // Phandles: clock 0x8000, CPUs last-first from 0x8001, then GIC, v2m, pl061.
  assert.equal(propU32(findNode(three, '/cpus/cpu@0')!, 'phandle'), 0x8003);
  assert.equal(propU32(findNode(three, '/intc')!, 'phandle'), 0x8004);
  assert.equal(propU32(three.root, 'interrupt-parent'), 0x8004);
  assert.equal(propU32(findNode(three, '/pl061')!, 'phandle'), 0x8006);
  assert.equal(getProp(findNode(one, '/chosen')!, 'bootargs'), undefined);
  assert.equal(getProp(findNode(ours({ ramBytes: G, smp: 1, cmdline: '' }), '/chosen')!, 'bootargs'), undefined);
  assert.equal(propString(findNode(three, '/chosen')!, 'bootargs'), 'a b');
  assert.equal(propU32(findNode(three, '/chosen')!, 'linux,initrd-end'), 0x48100000);
  assert.deepEqual(Array.from(getProp(findNode(three, '/memory')!, 'reg')!.value), [0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0]);
  assert.throws(() => qemuVirtDtb({ ramBytes: G, smp: 9 }), RangeError);
  assert.throws(() => qemuVirtDtb({ ramBytes: G, smp: 1, cpu: 'cortex-a76' }), RangeError);
});

test('qemu virt: initrd placement (RAM base + min(RAM/2, 128 MiB)) matches the dumps and measured small-RAM runs', () => {
  assert.equal(qemuVirtInitrdStart(G / 2n), 0x48000000n);
  assert.equal(qemuVirtInitrdStart(16n * G), 0x48000000n);
  assert.equal(propU32(findNode(load('virt-512M-smp1-initrd'), '/chosen')!, 'linux,initrd-start'), 0x48000000);
  assert.equal(propU32(findNode(load('virt-16G-smp8-initrd'), '/chosen')!, 'linux,initrd-start'), 0x48000000);
  // -m 128M gave 0x44000000 and -m 200M 0x46400000 (QEMU 7.2.22, sid 7.2.13 Image).
  assert.equal(qemuVirtInitrdStart(128n << 20n), 0x44000000n);
  assert.equal(qemuVirtInitrdStart(200n << 20n), 0x46400000n);
});
