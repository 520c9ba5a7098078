// Per-generation constants of the early memblock requests other than paging_init's page tables (the size
// models are src/model/{unflatten,sparse,percpu,hash-tables}.ts and src/model/early-sizes/misc.ts).
// Struct sizes are build facts: each was solved from QEMU virt boots of the Debian binaries (bullseye
// 5.10.0-32, bookworm 6.1.0-50, trixie 6.12.117, sid 7.2.13) and must reproduce every row of
// test/model/early-sizes-observed.test.ts; the code that decides each shape is cited beside it.
import type { UnflattenConsts } from '../../model/unflatten.ts';
import type { SparseConsts } from '../../model/sparse.ts';
import type { PercpuConsts } from '../../model/percpu.ts';
import type { HashTableConsts } from '../../model/hash-tables.ts';
import type { Generation } from '../generation.ts';
import type { UnknownBootOptionsRules } from '../../model/unknown-bootoptions.ts';

/** fs/proc/proc_sysctl.c sysctl_aliases[]: kernel parameters that set a sysctl (checked on the recorded boots). */
const SYSCTL_ALIASES = ['hardlockup_all_cpu_backtrace', 'hung_task_panic', 'numa_zonelist_order', 'softlockup_all_cpu_backtrace'];

export interface EarlySizes {
  unflatten: UnflattenConsts;
  numa: {
    /** 5.10/6.1 numa_alloc_distance(): nr_node_ids² bytes, PAGE_SIZE aligned, at every numa_init attempt; 6.12+: none on the dummy path. */
    distanceTable: 'find-reserve' | 'alloc' | 'none';
    /** roundup(sizeof(pg_data_t), SMP_CACHE_BYTES): the NODE_DATA request (align 64). */
    ndSize: bigint;
  };
  /** CPUMASK_OFFSTACK: alloc_bootmem_cpumask_var() per node = NR_CPUS / 8 bytes; 0 without it. */
  cpumaskBytes: bigint;
  cpumaskSite: string;
  sparse: SparseConsts;
  /** request_standard_resources(): sizeof(struct resource). */
  resourceSize: bigint;
  setupArchSite: string;
  commandLineSize: number;
  commandLineSite: string;
  percpu: PercpuConsts;
  hash: HashTableConsts;
  swiotlb: { style: 'classic' | 'areas'; slotSize: bigint; areaSize: bigint; site: string };
  /** parse_args()' unknown words and print_unknown_bootoptions() (src/model/unknown-bootoptions.ts). */
  unknownOptions: UnknownBootOptionsRules;
}

const KiB = 1024n;
const MiB = 1n << 20n;
const GiB = 1n << 30n;
const U64 = 1n << 64n;

const unflatten = (deviceNode: number, property: number, site: string): UnflattenConsts => ({ deviceNode, property, align: 8, aliasProp: 40, site });

/** Common to every generation: struct page 64 B, 4K pages, mem_section 32 B (PAGE_EXTENSION pads it), 48-bit PA. */
const sparseCommon = { pageShift: 12, structPage: 64n, sectionsPerRoot: 128n, rootBytes: 4096n, pmdSize: 2n * MiB };

const percpuCommon = { pageSize: 4096n, reservedSize: 8n * KiB, dynamicReserve: 28n * KiB, minUnitSize: 32n * KiB, blockMd: 32n };

export const EARLY_SIZES: Record<Generation, EarlySizes> = {
  '5.10': {
    // sizeof(struct device_node) 168, sizeof(struct property) 88: QEMU virt -smp 1/2/4/8 (35428/36588/38732/43020 B).
    unflatten: unflatten(168, 88, 'early_init_dt_alloc_memory_arch'),
    numa: { distanceTable: 'find-reserve', ndSize: 0x2500n },
    cpumaskBytes: 0n, cpumaskSite: '',
    sparse: {
      ...sparseCommon,
      // asm/sparsemem.h 5.10: SECTION_SIZE_BITS 30; NR_SECTION_ROOTS = 2^18 / 128 → 16384 B.
      sectionSizeBits: 30, rootArrayBytes: 16384n, usemapPerSection: 336n, usemapNearPgdat: true, memmap: 'buffer',
      // asm/memory.h 5.10: VMEMMAP_START = -VMEMMAP_SIZE - SZ_2M; its 1 GiB window holds the fixmap (bm_pud/bm_pmd).
      vmemmapStart: U64 - (1n << 41n) - 2n * MiB,
      staticPudSlots: [U64 - (1n << 41n) - 2n * MiB], staticPmdWindows: [U64 - (1n << 41n) - 2n * MiB],
      sites: { rootArray: 'sparse_init', indexAlloc: 'sparse_index_alloc', usemap: 'sparse_init_nid', memmap: 'sparse_init_nid', table: '__earlyonly_bootmem_alloc' },
    },
    resourceSize: 64n, setupArchSite: 'setup_arch',
    commandLineSize: 2048, commandLineSite: 'memblock_alloc.constprop.0',
    // print_unknown_bootoptions() is 5.15+: nothing allocated or printed; 5.10's unknown_bootoption() has neither the
    // sysctl aliases nor the boot loader identifiers (init/main.c of 5.10.223): BOOT_IMAGE= reaches init's environment
    unknownOptions: { print: false, bootloaderIds: false, sysctlAliases: [], site: '', freeSite: '' },
    percpu: {
      ...percpuCommon, staticSize: 95576n, dynamicEarlySize: 12n * KiB, chunkStruct: 136n,
      // mm/percpu.c 5.10: pcpu_nr_slots = __pcpu_size_to_slot(unit) + 2, lists × PCPU_NR_CHUNK_TYPES (2, MEMCG_KMEM).
      chunkTypes: 2n, slotsPastUnit: 2n,
      sites: { allocInfo: 'memblock_alloc', areas: 'memblock_alloc', fcAlloc: 'pcpu_fc_alloc', fcFree: 'pcpu_fc_free', setup: 'memblock_alloc', firstChunk: 'memblock_alloc', freeInfo: 'pcpu_free_alloc_info', freeAreas: 'pcpu_embed_first_chunk' },
    },
    hash: { bucketSize: 8n, site: 'alloc_large_system_hash' },
    swiotlb: { style: 'classic', slotSize: 0n, areaSize: 0n, site: 'swiotlb_init_with_tbl' },
  },
  '6.1': {
    // 208 / 96: -smp 1/2/4/8 (39868/41180/43612/48476 B).
    unflatten: unflatten(208, 96, 'early_init_dt_alloc_memory_arch'),
    numa: { distanceTable: 'alloc', ndSize: 0x2c80n },
    cpumaskBytes: 0n, cpumaskSite: '',
    sparse: {
      ...sparseCommon,
      // 6.1: SECTION_SIZE_BITS 27; NR_SECTION_ROOTS = 2^21 / 128 → 131072 B.
      sectionSizeBits: 27, rootArrayBytes: 131072n, usemapPerSection: 56n, usemapNearPgdat: true, memmap: 'buffer',
      // 6.1: VMEMMAP_START = -(1 << (VA_BITS - VMEMMAP_SHIFT)), 512 GiB aligned, fixmap below it.
      vmemmapStart: U64 - (1n << 42n), staticPudSlots: [], staticPmdWindows: [],
      sites: { rootArray: 'sparse_init', indexAlloc: 'sparse_index_alloc', usemap: 'sparse_init_nid', memmap: 'memmap_alloc', table: '__earlyonly_bootmem_alloc' },
    },
    resourceSize: 64n, setupArchSite: 'setup_arch',
    commandLineSize: 2048, commandLineSite: 'start_kernel',
    unknownOptions: { print: true, bootloaderIds: true, sysctlAliases: SYSCTL_ALIASES, site: 'start_kernel', freeSite: 'start_kernel' },
    percpu: {
      ...percpuCommon, staticSize: 87208n, dynamicEarlySize: 12n * KiB, chunkStruct: 136n,
      // 6.1: sidelined, free and to_depopulate slots after the unit-size slot.
      chunkTypes: 1n, slotsPastUnit: 4n,
      sites: { allocInfo: 'pcpu_build_alloc_info', areas: 'pcpu_embed_first_chunk', fcAlloc: 'pcpu_fc_alloc', fcFree: 'pcpu_embed_first_chunk', setup: 'pcpu_setup_first_chunk', firstChunk: 'pcpu_alloc_first_chunk', freeInfo: 'pcpu_free_alloc_info', freeAreas: 'pcpu_embed_first_chunk' },
    },
    hash: { bucketSize: 8n, site: 'alloc_large_system_hash' },
    swiotlb: { style: 'areas', slotSize: 24n, areaSize: 16n, site: 'swiotlb_init_remap' },
  },
  '6.12': {
    // 208 / 104: -smp 1/2/4/8 (42068/43452/46012/51132 B).
    unflatten: unflatten(208, 104, 'early_init_dt_alloc_memory_arch'),
    numa: { distanceTable: 'none', ndSize: 0x3740n },
    // CPUMASK_OFFSTACK=y, NR_CPUS=512.
    cpumaskBytes: 64n, cpumaskSite: 'alloc_bootmem_cpumask_var',
    sparse: {
      ...sparseCommon,
      sectionSizeBits: 27, rootArrayBytes: 131072n, usemapPerSection: 56n, usemapNearPgdat: true, memmap: 'buffer',
      // 6.12: VMEMMAP_END = -SZ_1G, VMEMMAP_START = VMEMMAP_END - VMEMMAP_SIZE; the top 512 GiB slot has the fixmap's table.
      vmemmapStart: U64 - GiB - (1n << 41n), staticPudSlots: [U64 - 1n], staticPmdWindows: [],
      sites: { rootArray: 'sparse_init', indexAlloc: 'sparse_index_alloc', usemap: 'sparse_init_nid', memmap: 'memmap_alloc', table: '__earlyonly_bootmem_alloc' },
    },
    resourceSize: 64n, setupArchSite: 'setup_arch',
    commandLineSize: 2048, commandLineSite: 'start_kernel',
    unknownOptions: { print: true, bootloaderIds: true, sysctlAliases: SYSCTL_ALIASES, site: 'start_kernel', freeSite: 'start_kernel' },
    percpu: {
      ...percpuCommon, staticSize: 101528n, dynamicEarlySize: 20n * KiB, chunkStruct: 192n, chunkTypes: 1n, slotsPastUnit: 4n,
      sites: { allocInfo: 'pcpu_build_alloc_info', areas: 'pcpu_embed_first_chunk', fcAlloc: 'pcpu_fc_alloc', fcFree: 'pcpu_embed_first_chunk', setup: 'pcpu_setup_first_chunk', firstChunk: 'pcpu_alloc_first_chunk', freeInfo: 'pcpu_free_alloc_info', freeAreas: 'pcpu_embed_first_chunk' },
    },
    hash: { bucketSize: 8n, site: 'alloc_large_system_hash' },
    swiotlb: { style: 'areas', slotSize: 24n, areaSize: 16n, site: 'swiotlb_init_remap' },
  },
  '7.2': {
    // 208 / 112: -smp 1/2/4/8 (44268/45724/48412/53788 B).
    unflatten: unflatten(208, 112, '__memblock_alloc_or_panic'),
    numa: { distanceTable: 'none', ndSize: 0x3800n },
    cpumaskBytes: 64n, cpumaskSite: '__memblock_alloc_or_panic',
    sparse: {
      ...sparseCommon,
      // 7.2: mem_section_usage grew to 88 B; no sparse buffer (memmap_alloc per PMD block); usemap without goal.
      sectionSizeBits: 27, rootArrayBytes: 131072n, usemapPerSection: 88n, usemapNearPgdat: false, memmap: 'per-block',
      vmemmapStart: U64 - GiB - (1n << 41n), staticPudSlots: [U64 - 1n], staticPmdWindows: [],
      sites: { rootArray: '__memblock_alloc_or_panic', indexAlloc: 'sparse_index_alloc', usemap: 'sparse_init_nid', memmap: 'memmap_alloc', table: 'memmap_alloc' },
    },
    resourceSize: 64n, setupArchSite: '__memblock_alloc_or_panic',
    commandLineSize: 2048, commandLineSite: '__memblock_alloc_or_panic',
    // memblock_free() is no longer inlined: memblock=debug names it as the caller of the free
    unknownOptions: { print: true, bootloaderIds: true, sysctlAliases: SYSCTL_ALIASES, site: 'start_kernel', freeSite: 'memblock_free' },
    percpu: {
      ...percpuCommon, staticSize: 109144n, dynamicEarlySize: 20n * KiB, chunkStruct: 128n, chunkTypes: 1n, slotsPastUnit: 4n,
      sites: { allocInfo: 'pcpu_build_alloc_info', areas: 'pcpu_embed_first_chunk', fcAlloc: 'pcpu_fc_alloc', fcFree: 'memblock_free', setup: '__memblock_alloc_or_panic', firstChunk: '__memblock_alloc_or_panic', freeInfo: 'memblock_free', freeAreas: 'memblock_free' },
    },
    hash: { bucketSize: 8n, site: 'alloc_large_system_hash' },
    swiotlb: { style: 'areas', slotSize: 24n, areaSize: 16n, site: 'swiotlb_init_remap' },
  },
};
