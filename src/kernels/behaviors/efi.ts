// What differs between generations in efi_init()/reserve_regions() (drivers/firmware/efi/efi-init.c) and in the
// ACPI table upgrade (drivers/acpi/tables.c acpi_table_upgrade()), as data for src/model/efi-init.ts.
import type { Generation } from '../generation.ts';

export interface EfiVariant {
  /**
   * 6.1+: efi_init() calls early_init_dt_check_for_usable_mem_range() after reserve_regions() (commit "efi: fix
   * kdump on UEFI"); 5.10 applies linux,usable-memory-range in arm64_memblock_init() instead, on every boot path.
   */
  usableRangeAfterReserveRegions: boolean;
  /** CONFIG_EFI_SOFT_RESERVE (y in every Debian build): EFI_MEMORY_SP ranges are not added to memblock. */
  softReserve: boolean;
  /** 7.2: reserve_regions() keeps KHO scratch regions (KEXEC_HANDOVER=n in Debian: nothing is kept). */
  keepsKhoScratch: boolean;
}

export const efiVariants: Readonly<Record<Generation, EfiVariant>> = {
  '5.10': { usableRangeAfterReserveRegions: false, softReserve: true, keepsKhoScratch: false },
  '6.1': { usableRangeAfterReserveRegions: true, softReserve: true, keepsKhoScratch: false },
  '6.12': { usableRangeAfterReserveRegions: true, softReserve: true, keepsKhoScratch: false },
  '7.2': { usableRangeAfterReserveRegions: true, softReserve: true, keepsKhoScratch: true },
};
