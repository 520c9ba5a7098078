// A UEFI + ACPI boot of an arm64 kernel: what differs from the DT boot that src/kernels/boot.ts drives, as the
// inputs and hooks that turn predictBoot() into a UEFI boot (see predictEfiBoot and docs in the lead's notes).
//
// Differences from a DT boot, in boot order (checked against memblock=debug consoles of the four Debian kernels):
// 1. The EFI stub (not QEMU) places the kernel: a Loader Code region of the EFI map. 6.12/7.2 copy it to a 2 MiB-
//    aligned region of exactly image_size; 5.10/6.1 run it where the firmware's PE loader put it (64 KiB-aligned
//    inside a region of image_size + 64 KiB).
// 2. The stub builds the DTB: "Generating empty DTB" (edk2 with ACPI exposes no DT), i.e. /chosen only (bootargs,
//    linux,uefi-*; 5.10 also linux,initrd-*), packed, in a 2 MiB Loader Data allocation; no /memory, no /cpus.
//    setup_machine_fdt() reserves its (small) totalsize. With an initrd (LoadFile2), the initrd lies in a 64 KiB-
//    aligned Loader Data allocation right above the DTB's 2 MiB.
// 3. efi_init() replaces the DT memory: uefi_init() reserves the MEMATTR table (efi_memattr_init) and the
//    LINUX_EFI_MEMRESERVE table (efi_config_parse_tables); reserve_regions() rebuilds memblock.memory from the EFI map
//    (NOMAP for non-usable types, e.g. QEMU's flash at 0x4000000 (WC): DRAM then starts at 64 MiB), reserves ACPI
//    reclaim; 6.1+ re-apply linux,usable-memory-range; the map itself is reserved.
// 4. After paging_init(): acpi_table_upgrade() copies tables found in the initrd (kernel/firmware/acpi/*.aml) to a
//    top-down page-aligned memblock allocation of their exact size, marked NOMAP.
// 5. unflatten_device_tree() is skipped (acpi_disabled is false).
// 6. NUMA: arch_acpi_numa_init() fails without SRAT: 6.1 prints "NUMA: Failed to initialise from firmware",
//    5.10 "ACPI: NUMA: …" (not a numa line), instead of the DT's "No NUMA configuration found".
// 7. zone_sizes_init()/dma_limits_init() take acpi_iort_dma_get_max_cpu_address() (src/model/iort.ts).
// 8. num_possible_cpus() comes from the MADT (QEMU: -smp).
import type { Iort } from '../inputs/acpi/iort.ts';
import type { EfiMemoryMap } from '../inputs/efi-memmap.ts';
import { EFI_LOADER_CODE, EFI_LOADER_DATA, efiEnd } from '../inputs/efi-memmap.ts';
import type { Fdt, FdtNode } from '../inputs/fdt/tree.ts';
import type { ChosenFacts } from '../model/fdt-scan.ts';
import { acpiTableUpgrade, efiInit } from '../model/efi-init.ts';
import { acpiIortDmaGetMaxCpuAddress } from '../model/iort.ts';
import { note, type ModelContext } from '../model/context.ts';
import { memblockReserve } from '../model/memblock/index.ts';
import { efiVariants } from './behaviors/efi.ts';
import { predictBoot, type BootInput, type Prediction } from './boot.ts';
import type { KernelProfile } from './profile.ts';

const KiB64 = 0x10000n;
const MiB2 = 0x200000n;
/** libstub/fdt.c MAX_FDT_SIZE: the stub's DTB allocation. */
export const MAX_FDT_SIZE = MiB2;

/** The hooks src/kernels/boot.ts calls on a UEFI boot (BootInput.efi). */
export interface EfiBootHooks {
  /** Replaces the DT boot's "efi: UEFI not found." in the efiInit step. */
  efiInit(ctx: ModelContext, chosen: ChosenFacts): void;
  /** Runs right after paging_init(): acpi_table_upgrade(). */
  afterPagingInit(ctx: ModelContext): void;
  /** ACPI is in use: unflatten_device_tree() is skipped, NUMA asks the firmware (and fails without SRAT). */
  acpi: boolean;
}

export interface EfiBootInput {
  /** The EFI memory map (src/inputs/efi-memmap.ts) with the MemMap and config-table lines. */
  map: EfiMemoryMap;
  /** The kernel command line (the stub may append `initrd=…`, as edk2's loader does). */
  cmdline: string;
  /** CPUs the MADT describes (num_possible_cpus()). */
  possibleCpus: number;
  /** The IORT the kernel uses (the firmware's or an upgraded one); undefined: no limit. */
  iort?: Iort;
  /** Bytes of ACPI tables the kernel found in the initrd (acpi_table_upgrade()); 0 or undefined: none. */
  upgradedTablesSize?: bigint;
  /** The initrd the stub loaded: its size, and its address when known (else found in the EFI map, see findInitrd). */
  initrd?: { size: bigint; start?: bigint };
  /** _text; default: found in the EFI map (findKernelImage). */
  imageAddr?: bigint;
  /** The stub's DTB: address (default: the 2 MiB Loader Data allocation) and packed totalsize (default 0x300). */
  dtb?: { addr?: bigint; totalsize?: number };
  /** Entries of the EFI Memory Attributes table (its `efi: memattr:` lines); default 21, edk2 ArmVirtQemu's. */
  memattrEntries?: number;
  lpa2?: boolean;
}

const alignUp = (v: bigint, a: bigint): bigint => (v + a - 1n) & ~(a - 1n);

/** Where the stub left the kernel (_text): see the file comment, point 1. */
export function findKernelImage(map: EfiMemoryMap, imageSize: bigint): bigint | undefined {
  const code = map.descriptors.filter((d) => d.type === EFI_LOADER_CODE);
  const exact = code.find((d) => d.physAddr % MiB2 === 0n && efiEnd(d) - d.physAddr === alignUp(imageSize, 0x1000n));
  if (exact) return exact.physAddr;
  for (const d of code) {
    const t = alignUp(d.physAddr, KiB64);
    if (t + imageSize <= efiEnd(d)) return t;
  }
  return undefined;
}

/** The stub's DTB allocation: a Loader Data region of 2 MiB, or of 2 MiB + the initrd's 64 KiB-aligned size. */
export function findStubDtb(map: EfiMemoryMap, initrdSize = 0n): bigint | undefined {
  const want = MAX_FDT_SIZE + (initrdSize ? alignUp(initrdSize, KiB64) : 0n);
  const d = map.descriptors.find((x) => x.type === EFI_LOADER_DATA && efiEnd(x) - x.physAddr === want);
  return d?.physAddr;
}

/** The BootInput and hooks of a UEFI boot; pass the result to predictBoot (once boot.ts reads `efi`). */
export function efiBootInput(i: EfiBootInput, profile: KernelProfile): BootInput & { efi: EfiBootHooks } {
  const pageSize = profile.config.pageSize;
  const v = efiVariants[profile.generation];
  const imageAddr = i.imageAddr ?? findKernelImage(i.map, profile.image.imageSize) ?? 0n;
  const dtbBase = i.dtb?.addr ?? findStubDtb(i.map, i.initrd?.size) ?? 0n;
  const initrdStart = i.initrd ? (i.initrd.start ?? dtbBase + MAX_FDT_SIZE) : undefined;
  const fdt = stubFdt(i, initrdStart);
  const hooks: EfiBootHooks = {
    acpi: true,
    efiInit(ctx, chosen) {
      const attr = i.map.configTables.MEMATTR;
      if (attr !== undefined) {
        // efi_memattr_init(): sizeof(efi_memory_attributes_table_t) + num_entries * desc_size (0x30).
        const size = 16n + 0x30n * BigInt(i.memattrEntries ?? 21);
        memblockReserve(ctx.mb, attr, size);
        note(ctx, 'reserve', 'efi_memattr_init', { base: attr, size }, 'the EFI Memory Attributes table');
      }
      efiInit(ctx, v, { map: i.map, pageSize, usableMemoryRange: chosen.usableMemoryRange });
    },
    afterPagingInit(ctx) {
      if (i.upgradedTablesSize) acpiTableUpgrade(ctx, i.upgradedTablesSize, pageSize);
    },
  };
  return {
    fdt, dtbAddr: dtbBase, imageAddr, cmdline: i.cmdline, lpa2: i.lpa2,
    acpiDmaMax: acpiIortDmaGetMaxCpuAddress(i.iort).max,
    efi: hooks,
  };
}

/** predictBoot over a UEFI boot. Needs the three `efi` hooks in src/kernels/boot.ts (see the report). */
export function predictEfiBoot(i: EfiBootInput, profile: KernelProfile, driver: (b: BootInput, p: KernelProfile) => Prediction = predictBoot): Prediction {
  return driver(efiBootInput(i, profile), profile);
}

/**
 * The DTB the stub hands over, as the model needs it: /chosen (linux,initrd-* when there is an initrd) and, for
 * num_possible_cpus(), one /cpus/cpu@N per MADT CPU (the real stub DTB has no /cpus; the count comes from ACPI).
 */
function stubFdt(i: EfiBootInput, initrdStart: bigint | undefined): Fdt {
  const be64 = (v: bigint): Uint8Array => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, v);
    return b;
  };
  const node = (name: string, path: string, props: FdtNode['props'], children: FdtNode[] = []): FdtNode => {
    const n: FdtNode = { name, path, offset: 0, props, children, parent: null, nops: 0 };
    for (const c of children) c.parent = n;
    return n;
  };
  const chosenProps: FdtNode['props'] = [];
  if (i.initrd && initrdStart !== undefined) {
    chosenProps.push({ name: 'linux,initrd-start', value: be64(initrdStart), offset: 0 }, { name: 'linux,initrd-end', value: be64(initrdStart + i.initrd.size), offset: 0 });
  }
  const cpus = Array.from({ length: Math.max(1, i.possibleCpus) }, (_, n) => node(`cpu@${n}`, `/cpus/cpu@${n}`, []));
  const root = node('', '/', [], [node('chosen', '/chosen', chosenProps), node('cpus', '/cpus', [], cpus)]);
  const totalsize = i.dtb?.totalsize ?? 0x300;
  return { header: { totalsize } as Fdt['header'], memreserve: [], root, file: 'efi-stub.dtb' };
}
