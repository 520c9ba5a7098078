// Models memblock_reserve(), __memblock_reserve() and memblock_reserve_kern() (mm/memblock.c,
// include/linux/memblock.h), 5.10–7.2.

import { MEMBLOCK_NONE, MEMBLOCK_RSRV_KERN, NUMA_NO_NODE, MAX_NUMNODES, type Memblock } from './types.ts';
import { memblockAddRange } from './add.ts';

/** Models __memblock_reserve() (7.2): adds to memblock.reserved with the given nid and flags. */
export function __memblockReserve(mb: Memblock, base: bigint, size: bigint, nid: number, flags: number): void {
  memblockAddRange(mb, 'reserved', base, size, nid, flags);
}

/**
 * Models memblock_reserve(): 5.10–6.12 give the region nid MAX_NUMNODES, 7.2 NUMA_NO_NODE
 * (`mb.plainReserveNid`); no flags.
 */
export function memblockReserve(mb: Memblock, base: bigint, size: bigint): void {
  const nid = mb.plainReserveNid ?? (mb.reserveKernFlag ? NUMA_NO_NODE : MAX_NUMNODES);
  memblockAddRange(mb, 'reserved', base, size, nid, MEMBLOCK_NONE);
}

/**
 * Models the reservation made by memblock_alloc_range_nid(): in 7.2 `__memblock_reserve(base, size, nid,
 * MEMBLOCK_RSRV_KERN)` (memblock_reserve_kern() is this with NUMA_NO_NODE); before 7.2 memblock_reserve().
 */
export function memblockReserveKern(mb: Memblock, base: bigint, size: bigint, nid: number): void {
  if (mb.reserveKernFlag) __memblockReserve(mb, base, size, nid, MEMBLOCK_RSRV_KERN);
  else memblockReserve(mb, base, size);
}
