import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseFdt, findNode, getProp, propU32, propString, propStrings, readCells, regEntries, dtRootCells,
  ofBusNAddrCells, ofNAddrCells, ofBusNSizeCells, ofNSizeCells, ofTranslateAddress, OF_BAD_ADDR, fdtValue, buildFdt,
  type Fdt,
} from '../../src/inputs/fdt/index.ts';
import { BEGIN, END, END_NODE, NOP, PROP, nameWords, node, rawFdt, setU32, smallBlob, smallTree } from './fdt-helpers.ts';

const parse = (b: Uint8Array): Fdt => {
  const r = parseFdt(b, 't.dtb');
  if (!r.ok) assert.fail(`unexpected error ${JSON.stringify(r.error)}`);
  return r.value;
};
const err = (b: Uint8Array): { code: string; offset: number | undefined; field: string | undefined } => {
  const r = parseFdt(b, 't.dtb');
  if (r.ok) assert.fail('expected an error');
  assert.equal(r.error.kind, 'fdt');
  assert.equal(r.error.file, 't.dtb');
  return { code: r.error.code, offset: r.error.offset, field: r.error.field };
};

test('valid blob: header, memreserve, tree', () => {
  const b = smallBlob();
  const fdt = parse(b);
  assert.deepEqual(fdt.header, {
    magic: 0xd00dfeed, totalsize: b.length, offDtStruct: 0x48, offDtStrings: fdt.header.offDtStrings, offMemRsvmap: 0x28,
    version: 17, lastCompVersion: 16, bootCpuidPhys: 0, sizeDtStrings: fdt.header.sizeDtStrings, sizeDtStruct: fdt.header.offDtStrings - 0x48,
  });
  assert.deepEqual(fdt.memreserve, [{ address: 0x48000000n, size: 0x1000n }]);
  assert.equal(fdt.root.name, '');
  assert.equal(fdt.root.path, '/');
  assert.deepEqual(fdt.root.children.map((c) => c.path), ['/memory@40000000', '/chosen']);
  assert.equal(fdt.root.children[0].parent, fdt.root);
  assert.equal(fdt.root.offset, 0x48);
  assert.equal(fdt.root.props[0].offset, 0x50);
  assert.equal(propString(fdt.root, 'model'), 'test');
});

const field = { magic: 0, totalsize: 4, off_dt_struct: 8, off_dt_strings: 0xc, off_mem_rsvmap: 0x10, version: 0x14, last_comp_version: 0x18, size_dt_strings: 0x20, size_dt_struct: 0x24 };
test('header: one broken field at a time gives the exact { code, offset }', () => {
  const b = smallBlob();
  const T = b.length;
  const cases: [string, number, number, string, number][] = [
    ['bad magic', field.magic, 0xd00dfeee, 'FDT_ERR_BADMAGIC', 0],
    ['totalsize past the buffer', field.totalsize, T + 1, 'FDT_ERR_TRUNCATED', 4],
    ['totalsize below the header', field.totalsize, 0x20, 'FDT_ERR_TRUNCATED', 4],
    ['version 15', field.version, 15, 'FDT_ERR_BADVERSION', 0x14],
    ['last_comp_version 18', field.last_comp_version, 18, 'FDT_ERR_BADVERSION', 0x18],
    ['off_mem_rsvmap inside the header', field.off_mem_rsvmap, 0x20, 'FDT_ERR_BADOFFSET', 0x10],
    ['off_mem_rsvmap past totalsize', field.off_mem_rsvmap, T + 8, 'FDT_ERR_BADOFFSET', 0x10],
    ['off_mem_rsvmap unaligned', field.off_mem_rsvmap, 0x2c, 'FDT_ERR_ALIGNMENT', 0x10],
    ['off_dt_struct past totalsize', field.off_dt_struct, 0xfffffff0, 'FDT_ERR_BADOFFSET', 8],
    ['off_dt_struct unaligned', field.off_dt_struct, 0x4a, 'FDT_ERR_ALIGNMENT', 8],
    ['size_dt_struct past totalsize', field.size_dt_struct, T, 'FDT_ERR_BADOFFSET', 0x24],
    ['off_dt_strings inside the header', field.off_dt_strings, 4, 'FDT_ERR_BADOFFSET', 0xc],
    ['off_dt_strings past totalsize', field.off_dt_strings, 0xffffffff, 'FDT_ERR_BADOFFSET', 0xc],
    ['size_dt_strings past totalsize', field.size_dt_strings, 0xffffffff, 'FDT_ERR_BADOFFSET', 0x20],
    ['size_dt_struct too short for FDT_END', field.size_dt_struct, 8, 'FDT_ERR_TRUNCATED', 0x50],
  ];
  for (const [name, off, value, code, at] of cases) {
    const e = err(setU32(b, off, value));
    assert.deepEqual({ code: e.code, offset: e.offset }, { code, offset: at }, name);
  }
});

test('header: a version-16 blob (no size_dt_struct) parses with the walk bounded by totalsize', () => {
  const b = setU32(setU32(smallBlob(), field.version, 16), field.size_dt_struct, 0);
  const fdt = parse(b);
  assert.equal(fdt.header.version, 16);
  assert.equal(fdt.header.sizeDtStruct, 0);
  assert.equal(fdt.root.children.length, 2);
});

test('truncation at every length returns an error, never throws', () => {
  const b = smallBlob();
  for (let n = 0; n < b.length; n++) {
    const r = parseFdt(b.subarray(0, n), 't.dtb');
    assert.equal(r.ok, false, `length ${n}`);
    if (!r.ok) assert.ok(['FDT_ERR_TRUNCATED', 'FDT_ERR_BADMAGIC'].includes(r.error.code), `length ${n}: ${r.error.code}`);
  }
  assert.equal(parseFdt(b, 't.dtb').ok, true);
});

test('memreserve: no terminator inside totalsize', () => {
  // Point the map at the last 8 bytes: the 16-byte entry does not fit.
  const packed = smallBlob().length;
  const total = Math.ceil(packed / 8) * 8 + 8;
  const b = buildFdt(smallTree(), { layout: 'dtc', memreserve: [{ address: 0x48000000n, size: 0x1000n }], totalsize: total });
  const e = err(setU32(b, field.off_mem_rsvmap, total - 8));
  assert.deepEqual(e, { code: 'FDT_ERR_TRUNCATED', offset: total - 8, field: 'memreserve' });
});

const ROOT = [BEGIN, ...nameWords('')];
test('structure: tokens balanced, exactly one root, names in the strings block', () => {
  // struct starts at 0x38
  const cases: [string, number[], string, string, number][] = [
    ['property before the root', [PROP, 4, 0, 1, ...ROOT, END_NODE, END], 'x\0', 'FDT_ERR_BADSTRUCTURE', 0x38],
    ['FDT_END before the root', [END], '', 'FDT_ERR_BADSTRUCTURE', 0x38],
    ['two roots', [...ROOT, END_NODE, ...ROOT, END_NODE, END], '', 'FDT_ERR_BADSTRUCTURE', 0x44],
    ['END_NODE at depth 0', [...ROOT, END_NODE, END_NODE, END], '', 'FDT_ERR_BADSTRUCTURE', 0x44],
    ['FDT_END inside a node', [...ROOT, END], '', 'FDT_ERR_BADSTRUCTURE', 0x40],
    ['unknown token', [...ROOT, 7, END_NODE, END], '', 'FDT_ERR_BADSTRUCTURE', 0x40],
    ['nameoff past the strings block', [...ROOT, PROP, 0, 5, END_NODE, END], 'ab\0', 'FDT_ERR_BADOFFSET', 0x48],
    ['name not NUL-terminated', [...ROOT, PROP, 0, 0, END_NODE, END], 'ab', 'FDT_ERR_TRUNCATED', 0x48],
    ['value past the block', [...ROOT, PROP, 100, 0, END_NODE, END], 'a\0', 'FDT_ERR_TRUNCATED', 0x44],
    ['no FDT_END', [...ROOT, END_NODE], '', 'FDT_ERR_TRUNCATED', 0x44],
    ['node name runs off the block', [...ROOT, BEGIN, 0x61616161], '', 'FDT_ERR_TRUNCATED', 0x44],
  ];
  for (const [name, words, strings, code, at] of cases) {
    const e = err(rawFdt(words, strings));
    assert.deepEqual({ code: e.code, offset: e.offset }, { code, offset: at }, name);
  }
});

test('structure: depth budget 64', () => {
  const deep = (n: number): number[] => [...ROOT, ...Array.from({ length: n - 1 }, () => [BEGIN, ...nameWords('a')]).flat(), ...Array(n).fill(END_NODE), END];
  assert.equal(parseFdt(rawFdt(deep(64), ''), 't').ok, true);
  const e = err(rawFdt(deep(65), ''));
  assert.equal(e.code, 'FDT_ERR_BADSTRUCTURE');
  assert.equal(e.field, 'depth');
  assert.equal(e.offset, 0x38 + 8 + 63 * 8);
});

test('structure: NOP tokens are counted per node, NOPed properties are not in props', () => {
  const fdt = parse(rawFdt([NOP, ...ROOT, NOP, BEGIN, ...nameWords('chosen'), NOP, NOP, NOP, PROP, 0, 0, END_NODE, END_NODE, NOP, END], 'x\0'));
  assert.equal(fdt.root.nops, 1);
  assert.equal(fdt.root.children[0].nops, 3);
  assert.deepEqual(fdt.root.children[0].props.map((p) => p.name), ['x']);
});

test('accessors: getProp, propU32, propString(s), readCells', () => {
  const t = node('', [
    ['u', fdtValue.u32(0xdeadbeef, 2)], ['short', new Uint8Array([1, 2])], ['s', fdtValue.strings('a', 'bc')],
    ['unterminated', new Uint8Array([0x61, 0x62])], ['e', fdtValue.empty()],
  ]);
  const fdt = parse(buildFdt(t));
  assert.equal(propU32(fdt.root, 'u'), 0xdeadbeef);
  assert.equal(propU32(fdt.root, 'short'), undefined);
  assert.equal(propU32(fdt.root, 'missing'), undefined);
  assert.equal(propString(fdt.root, 's'), 'a');
  assert.deepEqual(propStrings(fdt.root, 's'), ['a', 'bc']);
  assert.equal(propString(fdt.root, 'unterminated'), undefined);
  assert.deepEqual(propStrings(fdt.root, 'unterminated'), []);
  assert.equal(getProp(fdt.root, 'e')?.value.length, 0);
  const cells = fdtValue.u32(1, 2, 3, 4);
  assert.equal(readCells(cells, 0, 1), 1n);
  assert.equal(readCells(cells, 1, 2), 0x200000003n);
  assert.equal(readCells(cells, 0, 3), (1n << 64n) | (2n << 32n) | 3n);
  assert.equal(readCells(cells, 0, 4), (1n << 96n) | (2n << 64n) | (3n << 32n) | 4n);
  assert.throws(() => readCells(cells, 3, 2), RangeError);
  assert.throws(() => readCells(cells, 0, 5), RangeError);
});

test('findNode: exact names, unit-address-less match, first in DT order', () => {
  const fdt = parse(buildFdt(node('', [], [node('memory@80000000'), node('memory@40000000'), node('soc', [], [node('dma@7e007000')])])));
  assert.equal(findNode(fdt, '/')?.path, '/');
  assert.equal(findNode(fdt, '/memory')?.name, 'memory@80000000');
  assert.equal(findNode(fdt, '/memory@40000000')?.name, 'memory@40000000');
  assert.equal(findNode(fdt, '/soc/dma')?.path, '/soc/dma@7e007000');
  assert.equal(findNode(fdt, '/soc/nothing'), undefined);
  assert.equal(findNode(fdt, 'soc'), undefined);
});

test('cells: of_n_addr_cells walks up from the parent, defaults 1/1; the early scan reads the root only', () => {
  const fdt = parse(buildFdt(node('', [], [node('bus', [['#address-cells', fdtValue.u32(2)]], [node('dev', [], [node('leaf')])])])));
  const dev = findNode(fdt, '/bus/dev')!;
  assert.equal(ofBusNAddrCells(dev), 2);
  assert.equal(ofNAddrCells(dev), 2);
  assert.equal(ofBusNSizeCells(dev), 1);
  assert.equal(ofNSizeCells(dev), 1);
  assert.equal(ofNAddrCells(findNode(fdt, '/bus')!), 1);
  assert.deepEqual(dtRootCells(fdt), { addrCells: 1, sizeCells: 1, missing: ['#size-cells', '#address-cells'] });
  const virt = parse(smallBlob());
  assert.deepEqual(dtRootCells(virt), { addrCells: 2, sizeCells: 2, missing: [] });
});

test('regEntries: whole entries, trailing partial entry reported, too-short property is an error at its offset', () => {
  const t = node('', [], [
    node('m1', [['reg', fdtValue.cells(2, 0x40000000n, 0x20000000n, 0x100000000n, 0x40000000n)]]),
    node('m2', [['reg', fdtValue.u32(0, 0x40000000, 0, 0x1000, 7)]]),
    node('m3', [['reg', fdtValue.u32(0, 0x40000000)]]),
    node('m4', [['reg', fdtValue.empty()]]),
  ]);
  const fdt = parse(buildFdt(t));
  const cells = { addrCells: 2, sizeCells: 2 };
  const r1 = regEntries(fdt, findNode(fdt, '/m1')!, cells);
  assert.ok(r1.ok);
  assert.deepEqual(r1.value.entries, [{ base: 0x40000000n, size: 0x20000000n }, { base: 0x100000000n, size: 0x40000000n }]);
  assert.equal(r1.value.trailingBytes, 0);
  const r2 = regEntries(fdt, findNode(fdt, '/m2')!, cells);
  assert.ok(r2.ok);
  assert.deepEqual(r2.value.entries, [{ base: 0x40000000n, size: 0x1000n }]);
  assert.equal(r2.value.trailingBytes, 4);
  const m3 = findNode(fdt, '/m3')!;
  const r3 = regEntries(fdt, m3, cells);
  assert.ok(!r3.ok);
  assert.deepEqual({ code: r3.error.code, offset: r3.error.offset }, { code: 'FDT_ERR_TRUNCATED', offset: getProp(m3, 'reg')!.offset });
  const r4 = regEntries(fdt, findNode(fdt, '/m4')!, cells);
  assert.ok(r4.ok && r4.value.entries.length === 0);
  const r5 = regEntries(fdt, findNode(fdt, '/m1')!, { addrCells: 5, sizeCells: 2 });
  assert.ok(!r5.ok && r5.error.code === 'FDT_ERR_BADNCELLS');
});

test('of_translate_address: through ranges; empty ranges is identity; a missing ranges stops', () => {
  const c = fdtValue.u32;
  const t = node('', [['#address-cells', c(2)], ['#size-cells', c(2)]], [
    node('soc', [['#address-cells', c(1)], ['#size-cells', c(1)], ['ranges', c(0x7e000000, 0, 0xfe000000, 0x1800000)]], [
      node('uart@7e201000', [['reg', c(0x7e201000, 0x200)]]),
    ]),
    node('ident', [['#address-cells', c(2)], ['#size-cells', c(2)], ['ranges', fdtValue.empty()]], [node('x')]),
    node('opaque', [['#address-cells', c(1)], ['#size-cells', c(1)]], [node('y')]),
  ]);
  const fdt = parse(buildFdt(t));
  assert.equal(ofTranslateAddress(findNode(fdt, '/soc/uart')!, [0x7e201000]), 0xfe201000n);
  assert.equal(ofTranslateAddress(findNode(fdt, '/soc/uart')!, [0x10]), OF_BAD_ADDR);
  assert.equal(ofTranslateAddress(findNode(fdt, '/ident/x')!, [1, 0x1000]), 0x100001000n);
  assert.equal(ofTranslateAddress(findNode(fdt, '/opaque/y')!, [0x1000]), OF_BAD_ADDR);
  assert.equal(ofTranslateAddress(findNode(fdt, '/soc')!, [0, 0x1234]), 0x1234n);
});
