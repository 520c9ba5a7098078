// Models the read-only queries of mm/memblock.c (memblock_start_of_DRAM, memblock_end_of_DRAM,
// memblock_phys_mem_size, memblock_reserved_size, memblock_is_memory, memblock_is_map_memory,
// memblock_is_reserved, memblock_is_region_memory, memblock_is_region_reserved, memblock_overlaps_region),
// 5.10–7.2.

import { MEMBLOCK_NOMAP, type Memblock, type MemblockRegion } from './types.ts';
import { capSize, memblockSearch, regionsOf, sumSizes } from './regions.ts';

/** Models memblock_start_of_DRAM(): regions[0].base (0 when there is no memory). */
export function memblockStartOfDRAM(mb: Memblock): bigint {
  const m = regionsOf(mb, 'memory');
  return m.length ? m[0].base : 0n;
}

/** Models memblock_end_of_DRAM(): the end of the last memory region (0 when there is none). */
export function memblockEndOfDRAM(mb: Memblock): bigint {
  const m = regionsOf(mb, 'memory');
  const n = m.length;
  return n ? m[n - 1].base + m[n - 1].size : 0n;
}

/** Models memblock_phys_mem_size(): memblock.memory.total_size (NOMAP included). */
export function memblockPhysMemSize(mb: Memblock): bigint {
  return sumSizes(regionsOf(mb, 'memory'));
}

/** Models memblock_reserved_size(): memblock.reserved.total_size. */
export function memblockReservedSize(mb: Memblock): bigint {
  return sumSizes(regionsOf(mb, 'reserved'));
}

/** Models memblock_overlaps_region(). */
export function memblockOverlapsRegion(arr: readonly MemblockRegion[], base: bigint, size: bigint): boolean {
  size = capSize(base, size);
  for (const r of arr) if (base < r.base + r.size && r.base < base + size) return true;
  return false;
}

/** Models memblock_is_region_memory(): [base, base + size) lies inside one memory region. */
export function memblockIsRegionMemory(mb: Memblock, base: bigint, size: bigint): boolean {
  const m = regionsOf(mb, 'memory');
  const idx = memblockSearch(m, base);
  if (idx === -1) return false;
  const end = base + capSize(base, size);
  return m[idx].base + m[idx].size >= end;
}

/** Models memblock_is_region_reserved(): [base, base + size) overlaps some reserved region. */
export function memblockIsRegionReserved(mb: Memblock, base: bigint, size: bigint): boolean {
  return memblockOverlapsRegion(regionsOf(mb, 'reserved'), base, size);
}

export function memblockIsMemory(mb: Memblock, addr: bigint): boolean {
  return memblockSearch(regionsOf(mb, 'memory'), addr) !== -1;
}

/** Models memblock_is_map_memory(): memory and not NOMAP. */
export function memblockIsMapMemory(mb: Memblock, addr: bigint): boolean {
  const m = regionsOf(mb, 'memory');
  const i = memblockSearch(m, addr);
  return i !== -1 && (m[i].flags & MEMBLOCK_NOMAP) === 0;
}

export function memblockIsReserved(mb: Memblock, addr: bigint): boolean {
  return memblockSearch(regionsOf(mb, 'reserved'), addr) !== -1;
}
