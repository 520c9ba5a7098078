// Unit and property tests of the linear-map model: counts worked out by hand here, per granule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LINEAR_MAP_RULES, DEBIAN_IMAGE_LAYOUTS, decideLinearMapFlags, DEBIAN_LINEAR_MAP_CONFIG } from '../../src/kernels/behaviors/linear-map.ts';
import { createPgdMappings, geometry, ivLength, linearMapSummary, pagingInitPageTables, unionIv, type Granule, type MapFlags } from '../../src/model/linear-map/index.ts';

const M = 1n << 20n;
const G = 1n << 30n;
const PAGES: MapFlags = { noBlock: true, noCont: true };
const BLOCKS: MapFlags = { noBlock: false, noCont: false };
const one = (g: Granule, va: bigint, size: bigint, flags: MapFlags, pa = va) =>
  createPgdMappings(geometry(g, g === 65536 ? 42 : 48), [{ va, pa, size, flags, what: 't' }]).tables;

test('4K/48: 2 GiB at 1 GiB by pages: 1024 pte + 2 pmd + 1 pud', () => {
  assert.deepEqual(one(4096, G, 2n * G, PAGES), { p4d: 0, pud: 1, pmd: 2, pte: 1024 });
});
test('4K/48: 2 GiB at 1 GiB with blocks: two 1 GiB PUD blocks, only the pud table', () => {
  assert.deepEqual(one(4096, G, 2n * G, BLOCKS), { p4d: 0, pud: 1, pmd: 0, pte: 0 });
});
test('4K/48: unaligned [1G+1M, 3G-1M) with blocks: pmd tables at both ends, pte tables at both 2 MiB edges', () => {
  assert.deepEqual(one(4096, G + M, 2n * G - 2n * M, BLOCKS), { p4d: 0, pud: 1, pmd: 2, pte: 2 });
});
test('4K/48: VA and PA disagree mod 2 MiB: no block anywhere', () => {
  // 4 MiB at VA 0x40000000, PA 0x40001000: pages in 2 (+1 straddled) pte tables under one pmd table.
  assert.deepEqual(one(4096, G, 4n * M, BLOCKS, G + 0x1000n), { p4d: 0, pud: 1, pmd: 1, pte: 2 });
});
test('4K/52 (LPA2, 5 levels): a p4d table appears', () => {
  const t = createPgdMappings(geometry(4096, 52), [{ va: G, pa: G, size: 2n * G, flags: PAGES, what: 't' }]).tables;
  assert.deepEqual(t, { p4d: 1, pud: 1, pmd: 2, pte: 1024 });
});
test('16K/48: 1 GiB by pages: 32 MiB per pte table → 32 pte, 1 pmd (64 GiB), 1 pud (128 TiB)', () => {
  assert.deepEqual(one(16384, G, G, PAGES), { p4d: 0, pud: 1, pmd: 1, pte: 32 });
});
test('16K/48: 1 GiB with blocks: 32 MiB PMD blocks, no pte table (no PUD block on 16K)', () => {
  assert.deepEqual(one(16384, G, G, BLOCKS), { p4d: 0, pud: 1, pmd: 1, pte: 0 });
});
test('64K/42 (2 levels): 2 GiB by pages: 512 MiB per pte table → 4 pte tables, nothing else', () => {
  assert.deepEqual(one(65536, G, 2n * G, PAGES), { p4d: 0, pud: 0, pmd: 0, pte: 4 });
});
test('64K/42: 2 GiB + 64 KiB with blocks: 4 blocks of 512 MiB and one pte table', () => {
  assert.deepEqual(one(65536, G, 2n * G + 0x10000n, BLOCKS), { p4d: 0, pud: 0, pmd: 0, pte: 1 });
});
test('a block is not written over an entry holding a table (tables shared, none added)', () => {
  const g = geometry(4096, 48);
  const t = createPgdMappings(g, [
    { va: G, pa: G, size: 0x1000n, flags: PAGES, what: 'a' },
    { va: G, pa: G, size: G, flags: BLOCKS, what: 'b' },
  ]);
  assert.deepEqual(t.tables, { p4d: 0, pud: 1, pmd: 1, pte: 1 });
});

test('decide: 6.12 rodata=off keeps pages because KFENCE has no early pool; sample_interval=100 lifts it', () => {
  const cfg = DEBIAN_LINEAR_MAP_CONFIG['6.12'];
  assert.equal(decideLinearMapFlags('6.12', { crashkernel: false, rodata: 'off' }, cfg, { bbml2NoAbort: false }).flags.noBlock, true);
  assert.equal(decideLinearMapFlags('6.12', { crashkernel: false, rodata: 'off', kfenceSampleInterval: 100 }, cfg, { bbml2NoAbort: false }).flags.noBlock, false);
  assert.equal(decideLinearMapFlags('7.2', { crashkernel: false, rodata: 'on', kfenceSampleInterval: 100 }, DEBIAN_LINEAR_MAP_CONFIG['7.2'], { bbml2NoAbort: false }).flags.noBlock, true);
  assert.equal(decideLinearMapFlags('7.2', { crashkernel: false }, DEBIAN_LINEAR_MAP_CONFIG['7.2'], { bbml2NoAbort: true }).flags.noBlock, false);
  assert.equal(decideLinearMapFlags('5.10', { crashkernel: true, rodata: 'off' }, DEBIAN_LINEAR_MAP_CONFIG['5.10'], { bbml2NoAbort: false }).flags.noBlock, true);
});

test('5.10/6.1 free init_pg_dir (20 KiB inside the image); 6.12/7.2 free nothing', () => {
  for (const gen of ['5.10', '6.1', '6.12', '7.2'] as const) {
    const r = pagingInitPageTables({ memory: [{ base: G, size: 2n * G }], kernel: DEBIAN_IMAGE_LAYOUTS[gen], pageSize: 4096, vaBits: 48, flags: PAGES }, LINEAR_MAP_RULES[gen]);
    if (gen === '5.10' || gen === '6.1') assert.equal(r.freed?.size, 20480n);
    else assert.equal(r.freed, null);
  }
});

test('16 TiB by pages costs microseconds (analytic per range)', () => {
  const t0 = performance.now();
  const r = pagingInitPageTables({ memory: [{ base: G, size: 16n << 40n }], kernel: DEBIAN_IMAGE_LAYOUTS['7.2'], pageSize: 4096, vaBits: 48, flags: PAGES }, LINEAR_MAP_RULES['7.2']);
  assert.equal(r.steps.mapMem.perLevel.pte, 16 * 1024 * 512);
  assert.ok(performance.now() - t0 < 50);
});

test('summary: 2 GiB blocks on 7.2 rules: the image mapped first breaks the first GiB into PMD blocks', () => {
  const s = linearMapSummary({ memory: [{ base: G, size: 2n * G }], kernel: { ...DEBIAN_IMAGE_LAYOUTS['7.2'], physBase: G }, pageSize: 4096, vaBits: 48, flags: BLOCKS }, LINEAR_MAP_RULES['7.2']);
  // [G, G+0x2510000) and [G+0x28e0000, G+0x2ee6000) first: a pmd table in GiB 0 (no PUD block over a table),
  // 2 MiB blocks there except three edge chunks (pte tables), GiB 1 one PUD block.
  assert.equal(s.leaves.pud, 1n);
  assert.deepEqual(s.tablePages, { p4d: 0, pud: 1, pmd: 1, pte: 3 });
  assert.equal(s.mappedBytes, 2n * G);
});

const granule = fc.constantFrom<Granule>(4096, 16384, 65536);
const ranges = fc.array(fc.tuple(fc.bigInt({ min: 0n, max: 1n << 36n }), fc.bigInt({ min: 1n, max: 1n << 33n })), { minLength: 1, maxLength: 5 });

test('property: mapped set equals the union of the calls; leaves do not overlap', () => {
  fc.assert(fc.property(granule, ranges, fc.boolean(), (gs, rs, pages) => {
    const g = geometry(gs, 48);
    const ps = BigInt(gs);
    const calls = rs.map(([b, s]) => { const base = (b / ps) * ps; const size = ((s + ps - 1n) / ps) * ps; return { va: base, pa: base, size, flags: pages ? PAGES : BLOCKS, what: 'x' }; });
    const t = createPgdMappings(g, calls);
    const want = unionIv(calls.map((c) => [c.va, c.va + c.size] as const));
    const leaves = [...t.blockSets.flat(), ...t.pteSet];
    assert.equal(ivLength(unionIv(leaves)), ivLength(want));
    assert.equal(ivLength(leaves), ivLength(want)); // disjoint: sum of parts equals their union
  }), { numRuns: 200 });
});

test('property: counts are monotone — pages ≥ blocks, more memory never fewer tables', () => {
  fc.assert(fc.property(granule, ranges, fc.bigInt({ min: 1n, max: 1n << 32n }), (gs, rs, more) => {
    const g = geometry(gs, 48);
    const ps = BigInt(gs);
    const mk = (flags: MapFlags, grow = 0n) => rs.map(([b, s], i) => { const base = (b / ps) * ps; const size = ((s + (i === 0 ? grow : 0n) + ps - 1n) / ps) * ps; return { va: base, pa: base, size, flags, what: 'x' }; });
    const sum = (t: Record<string, number>) => Object.values(t).reduce((a, b) => a + b, 0);
    assert.ok(sum(createPgdMappings(g, mk(PAGES)).tables) >= sum(createPgdMappings(g, mk(BLOCKS)).tables));
    assert.ok(sum(createPgdMappings(g, mk(PAGES, more)).tables) >= sum(createPgdMappings(g, mk(PAGES)).tables));
  }), { numRuns: 200 });
});
