// Unit tests of the /reserved-memory model: the lib/sort.c port (properties, and the permutation a real 5.10
// boot revealed), the result object and memblock state after the recorded `main` scenario, and the trace's
// reasons. Expected addresses and orders come from the boots in test/data/reserved-mem/ (see its README).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseFdt } from '../../src/inputs/fdt/index.ts';
import type { Fdt } from '../../src/inputs/fdt/tree.ts';
import { builtinProfile } from '../../src/kernels/profiles.ts';
import { reservedMemByGeneration } from '../../src/kernels/behaviors/reserved-mem.ts';
import { earlyInitFdtScanReservedMem, libSort, type ReservedMemResult } from '../../src/model/reserved-mem/index.ts';
import { createMemblock, memblockAdd, memblockReserve, MEMBLOCK_NOMAP, type Memblock } from '../../src/model/memblock/index.ts';
import type { ModelContext } from '../../src/model/context.ts';
import { TraceRecorder } from '../../src/trace/recorder.ts';

const DATA = new URL('../data/reserved-mem/', import.meta.url);
const MiB = 1n << 20n;

function fdtOf(file: string): Fdt {
  const r = parseFdt(new Uint8Array(readFileSync(new URL(file, DATA))), file);
  assert.ok(r.ok);
  return r.value;
}

/** The memblock state of a QEMU virt 4 GiB boot at early_init_fdt_scan_reserved_mem() time (see reserved-mem-observed.test.ts). */
function run(gen: '5.10' | '6.1' | '6.12' | '7.2', scenario: string, cmaCmdlineGiven = false): { mb: Memblock; res: ReservedMemResult; trace: TraceRecorder; ctx: ModelContext } {
  const profile = builtinProfile(`debian-${gen}`)!;
  const fdt = fdtOf(`${scenario}-${gen}.final.dtb`);
  const mb = createMemblock({ pageSize: 4096n, ...profile.behaviours.memblock });
  const trace = new TraceRecorder(() => mb);
  const ctx: ModelContext = { mb, trace, msg: profile.behaviours.messages };
  memblockAdd(mb, 0x40000000n, 4n << 30n);
  memblockReserve(mb, 0x48000000n, BigInt(fdt.header.totalsize));
  memblockReserve(mb, 0x40200000n + profile.image.reserveSkipsHeader, profile.image.imageSize - profile.image.reserveSkipsHeader);
  const res = earlyInitFdtScanReservedMem(ctx, reservedMemByGeneration[gen], { fdt, rootAddrCells: 2, rootSizeCells: 2, cmaCmdlineGiven });
  return { mb, res, trace, ctx };
}

test('lib/sort.c classic: [fw, stat, dyn1, dyn2, dyn3] sorts to [dyn3, dyn1, dyn2, fw, stat] (5.10/6.1 allocated dyn3 first: 0x13ff00000)', () => {
  const els = [
    { n: 'fw', base: 0x50000000n, size: MiB }, { n: 'stat', base: 0x51000000n, size: 2n * MiB },
    { n: 'dyn1', base: 0n, size: 0n }, { n: 'dyn2', base: 0n, size: 0n }, { n: 'dyn3', base: 0n, size: 0n },
  ];
  const cmp = (a: typeof els[0], b: typeof els[0]) => (a.base !== b.base ? (a.base < b.base ? -1 : 1) : a.size !== b.size ? (a.size < b.size ? -1 : 1) : 0);
  assert.deepEqual(libSort([...els], cmp, 'classic').map((e) => e.n), ['dyn3', 'dyn1', 'dyn2', 'fw', 'stat']);
});

for (const variant of ['classic', 'double-pop'] as const) {
  test(`lib/sort.c ${variant}: sorts, and is a permutation of its input`, () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 70 }), (xs) => {
      const tagged = xs.map((v, i) => ({ v, i }));
      const out = libSort([...tagged], (a, b) => a.v - b.v, variant);
      for (let k = 1; k < out.length; k++) assert.ok(out[k - 1].v <= out[k].v);
      assert.deepEqual(out.map((e) => e.i).sort((a, b) => a - b), tagged.map((e) => e.i));
    }));
  });
}

test('main on 5.10: dyn3 (no-map, dynamic) is removed from memblock.memory; dyn2 is the default CMA area', () => {
  const { mb, res } = run('5.10', 'main');
  assert.equal(res.late, undefined);
  assert.deepEqual(res.defaultCmaArea, { base: 0x7e000000n, size: 32n * MiB });
  assert.deepEqual(mb.memory.map((r) => [r.base, r.size, r.flags]), [
    [0x40000000n, 0x10000000n, 0], [0x50000000n, MiB, MEMBLOCK_NOMAP], [0x50100000n, 0x13ff00000n - 0x50100000n, 0],
  ]);
  assert.deepEqual(res.regions.map((r) => [r.name, r.kind]), [['dyn3', 'dma-pool'], ['dyn1', 'plain'], ['dyn2', 'cma'], ['fw@50000000', 'plain'], ['stat@51000000', 'plain']]);
});

test('main on 6.1: dyn3 stays in memory as NOMAP at 0x13ff00000', () => {
  const { mb } = run('6.1', 'main');
  const nomap = mb.memory.filter((r) => r.flags & MEMBLOCK_NOMAP).map((r) => [r.base, r.size]);
  assert.deepEqual(nomap, [[0x50000000n, MiB], [0x13ff00000n, MiB]]);
});

test('main on 6.12: static nodes wait for the late step, which sorts the array and allocates it', () => {
  const { res, ctx, trace } = run('6.12', 'main');
  assert.deepEqual(res.regions.map((r) => r.name), ['dyn1', 'dyn2', 'dyn3']);
  assert.ok(res.late);
  res.late(ctx);
  assert.deepEqual(res.regions.map((r) => [r.name, r.base]), [
    ['fw@50000000', 0x50000000n], ['stat@51000000', 0x51000000n], ['dyn2', 0x7e000000n], ['dyn3', 0x13fb00000n], ['dyn1', 0x13fc00000n],
  ]);
  const arr = trace.events.find((e) => e.site === 'alloc_reserved_mem_array');
  assert.equal(arr?.range?.size, 5n * 48n, 'total_reserved_mem_cnt = 2 static + 3 dynamic');
  const dyn1 = trace.events.find((e) => e.kind === 'alloc' && e.why?.startsWith("dynamic node 'dyn1'"));
  assert.equal(dyn1?.why, "dynamic node 'dyn1': 4 MiB, 1 MiB aligned, top-down anywhere → 0x13fc00000");
});

test('maincma: with cma= the DT default node is not the default area on any generation', () => {
  for (const gen of ['5.10', '6.1', '6.12', '7.2'] as const) {
    const { res, ctx } = run(gen, 'maincma', true);
    res.late?.(ctx);
    assert.equal(res.defaultCmaArea, undefined, gen);
    assert.ok(!res.regions.some((r) => r.name === 'dyn2'), `${gen}: dyn2 is not kept`);
  }
});
