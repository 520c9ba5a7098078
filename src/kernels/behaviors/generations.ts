// Each generation's behaviours, assembled from the per-topic strategies. Rows cite the code that decides them.
import type { Behaviours, BootStepName } from '../profile.ts';
import type { Generation } from '../generation.ts';
import { messagesFor } from '../messages.ts';
import type { KaslrLinearVariant } from '../../model/kaslr.ts';
import { dmaLimitsByGeneration } from './dma-limits.ts';
import { OF_BUS_RULES_5_10, OF_BUS_RULES_6_1, OF_BUS_RULES_6_12, OF_BUS_RULES_7_2 } from '../../inputs/fdt/translate.ts';

const MiB = 1n << 20n;

/** setup_arch() → bootmem_init() → start_kernel() order, 5.10–6.12 (arch/arm64/kernel/setup.c, arch/arm64/mm/init.c). */
const stepsUpTo612: BootStepName[] = [
  'setupMachineFdt', 'parseEarlyParams', 'efiInit', 'arm64MemblockInit', 'pagingInit', 'unflattenDeviceTree',
  'numaInit', 'cpumaskAlloc', 'sparseInit', 'zoneSizesInit', 'dmaContiguousReserve', 'reserveCrashkernel',
  'setupArchTail', 'commandLineCopies', 'percpuFirstChunk', 'buildAllZonelists', 'unknownBootOptions', 'hashTables', 'swiotlbInit', 'memInitPrintInfo',
];

/** 6.12: build_all_zonelists() moved into mm_core_init(), after the hash tables and before mem_init()'s swiotlb. */
const steps612: BootStepName[] = stepsUpTo612.filter((s) => s !== 'buildAllZonelists' && s !== 'memInitPrintInfo').flatMap((s) => (s === 'swiotlbInit' ? ['buildAllZonelists', s] : [s])) as BootStepName[];

/** 7.2: bootmem_init() only computes the DMA limits; sparse_init and the zone print move to mm_core_init_early(). */
const steps72: BootStepName[] = [
  'kaslrInit', 'setupMachineFdt', 'parseEarlyParams', 'efiInit', 'arm64MemblockInit', 'pagingInit', 'unflattenDeviceTree',
  'numaInit', 'cpumaskAlloc', 'dmaLimitsInit', 'dmaContiguousReserve', 'reserveCrashkernel', 'setupArchTail', 'freeAreaInit',
  'commandLineCopies', 'percpuFirstChunk', 'unknownBootOptions', 'hashTables', 'swiotlbInit', 'buildAllZonelists',
];

const KiB = 1024n;
const KASLR_LINEAR: Record<Generation, KaslrLinearVariant | undefined> = {
  '5.10': { seedBits: 'high16', range: 'dram-span' },
  '6.1': { seedBits: 'low16', range: 'parange' },
  '6.12': { seedBits: 'low16', range: 'parange' },
  '7.2': undefined,
};
// The least that lived on the grid (128 cells: 48–256 MiB × {Debian's kdump command line, cma=0, a 24 MiB initrd}):
// every cell that died lies below one of the two, none that lived does.
const KDUMP_SURVIVAL: Record<Generation, { unmovable: bigint; total: bigint }> = {
  '5.10': { unmovable: 20120n * KiB, total: 20344n * KiB }, // 128M with its 64M CMA; 64M with cma=0. Died: 48M (3992K)
  '6.1': { unmovable: 18512n * KiB, total: 29204n * KiB }, // 144M, 24M initrd, CMA; 64M. Died: 48M (12852K), 112M and 128M+initrd under CMA (10580K, 2352K)
  '6.12': { unmovable: 13320n * KiB, total: 23868n * KiB }, // 144M, 24M initrd, CMA; 64M. Died: 48M (7552K), 112M under CMA (5196K)
  '7.2': { unmovable: 19496n * KiB, total: 27852n * KiB }, // 160M, 24M initrd, CMA; 80M. Died: 72M (19676K: no CMA, too little in all), 128M under CMA (11396K)
};
/** The midpoint of (totalram at memblock_free_all() − the printed available) over the grid's "default" cells: 6.12 2764–3112K, 7.2 3188–3308K. */
const MEMORY_LINE_LATE_ALLOC_K: Record<Generation, bigint | undefined> = { '5.10': undefined, '6.1': undefined, '6.12': 2938n, '7.2': 3248n };

export function behavioursFor(gen: Generation, build: { ndSize: bigint }): Behaviours {
  const common = {
    dmaLimits: dmaLimitsByGeneration[gen],
    messages: messagesFor(gen),
    ofBusRules: { '5.10': OF_BUS_RULES_5_10, '6.1': OF_BUS_RULES_6_1, '6.12': OF_BUS_RULES_6_12, '7.2': OF_BUS_RULES_7_2 }[gen],
    memstartAlign: 1n << 30n,
    // asm/sparsemem.h SECTION_SIZE_BITS: 30 in 5.10, 27 from 6.1.
    pagesPerSection: gen === '5.10' ? 1n << 18n : 1n << 15n,
    // 6.12 ("kexec: enable kexec_crash_size to support two crash kernel regions"): the low region counts too.
    crashSize: { includesLow: gen === '6.12' || gen === '7.2' },
    // 6.12 "arm64: kdump : take off the protection on crashkernel memory region" removed arm64's
    // arch_kexec_protect_crashkres(); 5.10/6.1 clear PTE_VALID on every loaded segment.
    kexecProtect: gen === '5.10' || gen === '6.1' ? 'segments-invalid' : 'none',
    // "kexec_file: fix incorrect temp_start value in locate_mem_hole_top_down()" (6.12 has it); 6.1 moved the
    // arm64 DTB code to drivers/of/kexec.c with the /memreserve/ entries and the low range.
    // Measured on the lifecycle grid (nr_cpus=1); scenarios.json's runs check it (test/conformance/lifecycle.test.ts).
    kdumpSurvival: KDUMP_SURVIVAL[gen],
    // 5.10 kaslr.c: seed >> 48 over the slack left by DRAM; 6.1 pi/kaslr_early.c: seed & U16_MAX over the slack
    // left by the CPU's PARange; 7.2 ("arm64: Kconfig: remove linear map randomisation") none.
    kaslrLinear: KASLR_LINEAR[gen],
    memoryLineLateAllocK: MEMORY_LINE_LATE_ALLOC_K[gen],
    kexecFile: {
      topDownStartExact: gen === '6.12' || gen === '7.2',
      elfcorehdrExtraRanges: gen === '5.10' ? 0 : 2,
      memreserveForSegments: gen !== '5.10',
      usableIncludesLow: gen !== '5.10',
    },
    // 5.10 arm64 pfn_valid() is memblock_is_map_memory(); 6.1+ the generic sparsemem test.
    unavailable: { pfnValid: gen === '5.10' ? 'map-memory' : 'section', pagesPerSection: gen === '5.10' ? 1n << 18n : 1n << 15n, pageblockPages: 512n },
  } as const;
  switch (gen) {
    case '5.10':
      return {
        ...common,
        bootSteps: stepsUpTo612,
        zonelist: { printsFallbackOrder: false, totalPages: 'present-minus-memmap' },
        // mm/cma.c 5.10: alignment PAGE_SIZE << max(MAX_ORDER - 1, pageblock_order) = 4 MiB; no bottom-up try.
        cma: { alignment: 'max-order', userLimitOverridesDma: false, bottomUpAbove4G: 'none', printsNid: false },
        crash: { algorithm: 'find-then-reserve', pageAlignSize: true, defaultLowSize: 0n },
        numa: { distanceTable: 'find-reserve', ndSize: build.ndSize, nrNodeIds: 16n },
        swiotlb: { style: 'classic', kmallocBounceBuffer: false, slotSize: 0n, areaSize: 0n },
        debugZoneLines: true,
        usableRangesInFdtScan: false,
        memoryNodesAnyDepth: true,
        memblock: { mergeWholeArray: true, legacyNidChecks: true, emptyTypeKeepsDummy: true, efiMemoryRegionsX8: false },
      };
    case '6.1':
      return {
        ...common,
        bootSteps: stepsUpTo612,
        zonelist: { printsFallbackOrder: true, totalPages: 'present-minus-memmap' },
        cma: { alignment: 'pageblock', userLimitOverridesDma: false, bottomUpAbove4G: 'memblock-end', printsNid: false },
        crash: { algorithm: 'alloc-range', pageAlignSize: true, defaultLowSize: 0n },
        numa: { distanceTable: 'alloc', ndSize: build.ndSize, nrNodeIds: 16n },
        swiotlb: { style: 'areas', kmallocBounceBuffer: false, slotSize: 24n, areaSize: 16n },
        debugZoneLines: false,
        usableRangesInFdtScan: true,
        memoryNodesAnyDepth: false,
        memblock: { mergeWholeArray: true, legacyNidChecks: true, emptyTypeKeepsDummy: true, efiMemoryRegionsX8: true },
      };
    case '6.12':
      return {
        ...common,
        bootSteps: steps612,
        zonelist: { printsFallbackOrder: true, totalPages: 'present' },
        cma: { alignment: 'pageblock', userLimitOverridesDma: false, bottomUpAbove4G: 'memblock-end', printsNid: true },
        crash: { algorithm: 'generic', pageAlignSize: false, defaultLowSize: 128n * MiB },
        numa: { distanceTable: 'none', ndSize: build.ndSize, nrNodeIds: 16n },
        swiotlb: { style: 'areas', kmallocBounceBuffer: true, slotSize: 24n, areaSize: 16n },
        debugZoneLines: false,
        usableRangesInFdtScan: true,
        memoryNodesAnyDepth: false,
        // 6.12+: doubling before memblock_allow_resize() panics.
        memblock: { efiMemoryRegionsX8: true, resizePanics: true },
      };
    case '7.2':
      return {
        ...common,
        bootSteps: steps72,
        zonelist: { printsFallbackOrder: true, totalPages: 'present' },
        cma: { alignment: 'pageblock', userLimitOverridesDma: true, bottomUpAbove4G: 'limit', printsNid: false },
        crash: { algorithm: 'generic', pageAlignSize: false, defaultLowSize: 128n * MiB },
        numa: { distanceTable: 'none', ndSize: build.ndSize, nrNodeIds: 16n },
        swiotlb: { style: 'areas', kmallocBounceBuffer: true, slotSize: 24n, areaSize: 16n },
        debugZoneLines: false,
        usableRangesInFdtScan: true,
        memoryNodesAnyDepth: false,
        memblock: { reserveKernFlag: true, efiMemoryRegionsX8: true, resizePanics: true },
      };
  }
}
