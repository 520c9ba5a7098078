import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'fflate';
import fc from 'fast-check';
import { buildFdt, parseFdt, type FdtBuildNode, type FdtNode } from '../../src/inputs/fdt/index.ts';
import { propCells, readNumber, readNumberAt } from '../../src/inputs/fdt/props.ts';

const realDtb = (): Uint8Array => gunzipSync(new Uint8Array(readFileSync(new URL('../data/fdt/virt-1G-smp2.dtb.gz', import.meta.url))));

const nameArb = fc.stringMatching(/^[a-z][a-z0-9,._+-]{0,12}(@[0-9a-f]{1,8})?$/);
const propNameArb = fc.constantFrom('reg', 'compatible', 'status', '#address-cells', '#size-cells', 'ranges', 'dma-ranges', 'method', 'enable-method', 'x', 'linux,usable-memory-range');
const propsArb = fc.uniqueArray(fc.record({ name: propNameArb, value: fc.uint8Array({ maxLength: 40 }) }), { selector: (p) => p.name, maxLength: 6 });
const treeAt = (depth: number): fc.Arbitrary<FdtBuildNode> =>
  fc.record({
    name: nameArb,
    props: propsArb,
    children: depth === 0 ? fc.constant([]) : fc.array(treeAt(depth - 1), { maxLength: 3 }),
  });
const treeArb = treeAt(3);
const rootArb = fc.record({ props: propsArb, children: fc.array(treeArb, { maxLength: 4 }) }).map((r) => ({ name: '', ...r }));

const shape = (n: FdtNode | FdtBuildNode): unknown => ({
  name: n.name,
  props: n.props.map((p) => [p.name, Array.from(p.value)]),
  children: n.children.map(shape),
});

test('round trip: buildFdt → parseFdt gives the same tree, memreserve, boot cpu and totalsize', () => {
  fc.assert(
    fc.property(
      rootArb,
      fc.array(fc.record({ address: fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }), size: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) }), { maxLength: 3 }),
      fc.nat(4096),
      fc.constantFrom<'libfdt' | 'dtc'>('libfdt', 'dtc'),
      fc.nat(16),
      (root, memreserve, padding, layout, cpu) => {
        const packed = buildFdt(root, { memreserve, layout }).length;
        const blob = buildFdt(root, { memreserve, layout, totalsize: packed + padding, bootCpuidPhys: cpu });
        const r = parseFdt(blob, 'rt.dtb');
        if (!r.ok) throw new Error(JSON.stringify(r.error));
        assert.deepEqual(shape(r.value.root), shape(root));
        assert.deepEqual(r.value.memreserve, memreserve.map((e) => ({ address: e.address, size: e.size })));
        assert.equal(r.value.header.totalsize, packed + padding);
        assert.equal(r.value.header.bootCpuidPhys, cpu);
        // Names are stored once (suffixes shared): the block is no bigger than the distinct names.
        const names = new Set<string>();
        const collect = (n: FdtBuildNode): void => { n.props.forEach((p) => names.add(p.name)); n.children.forEach(collect); };
        collect(root);
        assert.ok(r.value.header.sizeDtStrings <= [...names].reduce((s, n) => s + n.length + 1, 0));
      },
    ),
    { numRuns: 300 },
  );
});

test('round trip: a real QEMU blob re-serialises to a blob that parses to the same tree', () => {
  const a = parseFdt(realDtb(), 'virt.dtb');
  assert.ok(a.ok);
  const b = parseFdt(buildFdt(a.value.root, { totalsize: a.value.header.totalsize }), 'again.dtb');
  assert.ok(b.ok);
  assert.deepEqual(shape(b.value.root), shape(a.value.root));
  assert.equal(b.value.header.sizeDtStruct, a.value.header.sizeDtStruct);
});

test('random mutation of a real DTB never throws and never takes long', () => {
  const base = realDtb().subarray(0, 0x2000);
  // Shrink totalsize to the bytes kept, so mutations hit the header, structure and strings.
  const orig = base.slice();
  new DataView(orig.buffer).setUint32(4, 0x2000);
  assert.ok(parseFdt(orig, 'base').ok, 'the trimmed base parses');
  fc.assert(
    fc.property(
      fc.array(fc.record({ at: fc.nat(0x1fff), byte: fc.nat(255) }), { minLength: 1, maxLength: 8 }),
      fc.option(fc.nat(0x2000), { freq: 4 }),
      (edits, cut) => {
        const b = orig.slice(0, cut ?? 0x2000);
        for (const { at, byte } of edits) if (at < b.length) b[at] = byte;
        const t0 = performance.now();
        const r = parseFdt(b, 'm.dtb');
        assert.ok(performance.now() - t0 < 250);
        if (!r.ok) assert.match(r.error.code, /^FDT_ERR_/);
      },
    ),
    { numRuns: 1500 },
  );
});

test('mutation of header words to extreme values returns errors with a header offset', () => {
  const orig = realDtb();
  for (let off = 0; off < 0x28; off += 4) {
    for (const v of [0, 1, 3, 0x7fffffff, 0x80000000, 0xfffffffc, 0xffffffff]) {
      const b = orig.slice(0, 0x2000);
      const dv = new DataView(b.buffer);
      dv.setUint32(4, 0x2000);
      dv.setUint32(off, v);
      const r = parseFdt(b, 'h.dtb');
      if (!r.ok) assert.match(r.error.code, /^FDT_ERR_/, `word ${off} = ${v}`);
    }
  }
});

test('readNumberAt() reads what readNumber() reads from the cells, for 0–4 cells and any values', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 4 }), (cells, count) => {
    const bytes = new Uint8Array(16);
    const dv = new DataView(bytes.buffer);
    cells.forEach((c, i) => dv.setUint32(i * 4, c));
    assert.equal(readNumberAt(bytes, 0, count), readNumber(propCells({ name: 'reg', value: bytes, offset: 0 }), 0, count));
  }), { numRuns: 2000 });
  // the edges of the exact-double path: 2^53 - 1 and 2^53
  const b = new Uint8Array([0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x20, 0, 0, 0, 0, 0, 0]);
  assert.equal(readNumberAt(b, 0, 2), (1n << 53n) - 1n);
  assert.equal(readNumberAt(b, 2, 2), 1n << 53n);
});
