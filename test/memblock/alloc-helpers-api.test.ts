// Ports tools/testing/memblock/tests/alloc_helpers_api.c (7.2 tree): memblock_alloc_from(), top-down and
// bottom-up, on every generation variant; plus memblock_alloc_low() and the current_limit clamp that only
// the virtual family (memblock_alloc_internal) applies.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as M from '../../src/model/memblock/index.ts';
import { SZ, VARIANTS, allocReserve, assertRegions, fresh, plainReserve } from './helpers.ts';

const MEM_SIZE = SZ._32K;
const BASE = 0x4000_0000n;
/** The harness's SMP_CACHE_BYTES (tools/include/linux/cache.h). */
const SMP = 32n;
const NO = M.NUMA_NO_NODE;

function setup(opts: M.CreateMemblockOptions, bottomUp: boolean): M.Memblock {
  const mb = fresh(opts);
  mb.bottomUp = bottomUp;
  M.memblockAdd(mb, BASE, MEM_SIZE);
  return mb;
}
const end = (mb: M.Memblock) => M.memblockEndOfDRAM(mb);
const start = (mb: M.Memblock) => M.memblockStartOfDRAM(mb);

for (const v of VARIANTS) {
  const t = (name: string, fn: () => void) => test(`[${v.name}] memblock_alloc_from: ${name}`, fn);
  for (const bottomUp of [false, true]) {
    const dir = bottomUp ? 'bottom_up' : 'top_down';
    /*
     *  |          +-----------+         |
     *  |          |    rgn    |         |
     *  +----------+-----------+---------+
     *             ^ Aligned min_addr
     * Expect the region at min_addr.
     */
    t(`simple (${dir})`, () => {
      const mb = setup(v.opts, bottomUp);
      const min = end(mb) - SMP;
      assert.equal(M.memblockAllocFrom(mb, SZ._16, SMP, min), min);
      assertRegions(mb.reserved, [{ base: min, size: SZ._16 }], allocReserve(mb));
    });
    /*
     *  |      +      +---------+            |
     *  |      |      |   rgn   |            |
     *  +------+------+---------+------------+
     *         ^min_addr ^aligned boundary
     * Expect the region at the closest aligned address.
     */
    t(`misaligned (${dir})`, () => {
      const mb = setup(v.opts, bottomUp);
      const min = end(mb) - (SMP * 2n - 1n);
      M.memblockAllocFrom(mb, SZ._32, SMP, min);
      assertRegions(mb.reserved, [{ base: end(mb) - SMP, size: SZ._32 }], allocReserve(mb));
    });
  }

  /*
   *  |           +--------+---+      |
   *  |           |   rgn  +   |      |
   *  +-----------+--------+---+------+
   *              ^aligned ^min_addr
   * Too close to the end: expect memory granted below min_addr (the retry from 0).
   */
  t('top_down high_addr', () => {
    const mb = setup(v.opts, false);
    M.memblockAllocFrom(mb, SZ._32, SMP, end(mb) - SZ._16);
    assertRegions(mb.reserved, [{ base: end(mb) - SMP, size: SZ._32 }], allocReserve(mb));
  });

  /*
   *  |        +---------+-------------|
   *  |        |   rgn   |             |
   *  +--------+---------+-------------+
   *                     ^min_addr
   * No space above min_addr: expect the region next to the reserved one, merged.
   */
  t('top_down no_space_above', () => {
    const mb = setup(v.opts, false);
    const min = end(mb) - SMP * 2n;
    M.memblockReserveKern(mb, min, SZ._2, NO);
    M.memblockAllocFrom(mb, SZ._64, SMP, min);
    assertRegions(mb.reserved, [{ base: min - SZ._64, size: SZ._64 + SZ._2 }], allocReserve(mb));
  });

  // min_addr below the start of memory; everything but the first 64 bytes reserved: expect one region.
  t('top_down min_addr_cap', () => {
    const mb = setup(v.opts, false);
    const s = start(mb);
    M.memblockReserveKern(mb, s + SZ._64, MEM_SIZE - SZ._64, NO);
    M.memblockAllocFrom(mb, SZ._64, SMP, s - SMP * 3n);
    assertRegions(mb.reserved, [{ base: s, size: MEM_SIZE }], allocReserve(mb));
  });

  /*
   *  |-----------+              +     |
   *  |    rgn    |              |     |
   *  +-----------+--------------+-----+
   *                             ^min_addr
   * Expect the allocation at the start of memory.
   */
  t('bottom_up high_addr', () => {
    const mb = setup(v.opts, true);
    M.memblockAllocFrom(mb, SZ._32, SMP, end(mb) - SZ._8);
    assertRegions(mb.reserved, [{ base: start(mb), size: SZ._32 }], allocReserve(mb));
  });

  /*
   *  |-----------+    +-------------------|
   *  |    rgn    |    |                   |
   *  +-----------+----+-------------------+
   *                   ^min_addr
   * Expect the allocation at the start of memory, a second region.
   */
  t('bottom_up no_space_above', () => {
    const mb = setup(v.opts, true);
    const min = start(mb) + SZ._128;
    const r2 = end(mb) - min;
    M.memblockReserve(mb, min - SMP, r2);
    M.memblockAllocFrom(mb, SZ._64, SMP, min);
    const a = allocReserve(mb);
    const p = plainReserve(mb);
    assert.deepEqual(
      mb.reserved.map((r) => [r.base, r.size, r.flags, r.nid]),
      [[start(mb), SZ._64, a.flags, a.nid], [min - SMP, r2, p.flags, p.nid]],
    );
  });

  // min_addr below the start of memory: expect the region at the start.
  t('bottom_up min_addr_cap', () => {
    const mb = setup(v.opts, true);
    M.memblockAllocFrom(mb, SZ._64, SMP, start(mb) - SMP * 3n);
    assertRegions(mb.reserved, [{ base: start(mb), size: SZ._64 }], allocReserve(mb));
  });

  test(`[${v.name}] memblock_alloc_low: below the arch's low limit`, () => {
    const mb = fresh(v.opts);
    M.memblockAdd(mb, 0x8000_0000n, 0x1_0000_0000n);
    const low = 0xffff_ffffn; // ARCH_LOW_ADDRESS_LIMIT default; arm64 defines its own
    const a = M.memblockAllocLow(mb, SZ._4K, SZ._4K, low);
    assert.equal(a, 0xffff_e000n); // round_down(0xffffffff - 4K, 4K): the last byte of the limit is excluded
    assert.equal(M.memblockAllocLow(mb, SZ._4G, SZ._4K, low), undefined);
  });

  /*
   * memblock_alloc_internal clamps max_addr to current_limit; memblock_phys_alloc_range does not (only
   * ACCESSIBLE is replaced by current_limit, in memblock_find_in_range_node).
   */
  test(`[${v.name}] current_limit: virtual family clamps, phys family only for ACCESSIBLE`, () => {
    const mb = fresh(v.opts);
    M.memblockAdd(mb, SZ._1G, SZ._1G);
    mb.currentLimit = SZ._1G + SZ._512M;
    assert.equal(M.memblockAllocTryNid(mb, SZ._4K, SZ._4K, 0n, M.MEMBLOCK_ALLOC_ANYWHERE, NO), SZ._1G + SZ._512M - SZ._4K);
    assert.equal(M.memblockPhysAllocRange(mb, SZ._4K, SZ._4K, 0n, M.MEMBLOCK_ALLOC_ANYWHERE), SZ._2G - SZ._4K);
    assert.equal(M.memblockPhysAllocRange(mb, SZ._4K, SZ._4K, 0n, M.MEMBLOCK_ALLOC_ACCESSIBLE), SZ._1G + SZ._512M - SZ._8K);
    assert.equal(M.memblockPhysAllocTryNid(mb, SZ._4K, SZ._4K, NO), SZ._1G + SZ._512M - 3n * SZ._4K);
  });
}
