// Models struct memblock / memblock_type / memblock_region (include/linux/memblock.h), 5.10–7.2.
// Ranges are half-open [base, base + size); addresses are bigint.

import type { DoubleArrayEvent } from './double-array.ts';
import { LazySnapshot, RegionArray } from './region-array.ts';

export const MEMBLOCK_NONE = 0x0;
export const MEMBLOCK_HOTPLUG = 0x1;
export const MEMBLOCK_MIRROR = 0x2;
export const MEMBLOCK_NOMAP = 0x4;
export const MEMBLOCK_DRIVER_MANAGED = 0x8;
export const MEMBLOCK_RSRV_NOINIT = 0x10;
/** 7.2: reservations made by memblock allocations carry this flag (and so do not merge with plain reserves). */
export const MEMBLOCK_RSRV_KERN = 0x20;
/** 7.2: kexec handover scratch memory. */
export const MEMBLOCK_KHO_SCRATCH = 0x40;

/** `MAX_NUMNODES`: the nid of regions not yet assigned to a node (memblock_add uses it). */
export const NUMA_NO_NODE = -1;
export const MAX_NUMNODES = 16;

export const PHYS_ADDR_MAX = (1n << 64n) - 1n;
/** `MEMBLOCK_ALLOC_ANYWHERE` (~0): no upper limit. */
export const MEMBLOCK_ALLOC_ANYWHERE = PHYS_ADDR_MAX;
/** `MEMBLOCK_ALLOC_ACCESSIBLE` (0): clamp to current_limit. */
export const MEMBLOCK_ALLOC_ACCESSIBLE = 0n;
/** `MEMBLOCK_ALLOC_NOLEAKTRACE` (1; 5.10 calls it MEMBLOCK_ALLOC_KASAN): like ACCESSIBLE. */
export const MEMBLOCK_ALLOC_NOLEAKTRACE = 1n;
export const SMP_CACHE_BYTES = 64n;

export interface MemblockRegion {
  readonly base: bigint;
  readonly size: bigint;
  readonly flags: number;
  readonly nid: number;
}

/** An immutable view of memblock: frozen arrays, never mutated afterwards. */
export interface MemblockSnapshot {
  readonly memory: readonly MemblockRegion[];
  readonly reserved: readonly MemblockRegion[];
}

/**
 * The mutable allocator state. The operations change `types` in place; `memory` / `reserved` read as frozen
 * copies (the same array until the next change) and may be assigned (the arrays are then taken as they are).
 */
export interface Memblock extends MemblockSnapshot {
  memory: readonly MemblockRegion[];
  reserved: readonly MemblockRegion[];
  /** The region arrays the operations work on, in place. */
  readonly types: MemblockTypes;
  /** memblock.bottom_up (false: top-down, the arm64 default). */
  bottomUp: boolean;
  /** memblock.current_limit (arm64 never sets it: MEMBLOCK_ALLOC_ANYWHERE). */
  currentLimit: bigint;
  /** PAGE_SIZE of the kernel being modelled (find_in_range never returns below it). */
  readonly pageSize: bigint;
  /** 7.2: allocations reserve with MEMBLOCK_RSRV_KERN and the nid (__memblock_reserve). */
  readonly reserveKernFlag: boolean;
  /**
   * The nid memblock_reserve() gives new reserved regions: MAX_NUMNODES in 5.10–6.12, NUMA_NO_NODE in 7.2
   * (memblock_reserve became __memblock_reserve(base, size, NUMA_NO_NODE, 0)). Default: follows reserveKernFlag.
   */
  readonly plainReserveNid?: number;
  /** 5.10/6.1: memblock_merge_regions() scans the whole array (6.12+: only the touched range). */
  readonly mergeWholeArray?: boolean;
  /**
   * 5.10/6.1: "any node" is `nid == NUMA_NO_NODE` (MAX_NUMNODES is rewritten to it by the allocators), and the
   * dump prints " on node %d" when `nid != MAX_NUMNODES`. 6.12+: numa_valid_node() for both.
   */
  readonly legacyNidChecks?: boolean;
  /** 5.10/6.1: an empty type keeps one zero-size dummy region (cnt stays 1; the dump shows it). */
  readonly emptyTypeKeepsDummy?: boolean;
  /** movable_node on the command line: free-range walks skip MEMBLOCK_HOTPLUG memory. */
  movableNode?: boolean;
  /**
   * type->max of each array (memblock_double_array() grows it); absent: arrays are unbounded and never
   * doubled (the harness's default). See initMemblockRegions() in double-array.ts for the kernels' values.
   */
  regionsMax?: { memory: number; reserved: number };
  /** memblock_can_resize: set by memblock_allow_resize() (arm64 paging_init()). */
  canResize: boolean;
  /** 6.12+: doubling before memblock_allow_resize() panics (5.10/6.1: the add fails with -ENOMEM). */
  readonly resizePanics?: boolean;
  /** Where memblock_double_array() put each array (absent: the static __initdata one). */
  regionArrays: { memory?: bigint; reserved?: bigint };
  /** Told of each memblock_double_array() call (the boot driver records it in the trace). */
  onDoubleArray?: (e: DoubleArrayEvent) => void;
}

/** struct memblock's two types, the Memblock they belong to, and the last snapshot taken of them. */
export interface MemblockTypes {
  readonly memory: RegionArray;
  readonly reserved: RegionArray;
  owner: MemblockSnapshot | undefined;
  last?: LazySnapshot;
}

export interface CreateMemblockOptions {
  pageSize?: bigint;
  reserveKernFlag?: boolean;
  plainReserveNid?: number;
  mergeWholeArray?: boolean;
  legacyNidChecks?: boolean;
  emptyTypeKeepsDummy?: boolean;
  movableNode?: boolean;
  /** The initial type->max of each array (absent: unbounded). */
  initRegions?: { memory: number; reserved: number };
  resizePanics?: boolean;
}

/**
 * The Memblock object: the two views are accessors of a shared prototype (one hidden class for every
 * memblock; `{ ...mb }` copies the fields, not the views, and works on its own `memory` / `reserved`).
 */
class MemblockState {
  readonly types: MemblockTypes;
  bottomUp = false;
  currentLimit = MEMBLOCK_ALLOC_ANYWHERE;
  readonly pageSize: bigint;
  readonly reserveKernFlag: boolean;
  readonly plainReserveNid: number;
  readonly mergeWholeArray: boolean;
  readonly legacyNidChecks: boolean;
  readonly emptyTypeKeepsDummy: boolean;
  movableNode: boolean;
  regionsMax: { memory: number; reserved: number } | undefined;
  canResize = false;
  readonly resizePanics: boolean;
  regionArrays: { memory?: bigint; reserved?: bigint } = {};
  onDoubleArray: ((e: DoubleArrayEvent) => void) | undefined = undefined;

  constructor(opts: CreateMemblockOptions) {
    this.types = { memory: new RegionArray(), reserved: new RegionArray(), owner: this, last: undefined };
    this.pageSize = opts.pageSize ?? 4096n;
    this.reserveKernFlag = opts.reserveKernFlag ?? false;
    this.plainReserveNid = opts.plainReserveNid ?? (this.reserveKernFlag ? NUMA_NO_NODE : MAX_NUMNODES);
    this.mergeWholeArray = opts.mergeWholeArray ?? false;
    this.legacyNidChecks = opts.legacyNidChecks ?? false;
    this.emptyTypeKeepsDummy = opts.emptyTypeKeepsDummy ?? false;
    this.movableNode = opts.movableNode ?? false;
    this.regionsMax = opts.initRegions ? { ...opts.initRegions } : undefined;
    this.resizePanics = opts.resizePanics ?? false;
  }

  get memory(): readonly MemblockRegion[] {
    return this.types.memory.view();
  }

  set memory(v: readonly MemblockRegion[]) {
    this.types.memory.replaceAll(v);
    this.types.memory.unmerged = true;
  }

  get reserved(): readonly MemblockRegion[] {
    return this.types.reserved.view();
  }

  set reserved(v: readonly MemblockRegion[]) {
    this.types.reserved.replaceAll(v);
    this.types.reserved.unmerged = true;
  }
}

export function createMemblock(opts: CreateMemblockOptions = {}): Memblock {
  return new MemblockState(opts);
}

/** The arrays of `mb` to work on in place, unless `mb` is a copy (`{ ...mb, reserved: earlier }`) that only shares them. */
export function ownTypes(mb: MemblockSnapshot): MemblockTypes | undefined {
  const t = (mb as Partial<Memblock>).types;
  return t && t.owner === mb ? t : undefined;
}

/**
 * The state as it is now, for keeping: O(1), materialised when read. Successive calls without a change in
 * between return the same object (the trace shares it between events).
 */
export function snapshot(mb: MemblockSnapshot): MemblockSnapshot {
  const types = ownTypes(mb);
  if (!types) return { memory: mb.memory, reserved: mb.reserved };
  const last = types.last;
  if (last && last.memVersion === types.memory.version && last.resVersion === types.reserved.version) return last;
  return (types.last = new LazySnapshot(types.memory, types.memory.version, types.reserved, types.reserved.version));
}
