// Ports tools/testing/memblock/tests/alloc_nid_api.c (7.2 tree): memblock_alloc_try_nid() and
// memblock_alloc_exact_nid_raw() over ranges and NUMA nodes, top-down and bottom-up, on every
// generation variant. The 7.2 reservation carries the requested nid (or NUMA_NO_NODE after fallback).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as M from '../../src/model/memblock/index.ts';
import { SZ, VARIANTS, allocReserve, assertRegions, fresh, plainReserve } from './helpers.ts';

const MEM_SIZE = SZ._32K;
const BASE = 0x4000_0000n;
const SMP = 32n; // the harness's SMP_CACHE_BYTES
const NO = M.NUMA_NO_NODE;
/** node_fractions[] in basis points: 1/4, 1/16, 1/8, 1/8, 1/16, 1/16, 1/4, 1/16. */
const NODE_FRACTIONS = [2500n, 625n, 1250n, 1250n, 625n, 625n, 2500n, 625n];

type Alloc = (mb: M.Memblock, size: bigint, align: bigint, min: bigint, max: bigint, nid: number) => bigint | undefined;
const FAMILY: ReadonlyArray<[string, Alloc, boolean]> = [
  ['memblock_alloc_try_nid', M.memblockAllocTryNid, false],
  ['memblock_alloc_exact_nid_raw', M.memblockAllocExactNidRaw, true],
];

function setup(opts: M.CreateMemblockOptions, bottomUp: boolean): M.Memblock {
  const mb = fresh(opts);
  mb.bottomUp = bottomUp;
  M.memblockAdd(mb, BASE, MEM_SIZE);
  return mb;
}

/** setup_numa_memblock(): eight nodes, HOTPLUG-flagged unless movable_node (as the harness does). */
function setupNuma(opts: M.CreateMemblockOptions, bottomUp: boolean): M.Memblock {
  const mb = fresh(opts);
  mb.bottomUp = bottomUp;
  const flags = mb.movableNode ? M.MEMBLOCK_NONE : M.MEMBLOCK_HOTPLUG;
  let base = BASE;
  NODE_FRACTIONS.forEach((f, i) => {
    const size = (MEM_SIZE * f) / 10000n;
    M.memblockAddNode(mb, base, size, i, flags);
    base += size;
  });
  return mb;
}
const end = (mb: M.Memblock) => M.memblockEndOfDRAM(mb);
const start = (mb: M.Memblock) => M.memblockStartOfDRAM(mb);
const rEnd = (r: M.MemblockRegion) => r.base + r.size;

for (const v of VARIANTS) {
  for (const [fname, alloc, exact] of FAMILY) {
    const t = (name: string, fn: () => void) => test(`[${v.name}] ${fname}: ${name}`, fn);

    // Range cases (NUMA_NO_NODE). Top-down: expect a region that ends at max_addr.
    t('top_down simple', () => {
      const mb = setup(v.opts, false);
      const min = start(mb) + SMP * 2n;
      const max = min + SZ._512;
      assert.equal(alloc(mb, SZ._128, SMP, min, max, NO), max - SZ._128);
      assertRegions(mb.reserved, [{ base: max - SZ._128, size: SZ._128 }], allocReserve(mb));
    });
    // max_addr misaligned: expect an aligned region ending before max_addr.
    t('top_down end_misaligned', () => {
      const mb = setup(v.opts, false);
      const min = start(mb) + SMP * 2n;
      const max = min + SZ._512 + SZ._2;
      alloc(mb, SZ._128, SMP, min, max, NO);
      assertRegions(mb.reserved, [{ base: max - SZ._128 - SZ._2, size: SZ._128 }], allocReserve(mb));
    });
    for (const bottomUp of [false, true]) {
      const dir = bottomUp ? 'bottom_up' : 'top_down';
      // [min, max) exactly the size: expect the region to fill it.
      t(`exact_address (${dir})`, () => {
        const mb = setup(v.opts, bottomUp);
        const min = start(mb) + SMP;
        alloc(mb, SZ._1K, SMP, min, min + SZ._1K, NO);
        assertRegions(mb.reserved, [{ base: min, size: SZ._1K }], allocReserve(mb));
      });
      // max_addr too close to the start of memory: expect no allocation.
      t(`low_max (${dir})`, () => {
        const mb = setup(v.opts, bottomUp);
        assert.equal(alloc(mb, SZ._1K, SMP, start(mb), start(mb) + SMP, NO), undefined);
        assertRegions(mb.reserved, []);
      });
    }
    // The range is narrower than the size: expect min_addr dropped, the region ending at max_addr.
    t('top_down narrow_range', () => {
      const mb = setup(v.opts, false);
      const min = start(mb) + SZ._512;
      const max = min + SMP;
      alloc(mb, SZ._256, SMP, min, max, NO);
      assertRegions(mb.reserved, [{ base: max - SZ._256, size: SZ._256 }], allocReserve(mb));
    });
    t('bottom_up narrow_range', () => {
      const mb = setup(v.opts, true);
      const min = start(mb) + SZ._512;
      alloc(mb, SZ._256, SMP, min, min + SMP, NO);
      assertRegions(mb.reserved, [{ base: start(mb), size: SZ._256 }], allocReserve(mb));
    });
    // max_addr past the end of memory: expect a region at the end of memory.
    t('top_down cap_max', () => {
      const mb = setup(v.opts, false);
      alloc(mb, SZ._256, SMP, end(mb) - SZ._1K, end(mb) + SZ._256, NO);
      assertRegions(mb.reserved, [{ base: end(mb) - SZ._256, size: SZ._256 }], allocReserve(mb));
    });
    // min_addr below the start of memory.
    t('top_down cap_min', () => {
      const mb = setup(v.opts, false);
      alloc(mb, SZ._1K, SMP, start(mb) - SZ._256, end(mb), NO);
      assertRegions(mb.reserved, [{ base: end(mb) - SZ._1K, size: SZ._1K }], allocReserve(mb));
    });
    t('bottom_up cap_min', () => {
      const mb = setup(v.opts, true);
      alloc(mb, SZ._1K, SMP, start(mb) - SZ._256, end(mb), NO);
      assertRegions(mb.reserved, [{ base: start(mb), size: SZ._1K }], allocReserve(mb));
    });

    // NUMA cases.
    for (const bottomUp of [false, true]) {
      const dir = bottomUp ? 'bottom_up' : 'top_down';
      // Expect the region inside the requested node (nid 3), at its end (top-down) or start (bottom-up).
      t(`numa_simple (${dir})`, () => {
        const mb = setupNuma(v.opts, bottomUp);
        const req = mb.memory[3];
        const size = req.size / 4n;
        const base = bottomUp ? req.base : rEnd(req) - size;
        assert.equal(alloc(mb, size, SMP, start(mb), end(mb), 3), base);
        assertRegions(mb.reserved, [{ base, size }], allocReserve(mb, 3));
      });
      /*
       *  |   +-----+          +------------------+     |
       *  |   | req |          |     expected     |     |
       *  +---+-----+----------+------------------+-----+
       * Node 1 is too small: try_nid falls back to any node (nid 6 top-down, nid 0 bottom-up);
       * exact_nid fails.
       */
      t(`numa_small_node (${dir})`, () => {
        const mb = setupNuma(v.opts, bottomUp);
        const req = mb.memory[1];
        const size = 2n * req.size;
        const got = alloc(mb, size, SMP, start(mb), end(mb), 1);
        if (exact) {
          assert.equal(got, undefined);
          assertRegions(mb.reserved, []);
          return;
        }
        const base = bottomUp ? mb.memory[0].base : rEnd(mb.memory[6]) - size;
        assert.equal(got, base);
        assertRegions(mb.reserved, [{ base, size }], allocReserve(mb, NO));
      });
      // Node 2 fully reserved: expect the fallback (try_nid) or nothing (exact).
      t(`numa_node_reserved (${dir})`, () => {
        const mb = setupNuma(v.opts, bottomUp);
        const req = mb.memory[2];
        M.memblockReserve(mb, req.base, req.size);
        const got = alloc(mb, req.size, SMP, start(mb), end(mb), 2);
        if (exact) {
          assert.equal(got, undefined);
          return;
        }
        const base = bottomUp ? mb.memory[0].base : rEnd(mb.memory[6]) - req.size;
        assert.equal(got, base);
        const a = allocReserve(mb, NO);
        const p = plainReserve(mb);
        const want = [{ base: req.base, size: req.size, ...p }, { base, size: req.size, ...a }].sort((x, y) => (x.base < y.base ? -1 : 1));
        assertRegions(mb.reserved, want);
      });
      /*
       *  |           +-----------------------+         +----------------------|
       *  |           |       requested       |         |       expected       |
       *  +-----------+-----------------------+---------+----------------------+
       * Node 4 partly reserved in its middle, no contiguous room: fallback to the last node (top-down).
       */
      t(`numa_part_reserved_fallback (${dir})`, () => {
        const mb = setupNuma(v.opts, bottomUp);
        const req = mb.memory[4];
        const size = req.size / 2n;
        M.memblockReserve(mb, req.base + size / 2n, size);
        const got = alloc(mb, size, SMP, start(mb), end(mb), 4);
        if (exact) {
          assert.equal(got, undefined);
          return;
        }
        assert.equal(got, bottomUp ? mb.memory[0].base : rEnd(mb.memory[7]) - size);
      });
    }

    /*
     *  |           +-----------------------+-----------+              |
     *  |           |       requested       |   node3   |              |
     *  +-----------+-----------------------+-----------+--------------+
     * The range straddles nodes 2 and 3; requested node 2: expect min_addr dropped and the region
     * ending at the end of node 2.
     */
    t('top_down numa_split_range_low', () => {
      const mb = setupNuma(v.opts, false);
      const reqEnd = rEnd(mb.memory[2]);
      const min = reqEnd - SZ._256;
      alloc(mb, SZ._512, SMP, min, min + SZ._512, 2);
      assertRegions(mb.reserved, [{ base: reqEnd - SZ._512, size: SZ._512 }], allocReserve(mb, 2));
    });
    // Same range, requested node 3: try_nid ends up at the end of node 2 (any node, min dropped).
    t('top_down numa_split_range_high', () => {
      const mb = setupNuma(v.opts, false);
      const expEnd = rEnd(mb.memory[2]);
      const min = expEnd - SZ._256;
      const got = alloc(mb, SZ._512, SMP, min, min + SZ._512, 3);
      if (exact) {
        // node 3 only, min dropped: the region lies in node 3 below max_addr: no room of 512 below min + 512
        assert.equal(got, undefined);
        return;
      }
      assertRegions(mb.reserved, [{ base: expEnd - SZ._512, size: SZ._512 }], allocReserve(mb, NO));
    });
  }

  // movable_node: memory marked HOTPLUG is skipped by the free-range walk.
  test(`[${v.name}] movable_node skips hotpluggable memory`, () => {
    const mb = fresh({ ...v.opts, movableNode: true });
    M.memblockAdd(mb, BASE, SZ._16K);
    M.memblockAddNode(mb, BASE + SZ._16K, SZ._16K, M.MAX_NUMNODES, M.MEMBLOCK_HOTPLUG);
    assert.equal(M.memblockAlloc(mb, SZ._4K, SZ._4K), BASE + SZ._16K - SZ._4K);
    mb.movableNode = false;
    assert.equal(M.memblockAlloc(mb, SZ._4K, SZ._4K), BASE + SZ._32K - SZ._4K);
  });
}
