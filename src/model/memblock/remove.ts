// Models memblock_remove_range(), memblock_remove(), memblock_phys_free() (5.10: memblock_free()),
// memblock_cap_memory_range(), memblock_mem_limit_remove_map() and memblock_enforce_memory_limit()
// (mm/memblock.c), 5.10–7.2.

import { MEMBLOCK_NOMAP, PHYS_ADDR_MAX, type Memblock } from './types.ts';
import { memblockIsolateRoom } from './double-array.ts';
import { memblockIsolateRange } from './isolate.ts';
import { capSize, type MemblockTypeName } from './regions.ts';

/** Models memblock_remove_range(): isolates [base, base + size) and drops the regions inside it. */
export function memblockRemoveRange(mb: Memblock, type: MemblockTypeName, base: bigint, size: bigint): void {
  if (!capSize(base, size)) return;
  if (!memblockIsolateRoom(mb, type, base, capSize(base, size))) return;
  const t = mb.types[type];
  const { startRgn, endRgn } = memblockIsolateRange(t, base, size);
  if (endRgn > startRgn) t.remove(startRgn, endRgn - startRgn);
}

/** Models memblock_remove(): takes [base, base + size) out of memblock.memory. */
export function memblockRemove(mb: Memblock, base: bigint, size: bigint): void {
  memblockRemoveRange(mb, 'memory', base, size);
}

/** Models memblock_phys_free() (6.1+; 5.10 memblock_free()): takes [base, base + size) out of memblock.reserved. */
export function memblockPhysFree(mb: Memblock, base: bigint, size: bigint): void {
  memblockRemoveRange(mb, 'reserved', base, size);
}

/**
 * Models memblock_cap_memory_range(): keeps only the memory inside [base, base + size), except NOMAP
 * regions, which stay wherever they are; reserved regions are truncated to the range. Split regions are
 * not merged again here.
 */
export function memblockCapMemoryRange(mb: Memblock, base: bigint, size: bigint): void {
  if (!size) return;
  // 6.1+ return early ("No memory registered yet"); 5.10 would go on to truncate reserved.
  const t = mb.types.memory;
  if (t.r.length === 0) return;
  if (!memblockIsolateRoom(mb, 'memory', base, capSize(base, size))) return;
  const { startRgn, endRgn } = memblockIsolateRange(t, base, size);
  // when nothing lies inside, startRgn = endRgn = 0 and every MAP region goes
  t.filter((r, i) => (i >= startRgn && i < endRgn) || (r.flags & MEMBLOCK_NOMAP) !== 0);
  // split regions are not merged again: a whole-array merge (5.10/6.1) may find them later
  t.unmerged = true;
  memblockRemoveRange(mb, 'reserved', 0n, base);
  memblockRemoveRange(mb, 'reserved', base + size, PHYS_ADDR_MAX);
}

/**
 * Models __find_max_addr(): the address below which `limit` bytes of memory lie (NOMAP regions count),
 * or PHYS_ADDR_MAX if there is no more memory than that.
 */
export function findMaxAddr(mb: Memblock, limit: bigint): bigint {
  for (const r of mb.types.memory.r) {
    if (limit <= r.size) return r.base + limit;
    limit -= r.size;
  }
  return PHYS_ADDR_MAX;
}

/** Models memblock_mem_limit_remove_map() (arm64 mem=): caps memory at __find_max_addr(limit), keeping NOMAP. */
export function memblockMemLimitRemoveMap(mb: Memblock, limit: bigint): void {
  if (!limit) return;
  const maxAddr = findMaxAddr(mb, limit);
  if (maxAddr === PHYS_ADDR_MAX) return;
  memblockCapMemoryRange(mb, 0n, maxAddr);
}

/** Models memblock_enforce_memory_limit(): truncates memory and reserved at __find_max_addr(limit). */
export function memblockEnforceMemoryLimit(mb: Memblock, limit: bigint): void {
  if (!limit) return;
  const maxAddr = findMaxAddr(mb, limit);
  if (maxAddr === PHYS_ADDR_MAX) return;
  memblockRemoveRange(mb, 'memory', maxAddr, PHYS_ADDR_MAX);
  memblockRemoveRange(mb, 'reserved', maxAddr, PHYS_ADDR_MAX);
}
