// A kernel profile: one build's facts (config, image header, struct sizes) plus its generation's behaviours.
import type { CreateMemblockOptions } from '../model/memblock/types.ts';
import type { OfBusRules } from '../inputs/fdt/translate.ts';
import type { ZonelistVariant } from '../model/zones.ts';
import type { ImageSectionsK } from '../model/memory-summary.ts';
import type { UnavailableVariant } from '../model/unavailable-ranges.ts';
import type { CrashSizeVariant } from '../model/kexec/crash-size.ts';
import type { CmaVariant } from '../model/cma.ts';
import type { CrashReserveVariant } from '../model/crashkernel.ts';
import type { NumaVariant } from '../model/numa.ts';
import type { SwiotlbVariant } from '../model/swiotlb.ts';
import type { DmaLimitInput, DmaLimits } from './behaviors/dma-limits.ts';
import type { Generation, KernelVersion } from './generation.ts';
import type { LayoutConfig } from './layout-config.ts';
import type { KaslrLinearVariant } from '../model/kaslr.ts';
import type { Messages } from './messages.ts';
import type { BootParamTables } from '../inputs/image-params.ts';

export interface ImageFacts {
  /** The build's section sizes as `Memory:` prints them (_etext-_stext …, in KiB); undefined when unknown. */
  sectionsK?: ImageSectionsK;
  /** Image header image_size: _end - _text. */
  imageSize: bigint;
  textOffset: bigint;
  /** The kernel reserves from _stext, not _text (6.1: the first SEGMENT_ALIGN of the image stays free). */
  reserveSkipsHeader: bigint;
  /** The __setup()/early_param() strings and kernel_param names the build knows (src/inputs/image-params.ts). */
  bootParams?: BootParamTables;
}

/** The ordered boot steps of a generation (STYLE §5: the order is data). */
export type BootStepName =
  | 'setupMachineFdt' | 'kaslrInit' | 'parseEarlyParams' | 'efiInit' | 'arm64MemblockInit' | 'pagingInit' | 'unflattenDeviceTree'
  | 'numaInit' | 'cpumaskAlloc' | 'sparseInit' | 'zoneSizesInit' | 'dmaLimitsInit' | 'dmaContiguousReserve' | 'reserveCrashkernel'
  | 'freeAreaInit' | 'buildAllZonelists' | 'memInitPrintInfo' | 'setupArchTail' | 'commandLineCopies' | 'percpuFirstChunk' | 'unknownBootOptions' | 'hashTables' | 'swiotlbInit';

export interface Behaviours {
  bootSteps: readonly BootStepName[];
  dmaLimits: (i: DmaLimitInput) => DmaLimits;
  cma: CmaVariant;
  crash: CrashReserveVariant;
  numa: NumaVariant;
  swiotlb: SwiotlbVariant;
  messages: Messages;
  zonelist: ZonelistVariant;
  /** /sys/kernel/kexec_crash_size (kernel/kexec_core.c, kernel/crash_core.c). */
  crashSize: CrashSizeVariant;
  /** After a crash kernel is loaded: arch_kexec_protect_crashkres() (5.10/6.1) or nothing (6.12+). */
  kexecProtect: 'segments-invalid' | 'none';
  /** arm64_memblock_init()'s linear-map randomisation (absent in 7.2). */
  kaslrLinear?: KaslrLinearVariant;
  /** kexec_file_load's placement and DTB (kernel/kexec_file.c, drivers/of/kexec.c) where they differ by generation. */
  kexecFile: {
    /** locate_mem_hole_top_down() starts at end - memsz + 1 (6.12+) instead of one byte low (5.10/6.1). */
    topDownStartExact: boolean;
    /** prepare_elf_headers() reserves slots for the ranges the crash regions split off (6.1+: 2). */
    elfcorehdrExtraRanges: number;
    /** of_kexec_alloc_and_setup_fdt() adds /memreserve/ for the initrd and the ELF core header (6.1+). */
    memreserveForSegments: boolean;
    /** linux,usable-memory-range also carries crashk_low_res (6.1+). */
    usableIncludesLow: boolean;
  };
  /**
   * What a kdump kernel of this generation was measured to need to reach init (conformance/lifecycle/grid.json, every
   * cell): pages at memblock_free_all() outside CMA (`unmovable`: the kernel's own allocations) and with CMA (`total`:
   * user space and the page cache may use CMA pages). The least values among the cells that lived.
   */
  kdumpSurvival?: { unmovable: bigint; total: bigint };
  /**
   * 6.12+ print `Memory:` after deferred init and the first initcalls, not at memblock_free_all(): what the
   * kernel took from the page allocator in between (KiB, measured on the lifecycle guests with nr_cpus=1).
   */
  memoryLineLateAllocK?: bigint;
  /** 5.10 prints per-zone KERN_DEBUG lines after Initmem setup. */
  debugZoneLines: boolean;
  /** 5.10: `linux,usable-memory-range` is applied in arm64_memblock_init (first range only); 6.1+: in the FDT scan (two ranges). */
  usableRangesInFdtScan: boolean;
  /** 5.10 scans /memory nodes at any depth and ignores status; 6.1+ only direct children of / that are available. */
  memoryNodesAnyDepth: boolean;
  /** memmap_init()'s pfn_valid() for holes. */
  unavailable: UnavailableVariant;
  /** PAGES_PER_SECTION (4K pages): 2^18 in 5.10 (1 GiB sections), 2^15 from 6.1 (128 MiB). */
  pagesPerSection: bigint;
  /** ARM64_MEMSTART_ALIGN for 4K pages. */
  memstartAlign: bigint;
  /** mm/memblock.c differences (7.2 MEMBLOCK_RSRV_KERN, 5.10/6.1 whole-array merges and nid checks). */
  /** drivers/of/address.c bus rules for the dma-ranges walk. */
  ofBusRules: OfBusRules;
  memblock: Omit<CreateMemblockOptions, 'pageSize' | 'movableNode' | 'initRegions'> & { efiMemoryRegionsX8?: boolean };
}

export interface KernelProfile {
  name: string;
  generation: Generation;
  version: KernelVersion;
  /** true when a non-Debian kernel borrows the nearest generation's behaviour. */
  approximate: boolean;
  banner?: string;
  config: LayoutConfig;
  image: ImageFacts;
  behaviours: Behaviours;
}
