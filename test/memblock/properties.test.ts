// fast-check properties of the memblock model over random operation sequences, on every generation
// variant: array invariants, an independent interval-set oracle for coverage, and a brute-force oracle
// for every allocation (success: where the kernel's walk must land; failure: that nothing fits).
// BOOTMAP_PROPERTY_RUNS=100000 runs that many sequences in all, shared among the variants (default 2000).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as M from '../../src/model/memblock/index.ts';
import { VARIANTS, fresh } from './helpers.ts';

const RUNS = Math.ceil(Number(process.env.BOOTMAP_PROPERTY_RUNS ?? 2000) / VARIANTS.length);
const PAGE = 4096n;

type Iv = [bigint, bigint]; // half-open

/** Independent interval sets: union, difference, intersection over sorted disjoint lists. */
function norm(ivs: Iv[]): Iv[] {
  const s = ivs.filter(([a, b]) => a < b).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out: Iv[] = [];
  for (const [a, b] of s) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = last[1] > b ? last[1] : b;
    else out.push([a, b]);
  }
  return out;
}
const union = (x: Iv[], y: Iv[]) => norm([...x, ...y]);
function minus(x: Iv[], y: Iv[]): Iv[] {
  let cur = x.map(([a, b]) => [a, b] as Iv);
  for (const [c, d] of y) {
    const next: Iv[] = [];
    for (const [a, b] of cur) {
      if (d <= a || c >= b) next.push([a, b]);
      else {
        if (a < c) next.push([a, c]);
        if (d < b) next.push([d, b]);
      }
    }
    cur = next;
  }
  return norm(cur);
}
const intersect = (x: Iv[], [c, d]: Iv) => norm(x.map(([a, b]) => [a > c ? a : c, b < d ? b : d] as Iv));
const cover = (rs: readonly M.MemblockRegion[]) => norm(rs.map((r) => [r.base, r.base + r.size] as Iv));

function checkArray(name: string, rs: readonly M.MemblockRegion[], allowUnmergedNomap: boolean): void {
  assert.ok(Object.isFrozen(rs), `${name} is frozen`);
  for (let i = 0; i < rs.length; i++) {
    assert.ok(rs[i].size > 0n, `${name}[${i}] has a size`);
    if (i === 0) continue;
    const a = rs[i - 1];
    const b = rs[i];
    assert.ok(a.base + a.size <= b.base, `${name} sorted and disjoint at ${i}`);
    if (a.base + a.size === b.base && a.nid === b.nid && a.flags === b.flags) {
      // memblock_cap_memory_range() splits NOMAP regions at the cap and does not merge them again
      assert.ok(allowUnmergedNomap && (a.flags & M.MEMBLOCK_NOMAP) !== 0, `${name} neighbours ${i - 1},${i} merged`);
    }
  }
}

/** Brute force: the address the kernel's walk must return, or undefined if nothing fits. */
function oracleFind(mb: M.Memblock, size: bigint, align: bigint, start: bigint, end: bigint): bigint | undefined {
  if (end === 0n || end === 1n) end = mb.currentLimit;
  const lo = start > mb.pageSize ? start : mb.pageSize;
  const hi = end > lo ? end : lo;
  const reserved = cover(mb.reserved);
  let best: bigint | undefined;
  for (const m of mb.memory) {
    if (m.flags & M.MEMBLOCK_NOMAP) continue;
    for (const [a, b] of minus([[m.base, m.base + m.size]], reserved)) {
      const s = a > lo ? a : lo;
      const e = b < hi ? b : hi;
      if (e - s < size) continue;
      const first = ((s + align - 1n) / align) * align;
      const last = ((e - size) / align) * align;
      if (first > last) continue;
      if (mb.bottomUp) best = best === undefined || first < best ? first : best;
      else best = best === undefined || last > best ? last : best;
    }
  }
  return best;
}

const lowAddr = fc.tuple(fc.integer({ min: 0, max: 200 }), fc.constantFrom(0n, 0n, 0n, 1n, 64n, 2048n)).map(([p, o]) => BigInt(p) * PAGE + o);
/**
 * Addresses also near and above 2^53, where memblock's exact doubles stop (src/model/memblock/region-array.ts)
 * and its bigint walks take over: regions below, across and above the boundary, in one sequence.
 */
const HIGH = [0n, 0n, (1n << 53n) - 100n * PAGE, 1n << 60n];
const mixedAddr = fc.tuple(lowAddr, fc.constantFrom(...HIGH)).map(([a, h]) => a + h);
const len = fc.tuple(fc.integer({ min: 0, max: 48 }), fc.constantFrom(0n, 0n, 1n, 64n, 2048n)).map(([p, o]) => BigInt(p) * PAGE + o);
const align = fc.constantFrom(1n, 8n, 64n, 4096n, 16384n, 65536n, 1n << 20n);
const size = fc.oneof(fc.bigInt({ min: 1n, max: 256n }), fc.integer({ min: 1, max: 16 }).map((p) => BigInt(p) * PAGE));
function opsOver(addr: fc.Arbitrary<bigint>) {
  const limit = fc.oneof(fc.constant(M.MEMBLOCK_ALLOC_ANYWHERE), fc.constant(0n), addr);
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constant('add' as const), addr, len, fc.integer({ min: 0, max: 2 })) },
    { weight: 2, arbitrary: fc.tuple(fc.constant('remove' as const), addr, len) },
    { weight: 4, arbitrary: fc.tuple(fc.constant('reserve' as const), addr, len) },
    { weight: 2, arbitrary: fc.tuple(fc.constant('free' as const), addr, len) },
    { weight: 2, arbitrary: fc.tuple(fc.constant('nomap' as const), addr, len, fc.boolean()) },
    { weight: 1, arbitrary: fc.tuple(fc.constant('cap' as const), addr, len) },
    { weight: 1, arbitrary: fc.tuple(fc.constant('memlimit' as const), len) },
    { weight: 1, arbitrary: fc.tuple(fc.constant('setnode' as const), addr, len, fc.integer({ min: 0, max: 2 })) },
    { weight: 1, arbitrary: fc.tuple(fc.constant('config' as const), fc.boolean(), limit) },
    { weight: 6, arbitrary: fc.tuple(fc.constant('alloc' as const), size, align, addr, limit) },
    { weight: 2, arbitrary: fc.tuple(fc.constant('allocFrom' as const), size, align, addr) },
  );
}

for (const [v, addrs, what] of VARIANTS.flatMap((v) => [[v, lowAddr, ''], [v, mixedAddr, ', addresses up to 2^60']] as const)) {
  const op = opsOver(addrs);
  test(`[${v.name}] properties: random operation sequences keep the invariants and match the oracles${what}`, () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40, size: 'max' }), (ops) => {
        const mb = fresh(v.opts);
        let mem: Iv[] = [];
        let res: Iv[] = [];
        let capped = false;
        for (const o of ops) {
          const before = { memory: mb.memory, reserved: mb.reserved };
          switch (o[0]) {
            case 'add':
              M.memblockAddNode(mb, o[1], o[2], o[3] === 2 ? M.MAX_NUMNODES : o[3]);
              mem = union(mem, [[o[1], o[1] + o[2]]]);
              break;
            case 'remove':
              M.memblockRemove(mb, o[1], o[2]);
              mem = minus(mem, [[o[1], o[1] + o[2]]]);
              break;
            case 'reserve':
              M.memblockReserve(mb, o[1], o[2]);
              res = union(res, [[o[1], o[1] + o[2]]]);
              break;
            case 'free':
              M.memblockPhysFree(mb, o[1], o[2]);
              res = minus(res, [[o[1], o[1] + o[2]]]);
              break;
            case 'nomap':
              if (o[3]) M.memblockMarkNomap(mb, o[1], o[2]);
              else M.memblockClearNomap(mb, o[1], o[2]);
              break;
            case 'setnode':
              M.memblockSetNode(mb, o[1], o[2], o[3]);
              break;
            case 'cap': {
              if (!o[2] || mb.memory.length === 0) {
                M.memblockCapMemoryRange(mb, o[1], o[2]);
                break;
              }
              const nomap = cover(mb.memory.filter((r) => r.flags & M.MEMBLOCK_NOMAP));
              M.memblockCapMemoryRange(mb, o[1], o[2]);
              mem = union(intersect(mem, [o[1], o[1] + o[2]]), nomap);
              res = intersect(res, [o[1], o[1] + o[2]]);
              capped = true;
              break;
            }
            case 'memlimit': {
              const total = mem.reduce((t, [a, b]) => t + b - a, 0n);
              const nomap = cover(mb.memory.filter((r) => r.flags & M.MEMBLOCK_NOMAP));
              M.memblockMemLimitRemoveMap(mb, o[1]);
              if (o[1] && o[1] <= total) {
                // the address below which `limit` bytes of memory lie
                let left = o[1];
                let maxAddr = 0n;
                for (const [a, b] of cover(before.memory)) {
                  if (left <= b - a) { maxAddr = a + left; break; }
                  left -= b - a;
                }
                mem = union(intersect(mem, [0n, maxAddr]), nomap);
                res = intersect(res, [0n, maxAddr]);
                capped = true;
              }
              break;
            }
            case 'config':
              mb.bottomUp = o[1];
              mb.currentLimit = o[2] === 0n ? M.MEMBLOCK_ALLOC_ANYWHERE : o[2];
              break;
            case 'alloc':
            case 'allocFrom': {
              const [, sz, al] = o;
              let expected: bigint | undefined;
              let got: bigint | undefined;
              let lo = 0n;
              let hi = 0n;
              if (o[0] === 'alloc') {
                [lo, hi] = [o[3], o[4]];
                expected = oracleFind(mb, sz, al, lo, hi);
                got = M.memblockPhysAllocRange(mb, sz, al, lo, hi);
              } else {
                // memblock_alloc_from: [min, current_limit), then retried from 0
                hi = mb.currentLimit;
                expected = oracleFind(mb, sz, al, o[3], hi) ?? (o[3] ? oracleFind(mb, sz, al, 0n, hi) : undefined);
                got = M.memblockAllocFrom(mb, sz, al, o[3]);
              }
              assert.equal(got, expected, `allocation of ${sz} align ${al} in [${lo}, ${hi})`);
              if (got === undefined) {
                assert.equal(mb.reserved, before.reserved);
                break;
              }
              const e = hi === 0n || hi === 1n ? mb.currentLimit : hi;
              assert.ok(got >= mb.pageSize && got % al === 0n && got + sz <= (e > got ? e : got + sz));
              assert.ok(!M.memblockIsRegionReserved({ ...mb, reserved: before.reserved }, got, sz), 'not reserved before');
              const m = mb.memory.find((r) => r.base <= got! && got! + sz <= r.base + r.size);
              assert.ok(m && !(m.flags & M.MEMBLOCK_NOMAP), 'inside one MAP memory region');
              assert.equal(M.memblockReservedSize(mb), M.memblockReservedSize({ ...mb, reserved: before.reserved }) + sz);
              res = union(res, [[got, got + sz]]);
              break;
            }
          }
          checkArray('memory', mb.memory, capped);
          checkArray('reserved', mb.reserved, false);
          assert.deepEqual(cover(mb.memory), mem, 'memory coverage');
          assert.deepEqual(cover(mb.reserved), res, 'reserved coverage');
          assert.equal(M.memblockPhysMemSize(mb), mem.reduce((t, [a, b]) => t + b - a, 0n));
          // earlier snapshots are never mutated
          assert.ok(Object.isFrozen(before.memory) && Object.isFrozen(before.reserved));
        }
      }),
      { numRuns: RUNS },
    );
  });
}
