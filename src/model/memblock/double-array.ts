// Models memblock_double_array() and memblock_allow_resize() (mm/memblock.c), 5.10–7.2: a region array
// that is full is replaced by one twice as large, allocated from memblock itself.

import { memblockFindInRangeNode } from './find.ts';
import { memblockPhysFree } from './remove.ts';
import { memblockReserveKern } from './reserve.ts';
import type { MemblockTypeName } from './regions.ts';
import { MEMBLOCK_NONE, NUMA_NO_NODE, type Memblock } from './types.ts';

/** sizeof(struct memblock_region) on arm64 with CONFIG_NUMA: base, size (u64), flags (enum), nid (int). */
export const MEMBLOCK_REGION_BYTES = 24n;

/**
 * The initial array sizes (mm/memblock.c INIT_MEMBLOCK_REGIONS = 128; arch/arm64/include/asm/memory.h):
 * with CONFIG_EFI, memory holds INIT_MEMBLOCK_REGIONS * 8 from 6.1 on; with CONFIG_EFI and
 * CONFIG_ARM_GIC_V3_ITS, reserved holds INIT_MEMBLOCK_REGIONS + NR_CPUS + 1 (5.10–7.2).
 */
export function initMemblockRegions(opts: { efi: boolean; gicV3Its: boolean; nrCpus: number; efiMemoryRegionsX8: boolean }): { memory: number; reserved: number } {
  return {
    memory: opts.efi && opts.efiMemoryRegionsX8 ? 128 * 8 : 128,
    reserved: opts.efi && opts.gicV3Its ? 128 + opts.nrCpus + 1 : 128,
  };
}

/** What one call of memblock_double_array() did, for the trace (the caller prints the lines). */
export interface DoubleArrayEvent {
  type: MemblockTypeName;
  /** type->max before and after (unchanged when the doubling failed). */
  from: number;
  to: number;
  /** The new array [addr, addr + PAGE_ALIGN(new_size)), reserved in memblock; absent when it failed. */
  range?: { base: bigint; size: bigint };
  /** The old array freed back to memblock (absent while it was the static __initdata one). */
  freed?: { base: bigint; size: bigint };
  /** memblock_dbg() on success, pr_err() on failure, without the newline. */
  line: string;
  level: 'debug' | 'err';
}

/** The kernel's panic() inside memblock (6.12+: doubling before memblock_allow_resize()). */
export class MemblockPanic extends Error {
  constructor(readonly line: string) {
    super(line);
    this.name = 'MemblockPanic';
  }
}

const pa = (v: bigint): string => '0x' + v.toString(16).padStart(16, '0');

/** Models memblock_allow_resize(): arm64 paging_init() calls it (after map_mem()); doubling was impossible before. */
export function memblockAllowResize(mb: Memblock): void {
  mb.canResize = true;
}

/**
 * Models memblock_double_array(type, new_area_start, new_area_size) before the slab allocator is up
 * (always, at the boot stages modelled): finds PAGE_ALIGN(2 * max * 24) bytes above the new area (only
 * when doubling reserved does the area being added matter) or else below it, top-down, page aligned;
 * frees the old array unless it was the static one; reserves the new one (7.2: memblock_reserve_kern()).
 * Before memblock_allow_resize() it fails (5.10/6.1: -1) or panics (6.12+: `mb.resizePanics`).
 * Returns false where the kernel returns -1. Without `mb.regionsMax` arrays are unbounded and this is never called.
 */
export function memblockDoubleArray(mb: Memblock, type: MemblockTypeName, newAreaStart: bigint, newAreaSize: bigint): boolean {
  const max = mb.regionsMax![type];
  if (!mb.canResize) {
    if (mb.resizePanics) throw new MemblockPanic(`memblock: cannot resize ${type} array`);
    return false;
  }
  const page = mb.pageSize;
  const pageAlign = (x: bigint): bigint => (x + page - 1n) & ~(page - 1n);
  const oldSize = BigInt(max) * MEMBLOCK_REGION_BYTES;
  const newSize = oldSize * 2n;
  const oldAllocSize = pageAlign(oldSize);
  const newAllocSize = pageAlign(newSize);
  if (type !== 'reserved') newAreaStart = newAreaSize = 0n;
  // memblock_find_in_range(): any node, no flags (arm64 has no mirrored memory)
  let addr = memblockFindInRangeNode(mb, newAllocSize, page, newAreaStart + newAreaSize, mb.currentLimit, NUMA_NO_NODE, MEMBLOCK_NONE);
  if (addr === undefined && newAreaSize) {
    const end = newAreaStart < mb.currentLimit ? newAreaStart : mb.currentLimit;
    addr = memblockFindInRangeNode(mb, newAllocSize, page, 0n, end, NUMA_NO_NODE, MEMBLOCK_NONE);
  }
  if (addr === undefined) {
    mb.onDoubleArray?.({ type, from: max, to: max, line: `memblock: Failed to double ${type} array from ${max} to ${max * 2} entries !`, level: 'err' });
    return false;
  }
  // the regions move to the new array before anything is freed or reserved: the array may be reserved's own
  const old = mb.regionArrays[type];
  mb.regionsMax![type] = max * 2;
  mb.regionArrays[type] = addr;
  const freed = old === undefined ? undefined : { base: old, size: oldAllocSize };
  if (freed) memblockPhysFree(mb, freed.base, freed.size);
  memblockReserveKern(mb, addr, newAllocSize, NUMA_NO_NODE);
  mb.onDoubleArray?.({
    type, from: max, to: max * 2, range: { base: addr, size: newAllocSize }, freed,
    line: `memblock: ${type} is doubled to ${max * 2} at [${pa(addr)}-${pa(addr + newSize - 1n)}]`, level: 'debug',
  });
  return true;
}

/**
 * The check of memblock_add_range() (mm/memblock.c): `nrNew` regions are about to be inserted into a
 * type holding `cnt`; while they do not fit, double. False when a doubling failed (the add returns -ENOMEM).
 */
export function memblockMakeRoom(mb: Memblock, type: MemblockTypeName, cnt: number, nrNew: number, base: bigint, size: bigint): boolean {
  if (!mb.regionsMax) return true;
  while (cnt + nrNew > mb.regionsMax[type]) {
    if (!memblockDoubleArray(mb, type, base, size)) return false;
    // a doubled reserved array reserves itself: one region more may now be there
    cnt = mb.types[type].r.length;
  }
  return true;
}

/**
 * The check that opens memblock_isolate_range(): it creates at most two more regions, so while
 * `cnt + 2 > max`, double. False where the kernel returns -ENOMEM (the caller then changes nothing).
 */
export function memblockIsolateRoom(mb: Memblock, type: MemblockTypeName, base: bigint, size: bigint): boolean {
  if (!mb.regionsMax || !size) return true;
  return memblockMakeRoom(mb, type, mb.types[type].r.length, 2, base, size);
}
