// Ports tools/testing/memblock/tests/basic_api.c (7.2 tree): add, reserve, remove, free, bottom_up,
// overlaps_region, set_node; plus flags, cap and mem= cases. Each case runs on every generation variant.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as M from '../../src/model/memblock/index.ts';
import { SZ, VARIANTS, assertRegions, fresh, plainReserve, type Expected } from './helpers.ts';

const MAX = M.PHYS_ADDR_MAX;
type Op = [base: bigint, size: bigint];

/**
 * The geometry cases basic_api.c runs twice, once for memblock_add (memblock.memory) and once for
 * memblock_reserve (memblock.reserved).
 */
const ADD_CASES: ReadonlyArray<{ name: string; ops: Op[]; expect: Expected[] }> = [
  // A simple test that adds a memory block. Expect to create a new entry.
  { name: 'simple', ops: [[SZ._1G, SZ._4M]], expect: [{ base: SZ._1G, size: SZ._4M }] },
  /*
   *  |        +--------+        +--------+  |
   *  |        |   r1   |        |   r2   |  |
   *  +--------+--------+--------+--------+--+
   * Expect to add two correctly initialized entries.
   */
  {
    name: 'disjoint',
    ops: [[SZ._1G, SZ._8K], [SZ._1G + SZ._16K, SZ._8K]],
    expect: [{ base: SZ._1G, size: SZ._8K }, { base: SZ._1G + SZ._16K, size: SZ._8K }],
  },
  /*
   *  |    +----+----+------------+          |
   *  |    |    |r2  |   r1       |          |
   *  +----+----+----+------------+----------+
   * Expect to merge the two entries into one region that starts at r2.base and has size of two regions
   * minus their intersection.
   */
  { name: 'overlap top', ops: [[SZ._512M, SZ._1G], [SZ._256M, SZ._512M]], expect: [{ base: SZ._256M, size: SZ._256M + SZ._1G }] },
  /*
   *  |  +--+------+----------+              |
   *  |  |  | r1   | r2       |              |
   *  +--+--+------+----------+--------------+
   * Expect to merge into one region that starts at r1.base.
   */
  { name: 'overlap bottom', ops: [[SZ._128M, SZ._512M], [SZ._256M, SZ._1G]], expect: [{ base: SZ._128M, size: SZ._128M + SZ._1G }] },
  /*
   *  |   +-------+--+-----------------------+
   *  |   |       |r2|      r1               |
   *  +---+-------+--+-----------------------+
   * Expect the region to stay the same.
   */
  { name: 'within', ops: [[SZ._8M, SZ._32M], [SZ._16M, SZ._1M]], expect: [{ base: SZ._8M, size: SZ._32M }] },
  // Adds the same block twice. Expect the counter and total size not to change.
  { name: 'twice', ops: [[SZ._16K, SZ._2M], [SZ._16K, SZ._2M]], expect: [{ base: SZ._16K, size: SZ._2M }] },
  /*
   *  |        +--------+--------+--------+  |
   *  |        |   r1   |   r3   |   r2   |  |
   *  +--------+--------+--------+--------+--+
   * Expect to merge the three entries into one region.
   */
  {
    name: 'between',
    ops: [[SZ._1G, SZ._8K], [SZ._1G + SZ._16K, SZ._8K], [SZ._1G + SZ._8K, SZ._8K]],
    expect: [{ base: SZ._1G, size: 3n * SZ._8K }],
  },
  /*
   *                               +--------+
   *                               |    r   |
   *                               +--------+
   *  |                            +----+
   *  |                            | rgn|
   *  +----------------------------+----+
   * Expect a block of size PHYS_ADDR_MAX - r.base.
   */
  { name: 'near max', ops: [[MAX - SZ._1M, SZ._2M]], expect: [{ base: MAX - SZ._1M, size: SZ._1M }] },
];

/** basic_api.c's remove cases; the free cases are the same drawings on memblock.reserved. */
const REMOVE_CASES: ReadonlyArray<{ name: string; adds: Op[]; remove: Op; expect: Expected[] }> = [
  /*
   *  |  ......          +----------------+  |
   *  |  : r1 :          |       r2       |  |
   *  +--+----+----------+----------------+--+
   * Expect r2 to be the first available region.
   */
  { name: 'simple', adds: [[SZ._2K, SZ._4K], [SZ._128K, SZ._4M]], remove: [SZ._2K, SZ._4K], expect: [{ base: SZ._128K, size: SZ._4M }] },
  // Removes r2, which has no entry. Expect the array, counter and total size not to change.
  { name: 'absent', adds: [[SZ._512K, SZ._4M]], remove: [SZ._64M, SZ._1G], expect: [{ base: SZ._512K, size: SZ._4M }] },
  /*
   *           +-----------------+
   *           |       r2        |
   *           +-----------------+
   *  |                 .........+--------+  |
   *  |                 :     r1 |  rgn   |  |
   *  +-----------------+--------+--------+--+
   * Expect only the intersection to be removed.
   */
  { name: 'overlap top', adds: [[SZ._32M, SZ._32M]], remove: [SZ._16M, SZ._32M], expect: [{ base: SZ._32M + SZ._16M, size: SZ._16M }] },
  /*
   *        +--------------------------------+
   *        |               r2               |
   *        +--------------------------------+
   *  | +---+.....                           |
   *  | |rgn| r1 :                           |
   *  +-+---+----+---------------------------+
   */
  { name: 'overlap bottom', adds: [[SZ._2M, SZ._64M]], remove: [SZ._32M, SZ._256M], expect: [{ base: SZ._2M, size: SZ._32M - SZ._2M }] },
  /*
   *                  +----+
   *                  | r2 |
   *                  +----+
   *  | +-------------+....+---------------+ |
   *  | |     rgn1    | r1 |     rgn2      | |
   *  +-+-------------+----+---------------+-+
   * Expect the region to be split into two.
   */
  {
    name: 'within',
    adds: [[SZ._1M, SZ._32M]],
    remove: [SZ._16M, SZ._1M],
    expect: [{ base: SZ._1M, size: SZ._16M - SZ._1M }, { base: SZ._16M + SZ._1M, size: SZ._1M + SZ._32M - SZ._16M - SZ._1M }],
  },
  // Removes the only region. Expect an empty array (cnt 0, total 0).
  { name: 'only region', adds: [[SZ._2K, SZ._4K]], remove: [SZ._2K, SZ._4K], expect: [] },
  /*
   *                               +--------+
   *                               |   r2   |
   *                               +--------+
   *  |                        +---+....+
   *  |                        |rgn|    |
   *  +------------------------+---+----+
   * Expect only the part between r2.base and PHYS_ADDR_MAX to go.
   */
  { name: 'near max', adds: [[MAX - SZ._2M, SZ._2M]], remove: [MAX - SZ._1M, SZ._2M], expect: [{ base: MAX - SZ._2M, size: SZ._1M }] },
  /*
   *            +----------------+
   *            |       r3       |
   *            +----------------+
   *  |    +----+.....   ........+--------+
   *  |    |    |r1  :   :       |r2      |     |
   *  +----+----+----+---+-------+--------+-----+
   * Expect only the intersections to be removed.
   */
  {
    name: 'overlap two',
    adds: [[SZ._16M, SZ._32M], [SZ._64M, SZ._64M]],
    remove: [SZ._32M, SZ._64M],
    expect: [{ base: SZ._16M, size: SZ._16M }, { base: SZ._32M + SZ._64M, size: SZ._32M }],
  },
];

for (const v of VARIANTS) {
  test(`[${v.name}] initialization`, () => {
    const mb = fresh(v.opts);
    assert.equal(mb.memory.length, 0);
    assert.equal(mb.reserved.length, 0);
    assert.equal(mb.bottomUp, false);
    assert.equal(mb.currentLimit, M.MEMBLOCK_ALLOC_ANYWHERE);
  });

  for (const c of ADD_CASES) {
    test(`[${v.name}] add: ${c.name}`, () => {
      const mb = fresh(v.opts);
      for (const [b, s] of c.ops) M.memblockAdd(mb, b, s);
      assertRegions(mb.memory, c.expect, { nid: M.MAX_NUMNODES });
      assertRegions(mb.reserved, []);
    });
    test(`[${v.name}] reserve: ${c.name}`, () => {
      const mb = fresh(v.opts);
      for (const [b, s] of c.ops) M.memblockReserve(mb, b, s);
      assertRegions(mb.reserved, c.expect, plainReserve(mb));
      assertRegions(mb.memory, []);
    });
  }

  /*
   * add_node: simple. Adds a block with a NUMA node and flags. Expect a new entry with them.
   */
  test(`[${v.name}] add_node: simple`, () => {
    const mb = fresh(v.opts);
    M.memblockAddNode(mb, SZ._1M, SZ._16M, 1, M.MEMBLOCK_HOTPLUG);
    assertRegions(mb.memory, [{ base: SZ._1M, size: SZ._16M, nid: 1, flags: M.MEMBLOCK_HOTPLUG }]);
  });

  for (const c of REMOVE_CASES) {
    test(`[${v.name}] remove: ${c.name}`, () => {
      const mb = fresh(v.opts);
      for (const [b, s] of c.adds) M.memblockAdd(mb, b, s);
      M.memblockRemove(mb, ...c.remove);
      assertRegions(mb.memory, c.expect);
    });
    test(`[${v.name}] free: ${c.name}`, () => {
      const mb = fresh(v.opts);
      for (const [b, s] of c.adds) M.memblockReserve(mb, b, s);
      M.memblockPhysFree(mb, ...c.remove);
      assertRegions(mb.reserved, c.expect, plainReserve(mb));
    });
  }

  // bottom_up: memblock_set_bottom_up() flips the direction; the default is top-down.
  test(`[${v.name}] bottom_up: set and read back`, () => {
    const mb = fresh(v.opts);
    assert.equal(mb.bottomUp, false);
    mb.bottomUp = true;
    assert.equal(mb.bottomUp, true);
  });

  test(`[${v.name}] overlaps_region`, () => {
    const mb = fresh(v.opts);
    M.memblockAdd(mb, SZ._1G, SZ._4M);
    const o = (b: bigint, s: bigint) => M.memblockOverlapsRegion(mb.memory, b, s);
    // Far away
    assert.equal(o(SZ._1M, SZ._1M), false);
    assert.equal(o(SZ._2G, SZ._1M), false);
    // Neighbour
    assert.equal(o(SZ._1G - SZ._1M, SZ._1M), false);
    assert.equal(o(SZ._1G + SZ._4M, SZ._1M), false);
    // Partial overlap
    assert.equal(o(SZ._1G - SZ._1M, SZ._2M), true);
    assert.equal(o(SZ._1G + SZ._2M, SZ._2M), true);
    // Total overlap
    assert.equal(o(SZ._1G, SZ._4M), true);
    assert.equal(o(SZ._1G - SZ._2M, SZ._8M), true);
    assert.equal(o(SZ._1G + SZ._1M, SZ._1M), true);
  });

  /*
   * set_node: split memory equally to nodes 0 and 1; reserve 126 small regions, the last across the node
   * boundary; then give each reserved region the nid of the memory under it. Expect every reserved region
   * on node 0 but the last, which memblock_set_node splits: its upper half goes to node 1.
   * (The harness's array doubling is not modelled, see memblock_double_array.)
   */
  test(`[${v.name}] set_node`, () => {
    const mb = fresh(v.opts);
    const base = 0x4000_0000n;
    M.memblockAdd(mb, base, SZ._32K);
    const half = M.memblockPhysMemSize(mb) / 2n;
    M.memblockSetNode(mb, M.memblockStartOfDRAM(mb), half, 0);
    M.memblockSetNode(mb, M.memblockStartOfDRAM(mb) + half, half, 1);
    assertRegions(mb.memory, [{ base, size: half, nid: 0 }, { base: base + half, size: half, nid: 1 }]);
    for (let i = 0n; i < 125n; i++) M.memblockReserve(mb, base + SZ._16 * i, SZ._8);
    M.memblockReserve(mb, base + half - SZ._8, SZ._16);
    for (const r of mb.memory) M.memblockSetNode(mb, r.base, r.size, r.nid, 'reserved');
    const rs = mb.reserved;
    assert.equal(rs.length, 127);
    rs.forEach((r, i) => assert.equal(r.nid, i === rs.length - 1 ? 1 : 0));
    assert.deepEqual([rs[125].base, rs[125].size, rs[126].base, rs[126].size], [base + half - SZ._8, SZ._8, base + half, SZ._8]);
  });

  // Merging needs equal nid and flags: touching regions of different nodes or flags stay apart.
  test(`[${v.name}] add: neighbours of different nid or flags do not merge`, () => {
    const mb = fresh(v.opts);
    M.memblockAddNode(mb, SZ._1G, SZ._1M, 0);
    M.memblockAddNode(mb, SZ._1G + SZ._1M, SZ._1M, 1);
    M.memblockAddNode(mb, SZ._1G + SZ._2M, SZ._1M, 1, M.MEMBLOCK_HOTPLUG);
    M.memblockAddNode(mb, SZ._1G + 3n * SZ._1M, SZ._1M, 1, M.MEMBLOCK_HOTPLUG);
    assertRegions(mb.memory, [
      { base: SZ._1G, size: SZ._1M, nid: 0 },
      { base: SZ._1G + SZ._1M, size: SZ._1M, nid: 1 },
      { base: SZ._1G + SZ._2M, size: SZ._2M, nid: 1, flags: M.MEMBLOCK_HOTPLUG },
    ]);
  });

  // Adding over existing regions keeps their nid and flags; only the holes get the new ones.
  test(`[${v.name}] add: overlapping parts keep their regions`, () => {
    const mb = fresh(v.opts);
    M.memblockAddNode(mb, SZ._2M, SZ._1M, 3, M.MEMBLOCK_NOMAP);
    M.memblockAdd(mb, SZ._1M, SZ._4M);
    assertRegions(mb.memory, [
      { base: SZ._1M, size: SZ._1M },
      { base: SZ._2M, size: SZ._1M, nid: 3, flags: M.MEMBLOCK_NOMAP },
      { base: 3n * SZ._1M, size: SZ._2M },
    ]);
  });

  test(`[${v.name}] mark_nomap / clear_nomap split and re-merge`, () => {
    const mb = fresh(v.opts);
    M.memblockAdd(mb, SZ._1G, SZ._16M);
    const before = mb.memory;
    M.memblockMarkNomap(mb, SZ._1G + SZ._4M, SZ._4M);
    assertRegions(mb.memory, [
      { base: SZ._1G, size: SZ._4M },
      { base: SZ._1G + SZ._4M, size: SZ._4M, flags: M.MEMBLOCK_NOMAP },
      { base: SZ._1G + SZ._8M, size: SZ._8M },
    ]);
    assert.equal(M.memblockIsMapMemory(mb, SZ._1G + SZ._4M), false);
    assert.equal(M.memblockIsMemory(mb, SZ._1G + SZ._4M), true);
    M.memblockClearNomap(mb, SZ._1G + SZ._4M, SZ._4M);
    assertRegions(mb.memory, [{ base: SZ._1G, size: SZ._16M }]);
    // the snapshot taken before is untouched
    assertRegions(before, [{ base: SZ._1G, size: SZ._16M }]);
  });

  test(`[${v.name}] is_region_memory needs one region; is_region_reserved needs any overlap`, () => {
    const mb = fresh(v.opts);
    M.memblockAddNode(mb, SZ._1G, SZ._1M, 0);
    M.memblockAddNode(mb, SZ._1G + SZ._1M, SZ._1M, 1);
    assert.equal(M.memblockIsRegionMemory(mb, SZ._1G, SZ._1M), true);
    assert.equal(M.memblockIsRegionMemory(mb, SZ._1G, SZ._2M), false);
    M.memblockReserve(mb, SZ._1G + SZ._1M - 1n, 2n);
    assert.equal(M.memblockIsRegionReserved(mb, SZ._1G, SZ._1M - 1n), false);
    assert.equal(M.memblockIsRegionReserved(mb, SZ._1G, SZ._1M), true);
  });

  /*
   * cap_memory_range: keep memory inside [base, base + size), except NOMAP regions, which stay; reserved
   * regions are truncated to the range.
   */
  test(`[${v.name}] cap_memory_range keeps NOMAP outside and truncates reserved`, () => {
    const mb = fresh(v.opts);
    M.memblockAdd(mb, SZ._1G, SZ._1G);
    M.memblockMarkNomap(mb, SZ._1G, SZ._1M);
    M.memblockMarkNomap(mb, SZ._2G - SZ._1M, SZ._1M);
    M.memblockReserve(mb, SZ._1G + SZ._1M, SZ._2M);
    M.memblockReserve(mb, SZ._1G + SZ._512M - SZ._1M, SZ._2M);
    M.memblockCapMemoryRange(mb, SZ._1G + SZ._2M, SZ._512M - SZ._2M);
    assertRegions(mb.memory, [
      { base: SZ._1G, size: SZ._1M, flags: M.MEMBLOCK_NOMAP },
      { base: SZ._1G + SZ._2M, size: SZ._512M - SZ._2M },
      { base: SZ._2G - SZ._1M, size: SZ._1M, flags: M.MEMBLOCK_NOMAP },
    ]);
    const rn = plainReserve(mb);
    assertRegions(mb.reserved, [
      { base: SZ._1G + SZ._2M, size: SZ._1M },
      { base: SZ._1G + SZ._512M - SZ._1M, size: SZ._1M },
    ], rn);
  });

  /*
   * A NOMAP region across the cap is split and both halves kept, and nothing merges them again. 6.12+
   * merge only around what a later operation touches; 5.10/6.1 scan the whole array at the next merge.
   */
  test(`[${v.name}] cap_memory_range leaves a split NOMAP region split`, () => {
    const mb = fresh(v.opts);
    M.memblockAdd(mb, SZ._1G, SZ._1G);
    M.memblockMarkNomap(mb, SZ._1G + SZ._256M, SZ._512M);
    M.memblockCapMemoryRange(mb, SZ._1G, SZ._512M);
    const N = M.MEMBLOCK_NOMAP;
    assertRegions(mb.memory, [
      { base: SZ._1G, size: SZ._256M },
      { base: SZ._1G + SZ._256M, size: SZ._256M, flags: N },
      { base: SZ._1G + SZ._512M, size: SZ._256M, flags: N },
    ]);
    M.memblockAdd(mb, SZ._4G, SZ._1M);
    if (mb.mergeWholeArray) {
      assertRegions(mb.memory, [
        { base: SZ._1G, size: SZ._256M },
        { base: SZ._1G + SZ._256M, size: SZ._512M, flags: N },
        { base: SZ._4G, size: SZ._1M },
      ]);
    } else {
      assert.equal(mb.memory.length, 4);
    }
  });

  // mem_limit_remove_map (arm64 mem=): __find_max_addr counts NOMAP memory, then caps at that address.
  test(`[${v.name}] mem_limit_remove_map counts NOMAP in the limit`, () => {
    const mb = fresh(v.opts);
    M.memblockAdd(mb, SZ._1G, SZ._64M);
    M.memblockAdd(mb, SZ._2G, SZ._64M);
    M.memblockMarkNomap(mb, SZ._1G, SZ._16M);
    M.memblockMemLimitRemoveMap(mb, SZ._64M + SZ._16M);
    assertRegions(mb.memory, [
      { base: SZ._1G, size: SZ._16M, flags: M.MEMBLOCK_NOMAP },
      { base: SZ._1G + SZ._16M, size: SZ._64M - SZ._16M },
      { base: SZ._2G, size: SZ._16M },
    ]);
    // a limit above the total size does nothing
    const before = mb.memory;
    M.memblockMemLimitRemoveMap(mb, SZ._1G);
    assert.equal(mb.memory, before);
  });

  test(`[${v.name}] memblock_dump lines`, () => {
    const mb = fresh(v.opts);
    M.memblockAdd(mb, 0x4000_0000n, 0x8000_0000n);
    M.memblockSetNode(mb, 0x4000_0000n, 0x8000_0000n, 0);
    const lines = M.memblockDump(mb);
    assert.deepEqual(lines.slice(0, 4), [
      'MEMBLOCK configuration:',
      ' memory size = 0x0000000080000000 reserved size = 0x0000000000000000',
      ' memory.cnt  = 0x1',
      ' memory[0x0]\t[0x0000000040000000-0x00000000bfffffff], 0x0000000080000000 bytes on node 0 flags: 0x0',
    ]);
    if (mb.emptyTypeKeepsDummy) {
      assert.deepEqual(lines.slice(4), [
        ' reserved.cnt  = 0x1',
        ' reserved[0x0]\t[0x0000000000000000-0xffffffffffffffff], 0x0000000000000000 bytes flags: 0x0',
      ]);
    } else {
      assert.deepEqual(lines.slice(4), [' reserved.cnt  = 0x0']);
    }
  });
}
