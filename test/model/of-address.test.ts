import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'fflate';
import fc from 'fast-check';
import {
  buildFdt, fdtValue, parseFdt, OF_BUS_RULES_5_10, OF_BUS_RULES_6_1, OF_BUS_RULES_6_12, OF_BUS_RULES_7_2,
  type Fdt, type FdtBuildNode,
} from '../../src/inputs/fdt/index.ts';
import { ofDmaGetMaxCpuAddress, ofDmaGetMaxCpuAddressExplained, ofDmaRanges, PHYS_ADDR_MAX } from '../../src/model/of-address.ts';

const c = fdtValue.u32;
const s = fdtValue.strings;
const node = (name: string, props: [string, Uint8Array][] = [], children: FdtBuildNode[] = []): FdtBuildNode => ({
  name, props: props.map(([n, value]) => ({ name: n, value })), children,
});
const fdtOf = (root: FdtBuildNode): Fdt => {
  const r = parseFdt(buildFdt(root), 'hand.dtb');
  if (!r.ok) assert.fail(JSON.stringify(r.error));
  return r.value;
};
const cells2 = (a: number, sz: number): [string, Uint8Array][] => [['#address-cells', c(a)], ['#size-cells', c(sz)]];
const ALL = [OF_BUS_RULES_5_10, OF_BUS_RULES_6_1, OF_BUS_RULES_6_12, OF_BUS_RULES_7_2];

test('RPi4-style 30-bit dma-ranges under a /soc simple-bus → 0x3fffffff (every generation)', () => {
  // bcm2711.dtsi: root #address-cells 2, #size-cells 1; soc #address-cells 1, #size-cells 1.
  const fdt = fdtOf(node('', cells2(2, 1), [
    node('soc', [['compatible', s('simple-bus')], ...cells2(1, 1), ['ranges', c(0x7e000000, 0, 0xfe000000, 0x1800000)],
      ['dma-ranges', c(0xc0000000, 0x0, 0x00000000, 0x40000000)]], [node('dma@7e007000', [['reg', c(0x7e007000, 0xb00)]])]),
  ]));
  for (const rules of ALL) assert.equal(ofDmaGetMaxCpuAddress(fdt, rules), 0x3fffffffn);
  const e = ofDmaGetMaxCpuAddressExplained(fdt);
  assert.equal(e.source?.node, '/soc');
  assert.deepEqual(e.source?.limitingRange, { flags: 0x200, busAddr: 0xc0000000n, cpuAddr: 0n, size: 0x40000000n, firstEntry: 0 });
});

test('nothing limits: PHYS_ADDR_MAX; an empty dma-ranges is 1:1; the QEMU virt tree has none', () => {
  assert.equal(ofDmaGetMaxCpuAddress(fdtOf(node('', cells2(2, 2), [node('a')]))), PHYS_ADDR_MAX);
  assert.equal(PHYS_ADDR_MAX, (1n << 64n) - 1n);
  assert.equal(ofDmaGetMaxCpuAddress(fdtOf(node('', cells2(2, 2), [node('bus', [...cells2(2, 2), ['dma-ranges', fdtValue.empty()]])]))), PHYS_ADDR_MAX);
  const virt = parseFdt(gunzipSync(new Uint8Array(readFileSync(new URL('../data/fdt/virt-1G-smp2.dtb.gz', import.meta.url)))), 'virt');
  assert.ok(virt.ok);
  assert.equal(ofDmaGetMaxCpuAddress(virt.value), PHYS_ADDR_MAX);
});

test('nested buses: a child bus address goes up through every ancestor\'s dma-ranges; the minimum wins', () => {
  const fdt = fdtOf(node('', cells2(2, 2), [
    node('bus1', [...cells2(1, 1), ['dma-ranges', c(0x0, 0x0, 0x80000000, 0x80000000)]], [
      node('bus2', [...cells2(1, 1), ['dma-ranges', c(0x0, 0x10000000, 0x10000000)]]),
    ]),
  ]));
  const e = ofDmaGetMaxCpuAddressExplained(fdt);
  assert.equal(e.limit, 0x9fffffffn);
  assert.equal(e.source?.node, '/bus1/bus2');
  assert.deepEqual(e.considered.map((d) => [d.node, d.cpuEnd]), [['/bus1', 0xffffffffn], ['/bus1/bus2', 0x9fffffffn]]);
});

test('a missing dma-ranges on an ancestor is identity for this walk', () => {
  const fdt = fdtOf(node('', cells2(2, 2), [
    node('plain', cells2(1, 1), [node('bus', [...cells2(1, 1), ['dma-ranges', c(0x0, 0x50000000, 0x30000000)]])]),
  ]));
  for (const rules of ALL) assert.equal(ofDmaGetMaxCpuAddress(fdt, rules), 0x7fffffffn);
});

test('a parent-bus address outside the ancestor\'s dma-ranges does not translate (OF_BAD_ADDR wraps, as in C)', () => {
  const fdt = fdtOf(node('', cells2(2, 2), [
    node('bus1', [...cells2(1, 1), ['dma-ranges', c(0x0, 0x0, 0x0, 0x10000000)]], [
      node('bus2', [...cells2(1, 1), ['dma-ranges', c(0x0, 0x20000000, 0x1000)]]),
    ]),
  ]));
  const e = ofDmaGetMaxCpuAddressExplained(fdt);
  const bus2 = e.considered.find((d) => d.node === '/bus1/bus2')!;
  assert.equal(bus2.ranges[0].cpuAddr, PHYS_ADDR_MAX);
  // (u64)-1 + 0x1000 = 0xfff > 0, so cpu_end = 0xffe: the kernel's arithmetic, kept.
  assert.equal(bus2.cpuEnd, 0xffen);
  assert.equal(e.limit, 0xffen);
});

test('disabled subtrees are ignored; "okay" and "ok" count', () => {
  const limited = (status?: string): FdtBuildNode =>
    node('bus', [...cells2(1, 1), ...(status ? [['status', s(status)] as [string, Uint8Array]] : []), ['dma-ranges', c(0, 0, 0x1000000)]], [
      node('inner', [...cells2(1, 1), ['dma-ranges', c(0, 0, 0x100000)]]),
    ]);
  for (const [status, want] of [[undefined, 0xfffffn], ['okay', 0xfffffn], ['ok', 0xfffffn], ['disabled', PHYS_ADDR_MAX], ['fail', PHYS_ADDR_MAX]] as const) {
    assert.equal(ofDmaGetMaxCpuAddress(fdtOf(node('', cells2(1, 1), [limited(status)]))), want, String(status));
  }
  const e = ofDmaGetMaxCpuAddressExplained(fdtOf(node('', cells2(1, 1), [limited('disabled')])));
  assert.deepEqual(e.skipped, [{ node: '/bus', why: 'status is not "okay"/"ok"' }]);
  // An unterminated "okay": strcmp() up to 7.2; 7.2 requires the NUL.
  const raw = fdtOf(node('', cells2(1, 1), [node('bus', [...cells2(1, 1), ['status', new Uint8Array([0x6f, 0x6b])], ['dma-ranges', c(0, 0, 0x1000)]])]));
  assert.equal(ofDmaGetMaxCpuAddress(raw, OF_BUS_RULES_6_12), 0xfffn);
  assert.equal(ofDmaGetMaxCpuAddress(raw, OF_BUS_RULES_7_2), PHYS_ADDR_MAX);
});

test('several ranges: the highest end of a node, the lowest over nodes; contiguous entries merge', () => {
  const fdt = fdtOf(node('', cells2(2, 2), [
    node('a', [...cells2(1, 1), ['dma-ranges', c(0x0, 0x0, 0x0, 0x10000000, 0x10000000, 0x0, 0x10000000, 0x10000000, 0x80000000, 0x0, 0xc0000000, 0x1000)]]),
    node('b', [...cells2(2, 2), ['dma-ranges', c(0, 0, 0, 0, 1, 0)]]),
  ]));
  const ranges = ofDmaRanges(fdt.root.children[0]);
  assert.ok(Array.isArray(ranges));
  assert.deepEqual(ranges.map((r) => [r.busAddr, r.cpuAddr, r.size, r.firstEntry]), [[0n, 0n, 0x20000000n, 0], [0x80000000n, 0xc0000000n, 0x1000n, 2]]);
  assert.equal(ofDmaGetMaxCpuAddress(fdt), 0xc0000fffn);
});

test('PCI host bridge: 3 address cells with flags; entries of different space types do not merge', () => {
  const fdt = fdtOf(node('', cells2(2, 2), [
    node('pcie@10000000', [['device_type', s('pci')], ...cells2(3, 2),
      ['dma-ranges', c(0x02000000, 0x0, 0x0, 0x0, 0x0, 0x0, 0x40000000, 0x43000000, 0x0, 0x40000000, 0x0, 0x40000000, 0x0, 0x40000000)]]),
  ]));
  const ranges = ofDmaRanges(fdt.root.children[0]);
  assert.ok(Array.isArray(ranges));
  assert.equal(ranges.length, 2);
  assert.deepEqual(ranges.map((r) => r.flags), [0x200, 0x200 | 0x100000 | 0x2000]);
  assert.equal(ofDmaGetMaxCpuAddress(fdt), 0x7fffffffn);
});

test('a PCI bus in the path: child addresses translate through its dma-ranges with matching space flags', () => {
  const fdt = fdtOf(node('', cells2(2, 2), [
    node('pcie', [['device_type', s('pci')], ...cells2(3, 2), ['dma-ranges', c(0x02000000, 0x0, 0x0, 0x0, 0x80000000, 0x0, 0x40000000)]], [
      node('bridge', [...cells2(3, 2), ['device_type', s('pci')], ['dma-ranges', c(0x02000000, 0x0, 0x0, 0x02000000, 0x0, 0x1000, 0x0, 0x1000)]]),
    ]),
  ]));
  const e = ofDmaGetMaxCpuAddressExplained(fdt);
  const bridge = e.considered.find((d) => d.node === '/pcie/bridge')!;
  assert.equal(bridge.ranges[0].cpuAddr, 0x80001000n);
  assert.equal(e.limit, 0x80001fffn);
});

test('a non-empty dma-ranges with no whole entry limits DMA to 0 (cpu_end starts at 0)', () => {
  const fdt = fdtOf(node('', cells2(2, 2), [node('bus', [...cells2(1, 1), ['dma-ranges', c(0, 0)]])]));
  assert.equal(ofDmaGetMaxCpuAddress(fdt), 0n);
});

test('dma-ranges without #address-cells: 7.2 skips the node (no bus matches), earlier kernels use inherited cells', () => {
  const fdt = fdtOf(node('', cells2(2, 2), [node('nocells', [['dma-ranges', c(0, 0, 0, 0, 0, 0x60000000)]])]));
  assert.equal(ofDmaGetMaxCpuAddress(fdt, OF_BUS_RULES_7_2), PHYS_ADDR_MAX);
  assert.equal(ofDmaGetMaxCpuAddressExplained(fdt, OF_BUS_RULES_7_2).skipped[0].node, '/nocells');
  for (const rules of [OF_BUS_RULES_5_10, OF_BUS_RULES_6_1, OF_BUS_RULES_6_12]) assert.equal(ofDmaGetMaxCpuAddress(fdt, rules), 0x5fffffffn);
});

// Real boots: each DTB was booted with -m 4G (RAM at 0x40000000); the printed DMA zone ends at
// min(limit, U32_MAX) (6.12/7.2: zone_dma_limit, capped at 4 GiB as RAM starts below it).
test('real kernels: the DMA zone each kernel printed for our DTBs matches the modelled limit', () => {
  const boots = JSON.parse(readFileSync(new URL('../data/fdt/dma-boots.json', import.meta.url), 'utf8')).boots as { dtb: string; kernel: string; dma: string }[];
  assert.equal(boots.length, 8);
  for (const b of boots) {
    const r = parseFdt(gunzipSync(new Uint8Array(readFileSync(new URL(`../data/fdt/${b.dtb}.dtb.gz`, import.meta.url)))), b.dtb);
    assert.ok(r.ok);
    const rules = b.kernel.startsWith('7.2') ? OF_BUS_RULES_7_2 : OF_BUS_RULES_6_12;
    const limit = ofDmaGetMaxCpuAddress(r.value, rules);
    const capped = limit < 0xffffffffn ? limit : 0xffffffffn;
    if (b.dma.endsWith('empty')) {
      assert.ok(limit < 0x40000000n, `${b.dtb} on ${b.kernel}: limit below RAM`);
      continue;
    }
    const end = BigInt(`0x${/-0x([0-9a-f]+)\]/.exec(b.dma)![1]}`);
    assert.equal(capped, end, `${b.dtb} on ${b.kernel}`);
  }
});

test('property: never throws, and the limit never exceeds any considered node\'s cpuEnd', () => {
  const cellsArb = fc.array(fc.nat(0xffffffff), { maxLength: 12 });
  const leaf = fc.record({
    name: fc.constantFrom('a', 'bus', 'pcie', 'isa', 'soc@0'),
    props: fc.array(fc.oneof(
      fc.tuple(fc.constantFrom('#address-cells', '#size-cells'), fc.integer({ min: 0, max: 5 }).map((n) => c(n))),
      fc.tuple(fc.constant('dma-ranges'), cellsArb.map((a) => c(...a))),
      fc.tuple(fc.constant('status'), fc.constantFrom('okay', 'disabled').map((x) => s(x))),
      fc.tuple(fc.constant('device_type'), fc.constant(s('pci'))),
    ), { maxLength: 5 }).map((ps) => ps.map(([name, value]) => ({ name, value }))),
    children: fc.constant([] as FdtBuildNode[]),
  });
  const tree = fc.array(leaf.chain((l) => fc.array(leaf, { maxLength: 2 }).map((kids) => ({ ...l, children: kids }))), { maxLength: 3 });
  fc.assert(fc.property(tree, (kids) => {
    const r = parseFdt(buildFdt({ name: '', props: [], children: kids }), 'p');
    assert.ok(r.ok);
    for (const rules of ALL) {
      const e = ofDmaGetMaxCpuAddressExplained(r.value, rules);
      for (const d of e.considered) assert.ok(e.limit <= d.cpuEnd);
      assert.ok(e.limit >= 0n && e.limit <= PHYS_ADDR_MAX);
    }
  }), { numRuns: 300 });
});
