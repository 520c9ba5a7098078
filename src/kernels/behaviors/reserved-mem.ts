// /memreserve/ and /reserved-memory per generation: early_init_fdt_scan_reserved_mem() and its parts
// (drivers/of/fdt.c, drivers/of/of_reserved_mem.c, kernel/dma/contiguous.c, kernel/dma/coherent.c, mm/cma.c),
// as data plus the exact printk formats. Checked in linux-5.10.223, 6.1.176, 6.12(.107) and 7.2.8, and against
// QEMU boots of the Debian binaries (test/data/reserved-mem/).
import type { PrintkLevel } from '../../trace/events.ts';
import type { LibSortVariant } from '../../model/reserved-mem/sort.ts';
import type { ReservedMemVariant, RmemFormat } from '../../model/reserved-mem/types.ts';

const SZ_1M = 1n << 20n;
const f = (fmt: string, level: PrintkLevel): RmemFormat => ({ fmt, level });
const OF_FDT = 'OF: fdt: ';
const OF_RMEM = 'OF: reserved mem: ';

/** Texts shared by every generation (prefix included; pr_fmt of the file that prints them, kernel-notes §6.1). */
const commonFormats = {
  invalidSize: f(`${OF_RMEM}invalid size property in '%s' node.\n`, 'err'),
  invalidAlignment: f(`${OF_RMEM}invalid alignment property in '%s' node.\n`, 'err'),
  invalidAllocRanges: f(`${OF_RMEM}invalid alloc-ranges property in '%s', skipping node.\n`, 'err'),
  notEnoughSpace: f(`${OF_RMEM}not enough space for all defined regions.\n`, 'err'),
  initialized: f(`${OF_RMEM}initialized node %s, compatible id %s\n`, 'info'),
  matchingFail: f(`${OF_RMEM}node %s compatible matching fail\n`, 'info'),
  overlap: f(`${OF_RMEM}OVERLAP DETECTED!\n%s (%pa--%pa) overlaps with %s (%pa--%pa)\n`, 'err'),
  // kernel/dma/contiguous.c prints these after `#undef pr_fmt`: no prefix.
  cmaBypass: f('Reserved memory: bypass %s node, using cmdline CMA params instead\n', 'info'),
  cmaIncorrectAlignment: f('Reserved memory: incorrect alignment of CMA region\n', 'err'),
  cmaUnableToSetup: f('Reserved memory: unable to setup CMA region\n', 'err'),
  cmaCreated: f('Reserved memory: created CMA memory pool at %pa, size %ld MiB\n', 'info'),
  // mm/cma.c: pr_fmt "cma: ".
  cmaNoSlots: f('cma: Not enough slots for CMA reserved regions!\n', 'err'),
  // kernel/dma/coherent.c has no pr_fmt.
  dmaCreated: f('Reserved memory: created DMA memory pool at %pa, size %ld MiB\n', 'info'),
};

const upstream510 = {
  ...commonFormats,
  // 5.10: the reg-node parts live in drivers/of/fdt.c (prefix "OF: fdt: ").
  unsupportedFormat: f(`${OF_FDT}Reserved memory: unsupported node format, ignoring\n`, 'err'),
  invalidReg: f(`${OF_FDT}Reserved memory: invalid reg property in '%s', skipping node.\n`, 'err'),
  failedToReserve: f(`${OF_FDT}Reserved memory: failed to reserve memory for node '%s': base %pa, size %lu MiB\n`, 'info'),
  failedToAllocate: f(`${OF_RMEM}failed to allocate memory for node '%s'\n`, 'info'),
  // arch/arm64/mm/init.c reserve_elfcorehdr() (no pr_fmt).
  elfcorehdrReserved: f('Reserving %lldKB of memory at 0x%llx for elfcorehdr\n', 'info'),
  elfcorehdrOverlapped: f('elfcorehdr is overlapped\n', 'warn'),
};

const upstream61 = {
  ...upstream510,
  failedToReserve: f(`${OF_FDT}Reserved memory: failed to reserve memory for node '%s': base %pa, size %lu MiB\n`, 'err'),
  failedToAllocate: f(`${OF_RMEM}failed to allocate memory for node '%s': size %lu MiB\n`, 'err'),
  elfcorehdrReserved: f(`${OF_FDT}Reserving %llu KiB of memory at 0x%llx for elfcorehdr\n`, 'info'),
  elfcorehdrOverlapped: f(`${OF_FDT}elfcorehdr is overlapped\n`, 'warn'),
};

const upstream612 = {
  ...upstream61,
  // 6.12: the reg-node parts moved to drivers/of/of_reserved_mem.c.
  unsupportedFormat: f(`${OF_RMEM}Reserved memory: unsupported node format, ignoring\n`, 'err'),
  invalidReg: f(`${OF_RMEM}Reserved memory: invalid reg property in '%s', skipping node.\n`, 'err'),
  failedToReserve: f(`${OF_RMEM}Reserved memory: failed to reserve memory for node '%s': base %pa, size %lu MiB\n`, 'err'),
  tooManyDynamic: f(`${OF_RMEM}too many defined dynamic regions, skip '%s'\n`, 'err'),
  summary: f(`${OF_RMEM}%pa..%pa (%lu KiB) %s %s %s\n`, 'info'),
  lateIgnores: f(`${OF_RMEM}%s() ignores %d regions in node '%s'\n`, 'warn'),
  arrayAllocFailed: f(`${OF_RMEM}Failed to allocate memory for reserved_mem array with err: %d`, 'err'),
  noNode: f(`${OF_RMEM}Reserved memory: No reserved-memory node in the DT\n`, 'info'),
};

const upstream72 = {
  ...upstream612,
  lateIgnores: undefined,
  onlyFirstReg: f(`${OF_RMEM}Reserved memory: node '%s' has %d <base size> entries, only the first is used\n`, 'warn'),
  cmaSkipDefault: f('Skipping dt linux,cma-default node in favor for "cma=" kernel param.\n', 'err'),
};

const classic: LibSortVariant = 'classic';
const doublePop: LibSortVariant = 'double-pop';

/**
 * 5.10.223: memreserve → of_scan_flat_dt(__fdt_scan_reserved_mem) (static reserved, every node saved) →
 * fdt_init_reserved_mem() (sort, then allocate and init in sorted order); arm64 reserve_elfcorehdr() after.
 */
export const reservedMem510: ReservedMemVariant = {
  order: 'save-sort-init',
  elfcorehdr: 'after',
  rootLookup: 'scan-depth-1-exact-name',
  staticNomapBusy: 'reserved',
  regEntries: 'all',
  invalidReg: 'skip-node',
  dynamicAlloc: 'find-then-remove-or-reserve',
  // PAGE_SIZE << max(MAX_ORDER - 1, pageblock_order), FORCE_MAX_ZONEORDER=11: 4 KiB << 10.
  cmaNodeAlign: 4n * SZ_1M,
  cmaAlignOnlyIfVerified: false,
  allocDirection: 'memblock-default',
  invalidAllocRanges: 'error',
  undo: 'free-then-add-if-nomap',
  initLoop: 'until-success',
  cmaDefaultWithCmdline: 'bypass-at-init',
  summaryLine: false,
  sort: classic,
  sortByNodeOffset: false,
  maxRegions: 64,
  cmaAreas: 19,
  reservedMemEntrySize: 48n,
  failedInitKeepsSlot: true,
  formats: upstream510,
};

/** 6.1.176: as 5.10, but memblock_phys_alloc_range + mark_nomap, 2 MiB CMA alignment, elfcorehdr inside (between scan and init). */
export const reservedMem61: ReservedMemVariant = {
  ...reservedMem510,
  elfcorehdr: 'between-scan-and-init',
  rootLookup: 'path',
  staticNomapBusy: 'memory-and-reserved',
  dynamicAlloc: 'phys-alloc-then-mark-nomap',
  // CMA_MIN_ALIGNMENT_BYTES = pageblock_nr_pages * PAGE_SIZE = 2 MiB (4K pages).
  cmaNodeAlign: 2n * SZ_1M,
  undo: 'clear-nomap-or-free',
  formats: upstream61,
};

/**
 * 6.12: elfcorehdr → pass A (static regs, all entries) → pass B (dynamic, DT order, saved and inited at
 * once, direction chosen from saved neighbours) → memreserve; static nodes saved and inited at unflatten
 * time (fdt_scan_reserved_mem_reg_nodes), which first memblock_alloc()s the reserved_mem array.
 */
export const reservedMem612: ReservedMemVariant = {
  ...reservedMem61,
  order: 'static-dynamic-then-late',
  elfcorehdr: 'first',
  allocDirection: 'saved-neighbours',
  summaryLine: true,
  sort: doublePop,
  sortByNodeOffset: true,
  cmaAreas: 20,
  formats: upstream612,
};

/**
 * 7.2.8: as 6.12, but only the first reg entry counts (a malformed reg is "no reg"), node_validate /
 * node_fixup hooks (CMA: __rmem_cma_verify_node), init stops at the first answer other than -ENODEV, a
 * failed init gives its slot back, and a malformed alloc-ranges is ignored.
 */
export const reservedMem72: ReservedMemVariant = {
  ...reservedMem612,
  regEntries: 'first-only',
  invalidReg: 'as-absent',
  cmaAlignOnlyIfVerified: true,
  invalidAllocRanges: 'ignored',
  initLoop: 'until-not-enodev',
  cmaDefaultWithCmdline: 'skip-at-verify',
  sortByNodeOffset: false,
  failedInitKeepsSlot: false,
  formats: upstream72,
};

export const reservedMemByGeneration: Record<'5.10' | '6.1' | '6.12' | '7.2', ReservedMemVariant> = {
  '5.10': reservedMem510,
  '6.1': reservedMem61,
  '6.12': reservedMem612,
  '7.2': reservedMem72,
};
