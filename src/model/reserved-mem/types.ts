// Types of the /reserved-memory model (drivers/of/of_reserved_mem.c, drivers/of/fdt.c): the per-generation
// variant the kernels layer hands in, the input and the result.
import type { Fdt } from '../../inputs/fdt/tree.ts';
import type { PrintkLevel } from '../../trace/events.ts';
import type { ModelContext } from '../context.ts';
import type { LibSortVariant } from './sort.ts';

export interface RmemFormat {
  fmt: string;
  level: PrintkLevel;
}

/** Every text this unit may print; `undefined`: the generation has no such message. */
export interface RmemFormats {
  unsupportedFormat: RmemFormat;
  invalidReg: RmemFormat;
  failedToReserve: RmemFormat;
  invalidSize: RmemFormat;
  invalidAlignment: RmemFormat;
  invalidAllocRanges: RmemFormat;
  failedToAllocate: RmemFormat;
  notEnoughSpace: RmemFormat;
  initialized: RmemFormat;
  matchingFail: RmemFormat;
  overlap: RmemFormat;
  cmaBypass: RmemFormat;
  cmaIncorrectAlignment: RmemFormat;
  cmaUnableToSetup: RmemFormat;
  cmaCreated: RmemFormat;
  cmaNoSlots: RmemFormat;
  dmaCreated: RmemFormat;
  elfcorehdrReserved: RmemFormat;
  elfcorehdrOverlapped: RmemFormat;
  tooManyDynamic?: RmemFormat;
  summary?: RmemFormat;
  lateIgnores?: RmemFormat;
  arrayAllocFailed?: RmemFormat;
  noNode?: RmemFormat;
  onlyFirstReg?: RmemFormat;
  cmaSkipDefault?: RmemFormat;
}

export interface ReservedMemVariant {
  /**
   * 'save-sort-init' (5.10/6.1): static regs reserved and every node saved, then sorted, then dynamic nodes
   * allocated and all inited in sorted order. 'static-dynamic-then-late' (6.12/7.2): static regs, then
   * dynamic nodes in DT order (each inited at once), then /memreserve/; static nodes inited at unflatten.
   */
  order: 'save-sort-init' | 'static-dynamic-then-late';
  /** Where elfcorehdr is reserved: 5.10 arm64 after the scan, 6.1 between scan and init, 6.12+ first. */
  elfcorehdr: 'after' | 'between-scan-and-init' | 'first';
  /** 5.10 of_scan_flat_dt(): a depth-1 node named exactly "reserved-memory", descendants at any depth; 6.1+ fdt_path_offset() and direct children. */
  rootLookup: 'scan-depth-1-exact-name' | 'path';
  /** no-map static reg refused when: 5.10 the range overlaps a reservation; 6.1+ it also overlaps memory. */
  staticNomapBusy: 'reserved' | 'memory-and-reserved';
  /** 7.2 reserves only the first reg entry. */
  regEntries: 'all' | 'first-only';
  /** A reg whose length is not a multiple of an entry: error (5.10–6.12) or "no reg" (7.2). */
  invalidReg: 'skip-node' | 'as-absent';
  /** 5.10 memblock_find_in_range + memblock_remove (no-map) / memblock_reserve; 6.1+ memblock_phys_alloc_range + memblock_mark_nomap. */
  dynamicAlloc: 'find-then-remove-or-reserve' | 'phys-alloc-then-mark-nomap';
  /** Alignment a reusable shared-dma-pool without no-map is raised to. */
  cmaNodeAlign: bigint;
  /** 7.2: the raise happens in rmem_cma_validate(), only if __rmem_cma_verify_node() passes. */
  cmaAlignOnlyIfVerified: boolean;
  /** 6.12+: bottom-up or top-down per alloc-range from the regions already saved (__reserved_mem_alloc_in_range). */
  allocDirection: 'memblock-default' | 'saved-neighbours';
  /** alloc-ranges whose length is not a multiple of an entry: error (5.10–6.12) or treated as absent (7.2). */
  invalidAllocRanges: 'error' | 'ignored';
  /** Undo of a failed init: 5.10 memblock_free + memblock_add if no-map; 6.1+ clear_nomap if no-map, else phys_free. */
  undo: 'free-then-add-if-nomap' | 'clear-nomap-or-free';
  /** __reserved_mem_init_node(): try every matching table entry until one succeeds (ENOENT if none match), or (7.2) stop at the first answer other than -ENODEV. */
  initLoop: 'until-success' | 'until-not-enodev';
  /** `cma=` given and a linux,cma-default node: 5.10–6.12 rmem_cma_setup() bypasses; 7.2 __rmem_cma_verify_node() skips it at validate/fixup/init. */
  cmaDefaultWithCmdline: 'bypass-at-init' | 'skip-at-verify';
  /** 6.12+: one "%pa..%pa (%lu KiB) …" line per saved node. */
  summaryLine: boolean;
  sort: LibSortVariant;
  /** 6.12 __rmem_cmp() has a third key, the node offset. */
  sortByNodeOffset: boolean;
  /** MAX_RESERVED_REGIONS. */
  maxRegions: number;
  /** CONFIG_CMA_AREAS (MAX_CMA_AREAS). */
  cmaAreas: number;
  /** sizeof(struct reserved_mem) on arm64 (6.12/7.2 memblock_alloc the array at unflatten time). */
  reservedMemEntrySize: bigint;
  /** 6.12 counts a node whose init failed (reserved_mem_count++ regardless); 7.2 gives the slot back. */
  failedInitKeepsSlot: boolean;
  formats: RmemFormats;
}

export interface ReservedMemInput {
  fdt: Fdt;
  /** dt_root_addr_cells / dt_root_size_cells as early_init_dt_scan_root() set them. */
  rootAddrCells: number;
  rootSizeCells: number;
  /** `cma=` was on the command line (size_cmdline != -1). */
  cmaCmdlineGiven: boolean;
  /** elfcorehdr= / linux,elfcorehdr (kdump kernels). */
  elfcorehdr?: { base: bigint; size: bigint };
  /** CMA areas declared before this unit runs (cma_area_count); default 0. */
  cmaAreasUsed?: number;
}

export type RmemKind = 'cma' | 'dma-pool' | 'restricted' | 'plain';

export interface RmemRegion {
  name: string;
  base: bigint;
  size: bigint;
  nomap: boolean;
  reusable: boolean;
  compatible?: string;
  kind: RmemKind;
}

export interface ReservedMemResult {
  /** The saved reserved_mem[] entries whose init succeeded or found no init function, in the kernel's final array order. */
  regions: RmemRegion[];
  /** A linux,cma-default node became dma_contiguous_default_area: dma_contiguous_reserve() then reserves nothing. */
  defaultCmaArea?: { base: bigint; size: bigint };
  /** CMA areas in use after this unit (including those the late step adds, once it has run). */
  cmaAreasUsed: number;
  /** Work deferred to unflatten time (6.12/7.2): call it then; it updates `regions` and `defaultCmaArea`. */
  late?: (ctx: ModelContext) => void;
}
