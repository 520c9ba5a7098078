// A run of identical top-down allocations placed together (allocBlocksTopDown, used by runRequests for
// sparse_index_alloc() pages, vmemmap tables, counted requests) leaves memblock exactly as placing them one by one
// with memblock_alloc_try_nid() does — on random memories with holes, reservations and NOMAP ranges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as M from '../../src/model/memblock/index.ts';
import { allocBlocksTopDown, runRequests } from '../../src/kernels/early-allocator.ts';
import { TraceRecorder } from '../../src/trace/recorder.ts';
import type { ModelContext } from '../../src/model/context.ts';
import { messagesFor } from '../../src/kernels/messages.ts';
import { VARIANTS, fresh } from './helpers.ts';

const PAGE = 4096n;
const region = fc.tuple(fc.integer({ min: 0, max: 4000 }), fc.integer({ min: 1, max: 400 }), fc.constantFrom(0n, 64n, 512n));

const state = fc.record({
  memory: fc.array(region, { minLength: 1, maxLength: 6 }),
  reserved: fc.array(region, { maxLength: 8 }),
  nomap: fc.array(region, { maxLength: 2 }),
  align: fc.constantFrom(64n, 512n, 4096n, 8192n),
  mult: fc.integer({ min: 1, max: 4 }),
  n: fc.integer({ min: 1, max: 40 }),
});

type State = typeof state extends fc.Arbitrary<infer T> ? T : never;

function build(v: (typeof VARIANTS)[number], s: State): ModelContext {
  const mb = fresh(v.opts);
  for (const [p, len, o] of s.memory) M.memblockAdd(mb, BigInt(p) * PAGE * 16n + o, BigInt(len) * PAGE);
  for (const [p, len, o] of s.reserved) M.memblockReserve(mb, BigInt(p) * PAGE * 16n + o, BigInt(len) * 64n);
  for (const [p, len] of s.nomap) M.memblockMarkNomap(mb, BigInt(p) * PAGE * 16n, BigInt(len) * PAGE);
  return { mb, trace: new TraceRecorder(() => mb), msg: messagesFor('6.12') };
}

for (const v of VARIANTS) {
  test(`[${v.name}] n allocations placed together = one by one`, () => {
    fc.assert(fc.property(state, (s) => {
      const size = s.align * BigInt(s.mult);
      const one = build(v, s);
      const together = build(v, s);
      let fits = true;
      for (let i = 0; i < s.n; i++) if (M.memblockAllocTryNid(one.mb, size, s.align, 0n, 0n, M.NUMA_NO_NODE) === undefined) fits = false;
      if (!fits) {
        assert.throws(() => allocBlocksTopDown(together, BigInt(s.n), size, s.align, 'x', 'x'));
        return;
      }
      allocBlocksTopDown(together, BigInt(s.n), size, s.align, 'x', 'x');
      assert.deepEqual(together.mb.reserved, one.mb.reserved);
      // and runRequests coalesces a list of them into the same placement
      const listed = build(v, s);
      runRequests(listed, Array.from({ length: s.n }, (_, i) => ({ kind: 'alloc' as const, site: 'x', size, align: s.align, why: `#${i}` })));
      assert.deepEqual(listed.mb.reserved, one.mb.reserved);
    }), { numRuns: 400 });
  });
}
