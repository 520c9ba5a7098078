// Models struct memblock / memblock_type / memblock_region (include/linux/memblock.h), 5.10–7.2.
// Ranges are half-open [base, base + size); addresses are bigint.

import type { DoubleArrayEvent } from './double-array.ts';

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

/** An immutable view of memblock: arrays are replaced, never mutated, so a snapshot is just these references. */
export interface MemblockSnapshot {
  readonly memory: readonly MemblockRegion[];
  readonly reserved: readonly MemblockRegion[];
}

/**
 * The mutable allocator state. Operations replace `memory` / `reserved` with new frozen arrays when they
 * change them, so `snapshot()` is O(1) and earlier snapshots stay valid.
 */
export interface Memblock extends MemblockSnapshot {
  memory: readonly MemblockRegion[];
  reserved: readonly MemblockRegion[];
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

export function createMemblock(opts: CreateMemblockOptions = {}): Memblock {
  const reserveKernFlag = opts.reserveKernFlag ?? false;
  return {
    memory: Object.freeze([]),
    reserved: Object.freeze([]),
    bottomUp: false,
    currentLimit: MEMBLOCK_ALLOC_ANYWHERE,
    pageSize: opts.pageSize ?? 4096n,
    reserveKernFlag,
    plainReserveNid: opts.plainReserveNid ?? (reserveKernFlag ? NUMA_NO_NODE : MAX_NUMNODES),
    mergeWholeArray: opts.mergeWholeArray ?? false,
    legacyNidChecks: opts.legacyNidChecks ?? false,
    emptyTypeKeepsDummy: opts.emptyTypeKeepsDummy ?? false,
    movableNode: opts.movableNode ?? false,
    regionsMax: opts.initRegions ? { ...opts.initRegions } : undefined,
    canResize: false,
    resizePanics: opts.resizePanics ?? false,
    regionArrays: {},
  };
}

export function snapshot(mb: MemblockSnapshot): MemblockSnapshot {
  return { memory: mb.memory, reserved: mb.reserved };
}
