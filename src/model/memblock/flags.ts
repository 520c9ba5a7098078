// Models memblock_setclr_flag() and its users (memblock_mark_nomap, memblock_clear_nomap,
// memblock_mark_hotplug, memblock_clear_hotplug, memblock_reserved_mark_noinit, memblock_reserved_mark_kern)
// and memblock_set_node() (mm/memblock.c), 5.10–7.2.

import {
  MEMBLOCK_HOTPLUG,
  MEMBLOCK_NOMAP,
  MEMBLOCK_RSRV_KERN,
  MEMBLOCK_RSRV_NOINIT,
  type Memblock,
} from './types.ts';
import { memblockIsolateRoom } from './double-array.ts';
import { memblockIsolateRange } from './isolate.ts';
import { capSize, mergeRegions, region, type MemblockTypeName } from './regions.ts';

/** Models memblock_setclr_flag(): isolates the range, sets or clears `flag` inside it, merges. */
export function memblockSetclrFlag(mb: Memblock, type: MemblockTypeName, base: bigint, size: bigint, set: boolean, flag: number): void {
  if (!memblockIsolateRoom(mb, type, base, capSize(base, size))) return;
  const t = mb.types[type];
  const { startRgn, endRgn } = memblockIsolateRange(t, base, size);
  for (let i = startRgn; i < endRgn; i++) {
    const r = t.r[i];
    const flags = set ? r.flags | flag : r.flags & ~flag;
    if (flags !== r.flags) t.set(i, region(r.base, r.size, r.nid, flags));
  }
  mergeRegions(mb, t, startRgn, endRgn);
}

export function memblockMarkNomap(mb: Memblock, base: bigint, size: bigint): void {
  memblockSetclrFlag(mb, 'memory', base, size, true, MEMBLOCK_NOMAP);
}

export function memblockClearNomap(mb: Memblock, base: bigint, size: bigint): void {
  memblockSetclrFlag(mb, 'memory', base, size, false, MEMBLOCK_NOMAP);
}

export function memblockMarkHotplug(mb: Memblock, base: bigint, size: bigint): void {
  memblockSetclrFlag(mb, 'memory', base, size, true, MEMBLOCK_HOTPLUG);
}

export function memblockClearHotplug(mb: Memblock, base: bigint, size: bigint): void {
  memblockSetclrFlag(mb, 'memory', base, size, false, MEMBLOCK_HOTPLUG);
}

/** Models memblock_reserved_mark_noinit() (6.12+). */
export function memblockReservedMarkNoinit(mb: Memblock, base: bigint, size: bigint): void {
  memblockSetclrFlag(mb, 'reserved', base, size, true, MEMBLOCK_RSRV_NOINIT);
}

/** Models memblock_reserved_mark_kern() (7.2). */
export function memblockReservedMarkKern(mb: Memblock, base: bigint, size: bigint): void {
  memblockSetclrFlag(mb, 'reserved', base, size, true, MEMBLOCK_RSRV_KERN);
}

/** Models memblock_set_node() (CONFIG_NUMA): isolates the range of `type`, sets nid inside it, merges. */
export function memblockSetNode(mb: Memblock, base: bigint, size: bigint, nid: number, type: MemblockTypeName = 'memory'): void {
  if (!memblockIsolateRoom(mb, type, base, capSize(base, size))) return;
  const t = mb.types[type];
  const { startRgn, endRgn } = memblockIsolateRange(t, base, size);
  for (let i = startRgn; i < endRgn; i++) {
    const r = t.r[i];
    if (r.nid !== nid) t.set(i, region(r.base, r.size, nid, r.flags));
  }
  mergeRegions(mb, t, startRgn, endRgn);
}
