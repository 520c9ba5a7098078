// Snapshots of memblock (region-array.ts): the arrays change in place and a snapshot is rebuilt from undo
// records when read, so every snapshot taken along random operation sequences must read back exactly the
// state at its moment, whenever and in whatever order it is read, on every generation variant.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as M from '../../src/model/memblock/index.ts';
import { VARIANTS, fresh } from './helpers.ts';

const RUNS = Math.ceil(Number(process.env.BOOTMAP_PROPERTY_RUNS ?? 2000) / VARIANTS.length / 2);
const PAGE = 4096n;

const addr = fc.integer({ min: 0, max: 64 }).map((p) => BigInt(p) * PAGE);
const len = fc.integer({ min: 0, max: 24 }).map((p) => BigInt(p) * PAGE);
const op = fc.oneof(
  fc.tuple(fc.constant('add' as const), addr, len, fc.integer({ min: 0, max: 2 })),
  fc.tuple(fc.constant('remove' as const), addr, len, fc.constant(0)),
  fc.tuple(fc.constant('reserve' as const), addr, len, fc.constant(0)),
  fc.tuple(fc.constant('free' as const), addr, len, fc.constant(0)),
  fc.tuple(fc.constant('nomap' as const), addr, len, fc.integer({ min: 0, max: 1 })),
  fc.tuple(fc.constant('cap' as const), addr, len, fc.constant(0)),
  fc.tuple(fc.constant('setnode' as const), addr, len, fc.integer({ min: 0, max: 2 })),
  fc.tuple(fc.constant('alloc' as const), fc.integer({ min: 1, max: 4 }).map((p) => BigInt(p) * PAGE), fc.constantFrom(PAGE, 4n * PAGE), fc.constant(0)),
);
const plain = (rs: readonly M.MemblockRegion[]) => rs.map((r) => [r.base, r.size, r.nid, r.flags]);

/** One generated operation, on memblock. */
function apply(mb: M.Memblock, [kind, a, b, c]: [string, bigint, bigint, number]): void {
  if (kind === 'add') M.memblockAddNode(mb, a, b, c === 2 ? M.MAX_NUMNODES : c);
  else if (kind === 'remove') M.memblockRemove(mb, a, b);
  else if (kind === 'reserve') M.memblockReserve(mb, a, b);
  else if (kind === 'free') M.memblockPhysFree(mb, a, b);
  else if (kind === 'nomap') (c ? M.memblockMarkNomap : M.memblockClearNomap)(mb, a, b);
  else if (kind === 'cap') M.memblockCapMemoryRange(mb, a, b);
  else if (kind === 'setnode') M.memblockSetNode(mb, a, b, c);
  else M.memblockPhysAlloc(mb, a, b);
}

for (const v of VARIANTS) {
  test(`[${v.name}] snapshots read back the state of their moment, in any order`, () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 8 }), (ops, readAlong, order) => {
        const mb = fresh(v.opts);
        const taken: { snap: M.MemblockSnapshot; memory: unknown[]; reserved: unknown[] }[] = [];
        for (const o of ops) {
          apply(mb, o);
          const snap = M.snapshot(mb);
          // reading the current arrays now or not at all must not change what a snapshot shows later
          if (readAlong) void mb.memory;
          taken.push({ snap, memory: plain(mb.types.memory.r), reserved: plain(mb.types.reserved.r) });
        }
        // some snapshots read early in a random order, then all of them
        for (const i of order) {
          const t = taken[i % Math.max(1, taken.length)];
          if (t) assert.deepEqual(plain(t.snap.memory), t.memory);
        }
        for (const t of taken) {
          assert.deepEqual(plain(t.snap.memory), t.memory);
          assert.deepEqual(plain(t.snap.reserved), t.reserved);
          assert.ok(Object.isFrozen(t.snap.memory) && Object.isFrozen(t.snap.reserved));
        }
        // unchanged state: the same snapshot object, the same frozen array
        assert.equal(M.snapshot(mb), M.snapshot(mb));
        assert.equal(mb.reserved, mb.reserved);
      }),
      { numRuns: RUNS },
    );
  });
}

test('a snapshot taken before an assignment of the arrays still shows the old ones', () => {
  const mb = fresh();
  M.memblockAdd(mb, 0x40000000n, 0x10000000n);
  const before = M.snapshot(mb);
  const other = fresh();
  M.memblockAdd(other, 0x80000000n, PAGE);
  M.memblockAdd(other, 0x90000000n, PAGE);
  mb.memory = other.memory;
  assert.deepEqual(plain(before.memory), [[0x40000000n, 0x10000000n, M.MAX_NUMNODES, 0]]);
  assert.deepEqual(plain(mb.memory), plain(other.memory));
  // the assigned regions are merged by the next whole-array merge (5.10/6.1), as they were taken as they are
  assert.equal(mb.types.memory.unmerged, true);
});

test('the doubles beside the regions stay exact, and every region at or above 2^53 is counted unsafe', () => {
  const HIGH = [0n, (1n << 53n) - 8n * PAGE, 1n << 60n];
  fc.assert(
    fc.property(fc.array(fc.tuple(op, fc.constantFrom(...HIGH)), { maxLength: 30 }), (ops) => {
      for (const v of VARIANTS) {
        const mb = fresh(v.opts);
        for (const [[kind, a0, b, c], h] of ops) {
          apply(mb, [kind, typeof a0 === 'bigint' && kind !== 'alloc' ? a0 + h : a0, b, c]);
          for (const t of [mb.types.memory, mb.types.reserved]) {
            let unsafe = 0;
            t.r.forEach((r, i) => {
              if (r.base + r.size >= 1n << 53n) unsafe++;
              else {
                assert.equal(t.b[i], Number(r.base));
                assert.equal(t.e[i], Number(r.base + r.size));
              }
            });
            assert.equal(t.unsafe, unsafe);
            assert.equal(t.b.length, t.r.length);
            assert.equal(t.e.length, t.r.length);
          }
        }
      }
    }),
    { numRuns: RUNS },
  );
});
