// Models memblock_alloc_range_nid(), memblock_phys_alloc_range(), memblock_phys_alloc_try_nid(),
// memblock_alloc_internal() and the memblock_alloc* wrappers (mm/memblock.c, include/linux/memblock.h),
// 5.10–7.2. Virtual allocators return the physical address here.

import {
  MAX_NUMNODES,
  MEMBLOCK_ALLOC_ACCESSIBLE,
  MEMBLOCK_NONE,
  NUMA_NO_NODE,
  SMP_CACHE_BYTES,
  type Memblock,
} from './types.ts';
import { memblockFindInRangeNode } from './find.ts';
import { memblockReserveKern } from './reserve.ts';
import { nidSelectsNode } from './regions.ts';

/**
 * Models memblock_alloc_range_nid(): find, then reserve (7.2: with MEMBLOCK_RSRV_KERN and the nid). If the
 * node has no room and !exactNid, retries on any node. align 0 becomes SMP_CACHE_BYTES (with a
 * dump_stack in the kernel). 6.12+ accept_memory() is a no-op on arm64.
 */
export function memblockAllocRangeNid(
  mb: Memblock,
  size: bigint,
  align: bigint,
  start: bigint,
  end: bigint,
  nid: number,
  exactNid: boolean,
): bigint | undefined {
  // 5.10/6.1: WARN_ONCE "Usage of MAX_NUMNODES is deprecated", then NUMA_NO_NODE
  if (mb.legacyNidChecks && nid === MAX_NUMNODES) nid = NUMA_NO_NODE;
  if (!align) align = SMP_CACHE_BYTES;
  const flags = MEMBLOCK_NONE; // choose_memblock_flags(): no mirror, no KHO on arm64
  let found = memblockFindInRangeNode(mb, size, align, start, end, nid, flags);
  if (found !== undefined) {
    memblockReserveKern(mb, found, size, nid);
    return found;
  }
  if (nidSelectsNode(mb, nid) && !exactNid) {
    found = memblockFindInRangeNode(mb, size, align, start, end, NUMA_NO_NODE, flags);
    if (found !== undefined) {
      memblockReserveKern(mb, found, size, NUMA_NO_NODE);
      return found;
    }
  }
  return undefined;
}

/** Models memblock_phys_alloc_range(): any node, not exact. */
export function memblockPhysAllocRange(mb: Memblock, size: bigint, align: bigint, start: bigint, end: bigint): bigint | undefined {
  return memblockAllocRangeNid(mb, size, align, start, end, NUMA_NO_NODE, false);
}

/** Models memblock_phys_alloc(): memblock_phys_alloc_range(size, align, 0, MEMBLOCK_ALLOC_ACCESSIBLE). */
export function memblockPhysAlloc(mb: Memblock, size: bigint, align: bigint): bigint | undefined {
  return memblockPhysAllocRange(mb, size, align, 0n, MEMBLOCK_ALLOC_ACCESSIBLE);
}

/** Models memblock_phys_alloc_try_nid(): [0, ACCESSIBLE), preferring nid. */
export function memblockPhysAllocTryNid(mb: Memblock, size: bigint, align: bigint, nid: number): bigint | undefined {
  return memblockAllocRangeNid(mb, size, align, 0n, MEMBLOCK_ALLOC_ACCESSIBLE, nid, false);
}

/**
 * Models memblock_alloc_internal(): max_addr is clamped to current_limit (the phys family does not do
 * this), and if min_addr cannot be met the allocation is retried from 0.
 */
export function memblockAllocInternal(
  mb: Memblock,
  size: bigint,
  align: bigint,
  minAddr: bigint,
  maxAddr: bigint,
  nid: number,
  exactNid: boolean,
): bigint | undefined {
  if (maxAddr > mb.currentLimit) maxAddr = mb.currentLimit;
  let alloc = memblockAllocRangeNid(mb, size, align, minAddr, maxAddr, nid, exactNid);
  if (alloc === undefined && minAddr) alloc = memblockAllocRangeNid(mb, size, align, 0n, maxAddr, nid, exactNid);
  return alloc;
}

/** Models memblock_alloc_try_nid() (and memblock_alloc_try_nid_raw(), which differs only in not zeroing). */
export function memblockAllocTryNid(mb: Memblock, size: bigint, align: bigint, minAddr: bigint, maxAddr: bigint, nid: number): bigint | undefined {
  return memblockAllocInternal(mb, size, align, minAddr, maxAddr, nid, false);
}

export const memblockAllocTryNidRaw = memblockAllocTryNid;

/** Models memblock_alloc_exact_nid_raw(): no fallback to other nodes. */
export function memblockAllocExactNidRaw(mb: Memblock, size: bigint, align: bigint, minAddr: bigint, maxAddr: bigint, nid: number): bigint | undefined {
  return memblockAllocInternal(mb, size, align, minAddr, maxAddr, nid, true);
}

/** Models memblock_alloc() (and memblock_alloc_raw(), __memblock_alloc_or_panic() without the panic). */
export function memblockAlloc(mb: Memblock, size: bigint, align: bigint): bigint | undefined {
  return memblockAllocTryNid(mb, size, align, 0n, MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE);
}

/** Models memblock_alloc_from(): prefers [minAddr, ACCESSIBLE), falls back to [0, ACCESSIBLE). */
export function memblockAllocFrom(mb: Memblock, size: bigint, align: bigint, minAddr: bigint): bigint | undefined {
  return memblockAllocTryNid(mb, size, align, minAddr, MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE);
}

/** Models memblock_alloc_low(): [0, ARCH_LOW_ADDRESS_LIMIT) (the limit is the arch's, passed in). */
export function memblockAllocLow(mb: Memblock, size: bigint, align: bigint, lowLimit: bigint): bigint | undefined {
  return memblockAllocTryNid(mb, size, align, 0n, lowLimit, NUMA_NO_NODE);
}

/** Models memblock_alloc_node(). */
export function memblockAllocNode(mb: Memblock, size: bigint, align: bigint, nid: number): bigint | undefined {
  return memblockAllocTryNid(mb, size, align, 0n, MEMBLOCK_ALLOC_ACCESSIBLE, nid);
}
