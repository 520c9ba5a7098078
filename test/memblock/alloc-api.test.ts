// Ports tools/testing/memblock/tests/alloc_api.c (7.2 tree): memblock_alloc(), top-down and bottom-up,
// on every generation variant. The harness's memblock_reserve_kern() preparations are
// memblockReserveKern(…, NUMA_NO_NODE) (a plain memblock_reserve before 7.2).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as M from '../../src/model/memblock/index.ts';
import { SZ, VARIANTS, allocReserve, assertRegions, fresh, plainReserve } from './helpers.ts';

const MEM_SIZE = SZ._32K;
const BASE = 0x4000_0000n;
/** The harness's SMP_CACHE_BYTES (tools/include/linux/cache.h: L1_CACHE_SHIFT 5); arm64 kernels use 64. */
const SMP = 32n;
const NO = M.NUMA_NO_NODE;

/** setup_memblock(): one MEM_SIZE block of memory, nothing reserved. */
function setup(opts: M.CreateMemblockOptions, bottomUp: boolean): M.Memblock {
  const mb = fresh(opts);
  mb.bottomUp = bottomUp;
  M.memblockAdd(mb, BASE, MEM_SIZE);
  return mb;
}
const end = (mb: M.Memblock) => M.memblockEndOfDRAM(mb);
const start = (mb: M.Memblock) => M.memblockStartOfDRAM(mb);
const kern = (mb: M.Memblock, b: bigint, s: bigint) => M.memblockReserveKern(mb, b, s, NO);

for (const v of VARIANTS) {
  const t = (name: string, fn: () => void) => test(`[${v.name}] memblock_alloc: ${name}`, fn);

  // Allocates a small region. Expect it aligned near the end of memory.
  t('top_down simple', () => {
    const mb = setup(v.opts, false);
    const a = M.memblockAlloc(mb, SZ._2, SMP);
    assert.equal(a, end(mb) - SMP);
    assertRegions(mb.reserved, [{ base: end(mb) - SMP, size: SZ._2 }], allocReserve(mb));
  });

  /*
   * |            +--------+         +--------|
   * |            |  rgn2  |         |  rgn1  |
   * +------------+--------+---------+--------+
   * Expect two separate entries, the new one aligned to the requested alignment.
   */
  t('top_down disjoint', () => {
    const mb = setup(v.opts, false);
    const r1 = end(mb) - SZ._2;
    M.memblockReserve(mb, r1, SZ._2);
    assert.equal(M.memblockAlloc(mb, SZ._16, SMP * 2n), end(mb) - SMP * 2n);
    assert.deepEqual(
      mb.reserved.map((r) => [r.base, r.size, r.flags, r.nid]),
      [[end(mb) - SMP * 2n, SZ._16, allocReserve(mb).flags, allocReserve(mb).nid], [r1, SZ._2, 0, plainReserve(mb).nid]],
    );
  });

  /*
   *  |              +--------+--------------|
   *  |              |   r1   |      r2      |
   *  +--------------+--------+--------------+
   * Expect a merge of both regions. Only the region size gets updated.
   */
  t('top_down before', () => {
    const mb = setup(v.opts, false);
    const total = SMP + SZ._512;
    kern(mb, end(mb) - total, SMP);
    assert.equal(M.memblockAlloc(mb, SZ._512, SMP), end(mb) - SZ._512);
    assertRegions(mb.reserved, [{ base: end(mb) - total, size: total }], allocReserve(mb));
  });

  /*
   *  |            +-----------+------+     |
   *  |            |     r2    |  r1  |     |
   *  +------------+-----------+------+-----+
   * Expect a merge; both the base and the size change.
   */
  t('top_down after', () => {
    const mb = setup(v.opts, false);
    const r1 = end(mb) - SMP;
    kern(mb, r1, SZ._8);
    M.memblockAlloc(mb, SZ._512, SMP);
    assertRegions(mb.reserved, [{ base: r1 - SZ._512, size: SZ._8 + SZ._512 }], allocReserve(mb));
  });

  /*
   *  |       +--------+----------+   +------|
   *  |       |   r3   |    r2    |   |  r1  |
   *  +-------+--------+----------+---+------+
   * Expect the new region before r2 (the gap above is too small), merged with it.
   */
  t('top_down second_fit', () => {
    const mb = setup(v.opts, false);
    const r1 = end(mb) - SZ._512;
    const r2 = r1 - SZ._512;
    kern(mb, r1, SZ._512);
    kern(mb, r2, SZ._256);
    M.memblockAlloc(mb, SZ._1K, SMP);
    assertRegions(mb.reserved, [{ base: r2 - SZ._1K, size: SZ._256 + SZ._1K }, { base: r1, size: SZ._512 }], allocReserve(mb));
  });

  /*
   *  |    +----------+   +----------+     |
   *  |    |   rgn1   |   |   rgn2   |     |
   *  +----+----------+---+----------+-----+
   * Bottom-up: the new entry is the second one, aligned.
   */
  t('bottom_up disjoint', () => {
    const mb = setup(v.opts, true);
    const r1 = start(mb) + SZ._2;
    M.memblockReserve(mb, r1, SZ._2);
    assert.equal(M.memblockAlloc(mb, SZ._16, SMP * 2n), start(mb) + SMP * 2n);
    assert.deepEqual(
      mb.reserved.map((r) => [r.base, r.size, r.flags, r.nid]),
      [[r1, SZ._2, 0, plainReserve(mb).nid], [start(mb) + SMP * 2n, SZ._16, allocReserve(mb).flags, allocReserve(mb).nid]],
    );
  });

  // Bottom-up simple: expect the region at the start of memory.
  t('bottom_up simple', () => {
    const mb = setup(v.opts, true);
    assert.equal(M.memblockAlloc(mb, SZ._2, SMP), start(mb));
    assertRegions(mb.reserved, [{ base: start(mb), size: SZ._2 }], allocReserve(mb));
  });

  /*
   *  |------------------+--------+         |
   *  |        r1        |   r2   |         |
   *  +------------------+--------+---------+
   * Expect a merge of both regions.
   */
  t('bottom_up before', () => {
    const mb = setup(v.opts, true);
    kern(mb, start(mb) + SZ._512, SZ._128);
    M.memblockAlloc(mb, SZ._512, SMP);
    assertRegions(mb.reserved, [{ base: start(mb), size: SZ._512 + SZ._128 }], allocReserve(mb));
  });

  /*
   *  |    +--------+--------------+         |
   *  |    |   r1   |      r2      |         |
   *  +----+--------+--------------+---------+
   */
  t('bottom_up after', () => {
    const mb = setup(v.opts, true);
    const r1 = start(mb) + SMP;
    kern(mb, r1, SZ._64);
    M.memblockAlloc(mb, SZ._512, SMP);
    assertRegions(mb.reserved, [{ base: r1, size: SZ._64 + SZ._512 }], allocReserve(mb));
  });

  /*
   *  |------------+     +--------+--------+  |
   *  |     r1     |     |   r2   |   r3   |  |
   *  +------------+-----+--------+--------+--+
   */
  t('bottom_up second_fit', () => {
    const mb = setup(v.opts, true);
    const r1 = start(mb);
    const r2 = r1 + SZ._512 + SZ._512;
    kern(mb, r1, SZ._512);
    kern(mb, r2, SZ._256);
    M.memblockAlloc(mb, SZ._1K, SMP);
    assertRegions(mb.reserved, [{ base: r1, size: SZ._512 }, { base: r2, size: SZ._256 + SZ._1K }], allocReserve(mb));
  });

  for (const bottomUp of [false, true]) {
    const dir = bottomUp ? 'bottom_up' : 'top_down';
    /*
     *  |     +--------+--------+--------+     |
     *  |     |   r2   |   r3   |   r1   |     |
     *  +-----+--------+--------+--------+-----+
     * Expect all three merged into one entry.
     */
    t(`in_between (${dir})`, () => {
      const mb = setup(v.opts, bottomUp);
      const gap = SMP;
      const rgnSize = (MEM_SIZE - (2n * gap + SZ._64)) / 2n;
      const r1 = end(mb) - (gap + rgnSize);
      const r2 = start(mb) + gap;
      kern(mb, r1, rgnSize);
      kern(mb, r2, rgnSize);
      M.memblockAlloc(mb, SZ._64, SMP);
      assertRegions(mb.reserved, [{ base: r2, size: 2n * rgnSize + SZ._64 }], allocReserve(mb));
    });

    /*
     *    |    +-----+    +-----+    +-----+    |
     *    |    | res |    | res |    | res |    |
     *    +----+-----+----+-----+----+-----+----+
     * Gaps too small everywhere: expect no allocation.
     */
    t(`small_gaps (${dir})`, () => {
      const mb = setup(v.opts, bottomUp);
      for (let e = start(mb); e < end(mb); e += SZ._256 + SZ._1K) M.memblockReserve(mb, e + SZ._256, SZ._1K);
      const before = mb.reserved;
      assert.equal(M.memblockAlloc(mb, SZ._1K, SMP), undefined);
      assert.equal(mb.reserved, before);
    });

    // All memory reserved: expect no allocation.
    t(`all_reserved (${dir})`, () => {
      const mb = setup(v.opts, bottomUp);
      M.memblockReserve(mb, start(mb), MEM_SIZE);
      assert.equal(M.memblockAlloc(mb, SZ._256, SMP), undefined);
      assertRegions(mb.reserved, [{ base: start(mb), size: MEM_SIZE }], plainReserve(mb));
    });

    /*
     *  |-----------------------------+   |
     *  |          reserved           |   |
     *  +-----------------------------+---+
     * Not enough room left: expect no allocation.
     */
    t(`no_space (${dir})`, () => {
      const mb = setup(v.opts, bottomUp);
      M.memblockReserve(mb, start(mb), MEM_SIZE - SZ._256);
      assert.equal(M.memblockAlloc(mb, SZ._1K, SMP), undefined);
      assertRegions(mb.reserved, [{ base: start(mb), size: MEM_SIZE - SZ._256 }], plainReserve(mb));
    });

    /*
     *  |---------------------------+---------|
     *  |          reserved         |   new   |
     *  +---------------------------+---------+
     * Just enough room: expect everything merged into one region.
     */
    t(`limited_space (${dir})`, () => {
      const mb = setup(v.opts, bottomUp);
      kern(mb, start(mb), MEM_SIZE - SZ._256);
      assert.equal(M.memblockAlloc(mb, SZ._256, SMP), end(mb) - SZ._256);
      assertRegions(mb.reserved, [{ base: start(mb), size: MEM_SIZE }], allocReserve(mb));
    });

    // No memory registered: expect no allocation and reserved untouched.
    t(`no_memory (${dir})`, () => {
      const mb = fresh(v.opts);
      mb.bottomUp = bottomUp;
      assert.equal(M.memblockAlloc(mb, SZ._1K, SMP), undefined);
      assertRegions(mb.reserved, []);
    });

    // Larger than all memory: expect no allocation.
    t(`too_large (${dir})`, () => {
      const mb = setup(v.opts, bottomUp);
      assert.equal(M.memblockAlloc(mb, MEM_SIZE + SZ._2, SMP), undefined);
      assertRegions(mb.reserved, []);
    });

    // Model-specific: the first page is never handed out, even when it is free memory.
    t(`never the first page (${dir})`, () => {
      const mb = fresh(v.opts);
      mb.bottomUp = bottomUp;
      M.memblockAdd(mb, 0n, 2n * mb.pageSize);
      assert.equal(M.memblockAlloc(mb, mb.pageSize, mb.pageSize), mb.pageSize);
      assert.equal(M.memblockAlloc(mb, mb.pageSize, mb.pageSize), undefined);
    });

    // Model-specific: NOMAP memory is never allocated from.
    t(`skips NOMAP memory (${dir})`, () => {
      const mb = setup(v.opts, bottomUp);
      M.memblockMarkNomap(mb, start(mb), MEM_SIZE - SZ._4K);
      M.memblockMarkNomap(mb, end(mb) - SZ._2K, SZ._2K);
      assert.equal(M.memblockAlloc(mb, SZ._2K, SMP), end(mb) - SZ._4K);
      assert.equal(M.memblockAlloc(mb, SZ._1K, SMP), undefined);
    });

    // Model-specific: free ranges do not merge across memory regions (here: two nodes).
    t(`free ranges stop at memory-region boundaries (${dir})`, () => {
      const mb = fresh(v.opts);
      mb.bottomUp = bottomUp;
      M.memblockAddNode(mb, BASE, SZ._16K, 0);
      M.memblockAddNode(mb, BASE + SZ._16K, SZ._16K, 1);
      M.memblockReserve(mb, BASE, SZ._8K);
      M.memblockReserve(mb, BASE + SZ._16K + SZ._8K, SZ._8K);
      assert.equal(M.memblockAlloc(mb, SZ._16K, SMP), undefined);
      assert.notEqual(M.memblockAlloc(mb, SZ._8K, SMP), undefined);
    });
  }

  // align 0 is replaced by SMP_CACHE_BYTES (64 on arm64) in memblock_alloc_range_nid (with a dump_stack).
  t('align 0 means SMP_CACHE_BYTES', () => {
    const mb = setup(v.opts, false);
    assert.equal(M.memblockPhysAllocRange(mb, SZ._2, 0n, 0n, M.MEMBLOCK_ALLOC_ANYWHERE), end(mb) - M.SMP_CACHE_BYTES);
  });
}
