// Models efi_init() → reserve_regions() (drivers/firmware/efi/efi-init.c), 5.10–7.2: memblock is rebuilt from the
// EFI memory map (the DT /memory nodes are discarded), non-usable memory is NOMAP, ACPI reclaim memory is reserved,
// the LINUX_EFI_MEMRESERVE table and the memory map itself are reserved. Also acpi_table_upgrade()'s allocation.
import type { EfiMemoryDescriptor, EfiMemoryMap } from '../inputs/efi-memmap.ts';
import {
  EFI_ACPI_RECLAIM_MEMORY, EFI_BOOT_SERVICES_CODE, EFI_BOOT_SERVICES_DATA, EFI_CONVENTIONAL_MEMORY, EFI_LOADER_CODE,
  EFI_LOADER_DATA, EFI_MEMORY_SP, EFI_MEMORY_WB, EFI_MEMORY_WC, EFI_MEMORY_WT, EFI_PAGE_SIZE, EFI_PERSISTENT_MEMORY, EFI_TYPE_NAMES,
} from '../inputs/efi-memmap.ts';
import type { EfiVariant } from '../kernels/behaviors/efi.ts';
import { hex, note, type ModelContext } from './context.ts';
import { earlyInitDtAddMemoryArch } from './fdt-scan.ts';
import { memblockCapMemoryRange, memblockMarkNomap, memblockPhysAllocRange, memblockRemove, memblockReserve } from './memblock/index.ts';

const PHYS_ADDR_MAX = (1n << 64n) - 1n;

/** is_memory(): WB, WT or WC (UC-only ranges such as QEMU's PL031 MMIO are not memory). */
export const efiIsMemory = (md: EfiMemoryDescriptor): boolean => (md.attribute & (EFI_MEMORY_WB | EFI_MEMORY_WT | EFI_MEMORY_WC)) !== 0n;

/** is_usable_memory(): the types free after ExitBootServices(), and only when mapped write-back. */
export function efiIsUsableMemory(md: EfiMemoryDescriptor): boolean {
  switch (md.type) {
    case EFI_LOADER_CODE: case EFI_LOADER_DATA: case EFI_ACPI_RECLAIM_MEMORY: case EFI_BOOT_SERVICES_CODE:
    case EFI_BOOT_SERVICES_DATA: case EFI_CONVENTIONAL_MEMORY: case EFI_PERSISTENT_MEMORY:
      return (md.attribute & EFI_MEMORY_WB) !== 0n;
    default:
      return false;
  }
}

/** memrange_efi_to_native(): round the range outward to native pages (a no-op with 4 KiB pages). */
function memrangeEfiToNative(addr: bigint, npages: bigint, pageSize: bigint): { base: bigint; size: bigint } {
  const end = addr + npages * EFI_PAGE_SIZE;
  const base = addr & ~(pageSize - 1n);
  const top = (end + pageSize - 1n) & ~(pageSize - 1n);
  return { base, size: top - base };
}

/** Models reserve_regions(). */
export function reserveRegions(ctx: ModelContext, v: EfiVariant, map: EfiMemoryMap, pageSize: bigint): void {
  // KHO scratch (7.2) is never present on these kernels (KEXEC_HANDOVER=n): everything is removed.
  void v.keepsKhoScratch;
  memblockRemove(ctx.mb, 0n, PHYS_ADDR_MAX);
  note(ctx, 'remove', 'reserve_regions', undefined, 'UEFI boot: memory found so far (the DT /memory nodes) is discarded; the EFI memory map describes memory');
  for (const md of map.descriptors) {
    if (!efiIsMemory(md)) continue;
    if (v.softReserve && (md.attribute & EFI_MEMORY_SP) !== 0n) continue;
    const r = memrangeEfiToNative(md.physAddr, md.numPages, pageSize);
    earlyInitDtAddMemoryArch(ctx, r.base, r.size, pageSize);
    const name = EFI_TYPE_NAMES[md.type] ?? `type ${md.type}`;
    if (!efiIsUsableMemory(md)) {
      memblockMarkNomap(ctx.mb, r.base, r.size);
      note(ctx, 'add', 'reserve_regions', r, `EFI ${name}: memory, but not usable by the kernel (NOMAP: in the node ranges, never mapped or allocated)`);
    } else note(ctx, 'add', 'reserve_regions', r, `EFI ${name}`);
    if (md.type === EFI_ACPI_RECLAIM_MEMORY) {
      memblockReserve(ctx.mb, r.base, r.size);
      note(ctx, 'reserve', 'reserve_regions', r, 'ACPI reclaim memory is kept intact (kexec)');
    }
  }
}

export interface EfiInitInput {
  map: EfiMemoryMap;
  pageSize: bigint;
  /** /chosen linux,usable-memory-range (kdump kernels). */
  usableMemoryRange?: { base: bigint; size: bigint }[];
  /**
   * struct linux_efi_memreserve at the MEMRESERVE config table: efi_config_parse_tables() reserves
   * struct_size(rsv, entry, rsv->size) = 16 + 16·size bytes (the stub installs it with size 0).
   */
  memreserveEntries?: number;
}

/** Models efi_init() from uefi_init() on (the stub's /chosen linux,uefi-* properties are taken as present). */
export function efiInit(ctx: ModelContext, v: EfiVariant, i: EfiInitInput): void {
  const mr = i.map.configTables.MEMRESERVE;
  if (mr !== undefined) {
    const size = 16n + 16n * BigInt(i.memreserveEntries ?? 0);
    memblockReserve(ctx.mb, mr, size);
    note(ctx, 'reserve', 'efi_config_parse_tables', { base: mr, size }, 'the LINUX_EFI_MEMRESERVE table');
  }
  reserveRegions(ctx, v, i.map, i.pageSize);
  if (v.usableRangeAfterReserveRegions) {
    for (const r of (i.usableMemoryRange ?? []).slice(0, 1)) {
      if (!r.size) continue;
      memblockCapMemoryRange(ctx.mb, r.base, r.size);
      note(ctx, 'cap', 'early_init_dt_check_for_usable_mem_range', r, 'linux,usable-memory-range, re-applied after the EFI memory map');
    }
  }
  const m = i.map.memmap;
  if (m && m.size) {
    const base = m.physAddr & ~(i.pageSize - 1n);
    const size = (m.size + (m.physAddr & (i.pageSize - 1n)) + i.pageSize - 1n) & ~(i.pageSize - 1n);
    memblockReserve(ctx.mb, base, size);
    note(ctx, 'reserve', 'efi_init', { base, size }, `the EFI memory map itself (${hex(m.size)} bytes at ${hex(m.physAddr)})`);
  }
}

/**
 * Models acpi_table_upgrade() (drivers/acpi/tables.c) on arm64: the tables found in the initrd are copied to
 * memblock_phys_alloc_range(size, PAGE_SIZE, 0, ACPI_TABLE_UPGRADE_MAX_PHYS) — ARCH_LOW_ADDRESS_LIMIT =
 * arm64_dma_phys_limit − 1, and arm64_dma_phys_limit is still 0 here, so no limit — and arch_reserve_mem_area()
 * marks the copy NOMAP.
 */
export function acpiTableUpgrade(ctx: ModelContext, tablesSize: bigint, pageSize: bigint): bigint | undefined {
  if (tablesSize <= 0n) return undefined;
  // The exact size, page-aligned start ([QEMU] memblock=debug: `memblock_reserve: [0x13f41b000-0x13f41b057]` for an
  // 88-byte IORT); the NOMAP sub-page region then hides its whole page from the node ranges (PFN_UP/PFN_DOWN).
  const size = tablesSize;
  const at = memblockPhysAllocRange(ctx.mb, size, pageSize, 0n, PHYS_ADDR_MAX);
  if (at === undefined) return undefined;
  memblockMarkNomap(ctx.mb, at, size);
  note(ctx, 'alloc', 'acpi_table_upgrade', { base: at, size }, 'the ACPI tables from the initrd (NOMAP)');
  return at;
}
