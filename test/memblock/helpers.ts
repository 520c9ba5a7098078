// Shared helpers for the memblock suites: sizes, the generation variants, whole-state assertions.

import assert from 'node:assert/strict';
import {
  createMemblock,
  MAX_NUMNODES,
  NUMA_NO_NODE,
  type CreateMemblockOptions,
  type Memblock,
  type MemblockRegion,
} from '../../src/model/memblock/index.ts';

export const SZ_K = 1024n;
export const SZ_M = 1024n * SZ_K;
export const SZ_G = 1024n * SZ_M;
export const SZ = {
  _2: 2n, _4: 4n, _8: 8n, _16: 16n, _32: 32n, _64: 64n, _128: 128n, _256: 256n, _512: 512n,
  _1K: SZ_K, _2K: 2n * SZ_K, _4K: 4n * SZ_K, _8K: 8n * SZ_K, _16K: 16n * SZ_K, _32K: 32n * SZ_K, _64K: 64n * SZ_K,
  _128K: 128n * SZ_K, _256K: 256n * SZ_K, _512K: 512n * SZ_K,
  _1M: SZ_M, _2M: 2n * SZ_M, _4M: 4n * SZ_M, _8M: 8n * SZ_M, _16M: 16n * SZ_M, _32M: 32n * SZ_M, _64M: 64n * SZ_M,
  _128M: 128n * SZ_M, _256M: 256n * SZ_M, _512M: 512n * SZ_M,
  _1G: SZ_G, _2G: 2n * SZ_G, _4G: 4n * SZ_G,
} as const;

/**
 * The differences between generations that memblock sees, as the kernels module will pass them
 * (test-local presets; the real ones live in src/kernels/profiles.ts).
 */
export const VARIANTS: ReadonlyArray<{ name: string; opts: CreateMemblockOptions }> = [
  { name: '5.10/6.1', opts: { mergeWholeArray: true, legacyNidChecks: true, emptyTypeKeepsDummy: true } },
  { name: '6.12', opts: {} },
  { name: '7.2', opts: { reserveKernFlag: true } },
];

/** The harness's memblock: empty, top-down, current_limit ANYWHERE, 4 KiB pages. */
export function fresh(opts: CreateMemblockOptions = {}): Memblock {
  return createMemblock(opts);
}

export interface Expected {
  base: bigint;
  size: bigint;
  flags?: number;
  nid?: number;
}

/** Asserts a whole region array: count, every region's base/size/flags/nid, and the total size. */
export function assertRegions(actual: readonly MemblockRegion[], expected: readonly Expected[], defaults: { flags?: number; nid?: number } = {}): void {
  const want = expected.map((e) => ({
    base: e.base,
    size: e.size,
    flags: e.flags ?? defaults.flags ?? 0,
    nid: e.nid ?? defaults.nid ?? MAX_NUMNODES,
  }));
  const got = actual.map((r) => ({ base: r.base, size: r.size, flags: r.flags, nid: r.nid }));
  assert.deepEqual(got, want);
  const total = actual.reduce((t, r) => t + r.size, 0n);
  assert.equal(total, expected.reduce((t, r) => t + r.size, 0n));
}

/** The nid and flags memblock_reserve() gives on this variant. */
export function plainReserve(mb: Memblock): { nid: number; flags: number } {
  return { nid: mb.plainReserveNid ?? MAX_NUMNODES, flags: 0 };
}

/** The nid and flags an allocation's reservation gets on this variant (any node requested). */
export function allocReserve(mb: Memblock, nid: number = NUMA_NO_NODE): { nid: number; flags: number } {
  return mb.reserveKernFlag ? { nid, flags: 0x20 } : plainReserve(mb);
}
