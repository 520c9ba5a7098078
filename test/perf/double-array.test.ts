// memblock_double_array() (mm/memblock.c): full region arrays grow from memblock itself, 5.10–7.2.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createMemblock,
  initMemblockRegions,
  memblockAdd,
  memblockAllowResize,
  MemblockPanic,
  memblockReserve,
  MEMBLOCK_RSRV_KERN,
  type DoubleArrayEvent,
  type Memblock,
} from '../../src/model/memblock/index.ts';

const MiB = 1n << 20n;
const GiB = 1n << 30n;

/** `n` disjoint 1 MiB memory regions at 2 MiB strides from 1 GiB (no two can merge). */
function addDisjoint(mb: Memblock, n: number, from = 0): boolean[] {
  const r: boolean[] = [];
  for (let i = from; i < from + n; i++) r.push(memblockAdd(mb, GiB + BigInt(i) * 2n * MiB, MiB));
  return r;
}

function withEvents(mb: Memblock): DoubleArrayEvent[] {
  const events: DoubleArrayEvent[] = [];
  mb.onDoubleArray = (e) => events.push(e);
  return events;
}

test('initial array sizes: 5.10 128 memory regions, 6.1+ 1024 with EFI; reserved 128 + NR_CPUS + 1 with EFI and GICv3 ITS', () => {
  assert.deepEqual(initMemblockRegions({ efi: true, gicV3Its: true, nrCpus: 256, efiMemoryRegionsX8: false }), { memory: 128, reserved: 385 });
  assert.deepEqual(initMemblockRegions({ efi: true, gicV3Its: true, nrCpus: 512, efiMemoryRegionsX8: true }), { memory: 1024, reserved: 641 });
  assert.deepEqual(initMemblockRegions({ efi: false, gicV3Its: true, nrCpus: 512, efiMemoryRegionsX8: true }), { memory: 128, reserved: 128 });
});

test('without regionsMax the arrays are unbounded and never doubled', () => {
  const mb = createMemblock();
  const events = withEvents(mb);
  assert.ok(addDisjoint(mb, 300).every(Boolean));
  assert.equal(mb.memory.length, 300);
  assert.equal(mb.reserved.length, 0);
  assert.equal(events.length, 0);
});

test('5.10/6.1: before memblock_allow_resize() the add that needs a doubling fails and changes nothing', () => {
  const mb = createMemblock({ initRegions: { memory: 128, reserved: 385 } });
  const events = withEvents(mb);
  const r = addDisjoint(mb, 130);
  assert.deepEqual(r.map((ok, i) => [i, ok]).filter(([, ok]) => !ok).map(([i]) => i), [128, 129]);
  assert.equal(mb.memory.length, 128);
  assert.equal(mb.regionsMax!.memory, 128);
  assert.equal(mb.reserved.length, 0);
  assert.equal(events.length, 0);
  // an add that overlaps what is there inserts nothing and still succeeds
  assert.equal(memblockAdd(mb, GiB, MiB), true);
});

test('6.12+: before memblock_allow_resize() a doubling panics', () => {
  const mb = createMemblock({ initRegions: { memory: 1024, reserved: 641 }, resizePanics: true });
  addDisjoint(mb, 1024);
  assert.throws(() => memblockAdd(mb, 8n * GiB, MiB), (e: unknown) => e instanceof MemblockPanic && e.line === 'memblock: cannot resize memory array');
});

test('memory: doubled from memblock, top-down and page aligned; the next doubling frees the old array', () => {
  const mb = createMemblock({ initRegions: { memory: 4, reserved: 16 } });
  memblockAllowResize(mb);
  const events = withEvents(mb);
  assert.ok(addDisjoint(mb, 5).every(Boolean));
  // doubled before the fifth region goes in: 8 * 24 = 192 bytes, PAGE_ALIGN: one page at the top of
  // the highest region then, [1G + 6M, 1G + 7M)
  const top = GiB + 7n * MiB;
  const a1 = top - 4096n;
  assert.equal(mb.memory.length, 5);
  assert.equal(mb.regionsMax!.memory, 8);
  assert.deepEqual(mb.reserved, [{ base: a1, size: 4096n, flags: 0, nid: 16 }]);
  assert.deepEqual(events, [{ type: 'memory', from: 4, to: 8, range: { base: a1, size: 4096n }, freed: undefined, line: `memblock: memory is doubled to 8 at [0x${a1.toString(16).padStart(16, '0')}-0x${(a1 + 191n).toString(16).padStart(16, '0')}]`, level: 'debug' }]);
  assert.ok(addDisjoint(mb, 4, 5).every(Boolean));
  // before the ninth: 16 * 24 = 384 bytes, one page at the top of [1G + 14M, 1G + 15M); the old one is freed
  const top2 = GiB + 15n * MiB;
  assert.equal(mb.memory.length, 9);
  assert.equal(mb.regionsMax!.memory, 16);
  assert.deepEqual(mb.reserved, [{ base: top2 - 4096n, size: 4096n, flags: 0, nid: 16 }]);
  assert.deepEqual(events[1].freed, { base: a1, size: 4096n });
});

test('reserved: the new array avoids the range being reserved, looking above it first, then below', () => {
  const mb = createMemblock({ initRegions: { memory: 16, reserved: 2 } });
  memblockAllowResize(mb);
  const events = withEvents(mb);
  memblockAdd(mb, GiB, 64n * MiB);
  memblockReserve(mb, GiB, MiB);
  memblockReserve(mb, GiB + 4n * MiB, MiB);
  // the third region reaches the top of memory: nothing above it, so the array goes just below it
  const base = GiB + 63n * MiB;
  memblockReserve(mb, base, MiB);
  assert.equal(events.length, 1);
  assert.equal(events[0].range!.base, base - 4096n);
  assert.deepEqual(mb.reserved.map((r) => [r.base, r.size]), [
    [GiB, MiB],
    [GiB + 4n * MiB, MiB],
    [base - 4096n, MiB + 4096n],
  ]);
  assert.equal(mb.regionsMax!.reserved, 4);
});

test('7.2: the new array is reserved with MEMBLOCK_RSRV_KERN (memblock_reserve_kern())', () => {
  const mb = createMemblock({ initRegions: { memory: 2, reserved: 16 }, reserveKernFlag: true });
  memblockAllowResize(mb);
  addDisjoint(mb, 3);
  assert.equal(mb.reserved.length, 1);
  assert.equal(mb.reserved[0].flags, MEMBLOCK_RSRV_KERN);
  assert.equal(mb.reserved[0].nid, -1);
});

test('a doubling that finds no room fails the add with pr_err and -ENOMEM', () => {
  const mb = createMemblock({ initRegions: { memory: 2, reserved: 16 } });
  memblockAllowResize(mb);
  const events = withEvents(mb);
  memblockAdd(mb, GiB, MiB);
  memblockAdd(mb, GiB + 2n * MiB, MiB);
  memblockReserve(mb, GiB, 3n * MiB);
  assert.equal(memblockAdd(mb, GiB + 4n * MiB, MiB), false);
  assert.deepEqual(mb.memory.map((r) => r.base), [GiB, GiB + 2n * MiB]);
  assert.deepEqual(mb.reserved.map((r) => [r.base, r.size]), [[GiB, 3n * MiB]]);
  assert.deepEqual(events, [{ type: 'memory', from: 2, to: 2, line: 'memblock: Failed to double memory array from 2 to 4 entries !', level: 'err' }]);
});
