// Models the memblock requests of setup_per_cpu_areas() → pcpu_embed_first_chunk() (mm/percpu.c; arm64 caller
// arch/arm64/mm/numa.c in 5.10, drivers/base/arch_numa.c in 6.1+), 5.10–7.2, for the 4K-page embed path
// (atom_size = PAGE_SIZE, so one unit per allocation: upa = 1):
//   pcpu_build_alloc_info: ai (PFN_ALIGN, PAGE_SIZE aligned) → areas (PFN_ALIGN(nr_groups × 8), 64) →
//   per group pcpu_fc_alloc(nr_units × unit_size, PAGE_SIZE) and the free of each unit's unused tail →
//   pcpu_setup_first_chunk: group_offsets, group_sizes, unit_map, unit_off, chunk lists, then
//   pcpu_alloc_first_chunk() for the reserved and the dynamic region (chunk, alloc_map, bound_map, md_blocks) →
//   pcpu_free_alloc_info(ai), free(areas).
// Per-build constants (static size = __per_cpu_end - __per_cpu_start, sizeof(struct pcpu_chunk), sizeof(struct
// pcpu_block_md)) are in src/kernels/behaviors/early-sizes.ts, pinned by the `percpu: Embedded` lines and the
// memblock=debug sizes of QEMU boots with -smp 1, 2, 4, 8 (test/model/early-sizes-observed.test.ts).
import { alignUp, fls, type EarlyRequest } from './early-sizes/types.ts';

export interface PercpuConsts {
  pageSize: bigint;
  /** __per_cpu_end - __per_cpu_start of the build (the `s` of the Embedded line). */
  staticSize: bigint;
  /** PERCPU_MODULE_RESERVE: 8 KiB with modules. */
  reservedSize: bigint;
  /** PERCPU_DYNAMIC_RESERVE (28 KiB on 64-bit, 4K pages). */
  dynamicReserve: bigint;
  /** PERCPU_DYNAMIC_EARLY_SIZE (5.10/6.1: 12 KiB, 6.12+: 20 KiB). */
  dynamicEarlySize: bigint;
  /** PCPU_MIN_UNIT_SIZE = PFN_ALIGN(32 KiB). */
  minUnitSize: bigint;
  /** sizeof(struct pcpu_chunk) without the populated[] bitmap. */
  chunkStruct: bigint;
  /** sizeof(struct pcpu_block_md). */
  blockMd: bigint;
  /** Chunk lists per slot: 5.10 keeps one list array per chunk type (PCPU_NR_CHUNK_TYPES = 2 with MEMCG_KMEM). */
  chunkTypes: bigint;
  /** Slots past __pcpu_size_to_slot(unit_size): 5.10: +2 (free slot); 6.1+: +4 (sidelined, free, to_depopulate). */
  slotsPastUnit: bigint;
  /** The callers as memblock=debug names them (inlining differs per build). */
  sites: { allocInfo: string; areas: string; fcAlloc: string; fcFree: string; setup: string; firstChunk: string; freeInfo: string; freeAreas: string };
}

export interface PercpuInput {
  /** num_possible_cpus() = nr_cpu_ids for a DT boot (one per /cpus/cpu node). */
  possibleCpus: number;
  /** CPUs per group: one group per NUMA node with CPUs (pcpu_cpu_distance > LOCAL_DISTANCE splits them). */
  groups?: number[];
}

export interface PercpuFirstChunk {
  requests: EarlyRequest[];
  /** The numbers of `percpu: Embedded %zu pages/cpu s%zu r%zu d%zu u%zu`. */
  embedded: { pages: bigint; static: bigint; reserved: bigint; dynamic: bigint; unit: bigint };
}

/** __pcpu_size_to_slot() (mm/percpu.c), 5.10–7.2. */
const sizeToSlot = (size: bigint): bigint => {
  const s = BigInt(fls(size)) - 5n + 2n; // PCPU_SLOT_BASE_SHIFT = 5
  return s < 1n ? 1n : s;
};

/** Models pcpu_alloc_first_chunk()'s four allocations (mm/percpu.c), 5.10–7.2. */
function firstChunkRequests(tmpOffset: bigint, mapSize: bigint, c: PercpuConsts, why: string): EarlyRequest[] {
  const startOffset = tmpOffset % c.pageSize;
  const regionSize = alignUp(startOffset + mapSize, c.pageSize);
  const nrPages = regionSize / c.pageSize;
  const regionBits = regionSize / 4n; // PCPU_MIN_ALLOC_SIZE = 4
  const longs = (bits: bigint) => (bits + 63n) / 64n;
  const r = (size: bigint, what: string): EarlyRequest => ({ kind: 'alloc', site: c.sites.firstChunk, size, align: 64n, why: `${why}: ${what}` });
  return [
    r(c.chunkStruct + 8n * longs(nrPages), 'struct pcpu_chunk + populated bitmap'),
    r(8n * longs(regionBits), 'alloc_map'),
    r(8n * longs(regionBits + 1n), 'bound_map'),
    r(nrPages * c.blockMd, 'md_blocks (one per page)'),
  ];
}

/** Models pcpu_embed_first_chunk(PERCPU_MODULE_RESERVE, PERCPU_DYNAMIC_RESERVE, PAGE_SIZE, …) (mm/percpu.c), 5.10–7.2. */
export function percpuFirstChunk(i: PercpuInput, c: PercpuConsts): PercpuFirstChunk {
  const groups = i.groups ?? [i.possibleCpus];
  const nrGroups = BigInt(groups.length);
  const nrUnits = BigInt(groups.reduce((a, b) => a + b, 0));
  const nrCpuIds = BigInt(i.possibleCpus);
  const dynAsked = c.dynamicReserve > c.dynamicEarlySize ? c.dynamicReserve : c.dynamicEarlySize;
  const sizeSum = alignUp(c.staticSize + c.reservedSize + dynAsked, c.pageSize);
  const dynSize = sizeSum - c.staticSize - c.reservedSize;
  const minUnit = sizeSum > c.minUnitSize ? sizeSum : c.minUnitSize;
  const unitSize = alignUp(minUnit, c.pageSize); // upa = 1 with atom_size = PAGE_SIZE
  const req: EarlyRequest[] = [];
  const alloc = (site: string, size: bigint, align: bigint, why: string) => {
    req.push({ kind: 'alloc', site, size, align, why });
    return req.length - 1;
  };
  // pcpu_alloc_alloc_info(): struct pcpu_alloc_info (64 B) + 24 B per group, then an int per unit.
  const aiSize = alignUp(alignUp(64n + 24n * nrGroups, 4n) + 4n * nrUnits, c.pageSize);
  const ai = alloc(c.sites.allocInfo, aiSize, c.pageSize, 'pcpu_alloc_alloc_info(): struct pcpu_alloc_info + cpu maps');
  const areas = alloc(c.sites.areas, alignUp(nrGroups * 8n, c.pageSize), 64n, 'pcpu_embed_first_chunk(): areas[] (one pointer per group)');
  const chunks: number[] = [];
  for (const g of groups) chunks.push(alloc(c.sites.fcAlloc, BigInt(g) * unitSize, c.pageSize, `pcpu_fc_alloc(): ${g} unit(s) of ${unitSize} B`));
  groups.forEach((g, gi) => {
    for (let u = 0n; u < BigInt(g); u++) {
      req.push({ kind: 'free-tail', site: c.sites.fcFree, size: unitSize - sizeSum, align: 0n, of: chunks[gi], offset: u * unitSize + sizeSum, why: 'the unit tail past size_sum' });
    }
  });
  alloc(c.sites.setup, nrGroups * 8n, 64n, 'pcpu_setup_first_chunk(): group_offsets');
  alloc(c.sites.setup, nrGroups * 8n, 64n, 'pcpu_setup_first_chunk(): group_sizes');
  alloc(c.sites.setup, nrCpuIds * 4n, 64n, 'pcpu_setup_first_chunk(): unit_map');
  alloc(c.sites.setup, nrCpuIds * 8n, 64n, 'pcpu_setup_first_chunk(): unit_off');
  const nrSlots = sizeToSlot(unitSize) + c.slotsPastUnit;
  alloc(c.sites.setup, nrSlots * 16n * c.chunkTypes, 64n, `pcpu_setup_first_chunk(): ${nrSlots} chunk-list slots`);
  const staticAligned = alignUp(c.staticSize, 4n);
  const mapDyn = dynSize - (staticAligned - c.staticSize);
  if (c.reservedSize > 0n) req.push(...firstChunkRequests(staticAligned, c.reservedSize, c, 'reserved chunk'));
  req.push(...firstChunkRequests(staticAligned + c.reservedSize, mapDyn, c, 'first (dynamic) chunk'));
  req.push({ kind: 'free', site: c.sites.freeInfo, size: aiSize, align: 0n, of: ai, offset: 0n, why: 'pcpu_free_alloc_info()' });
  req.push({ kind: 'free', site: c.sites.freeAreas, size: alignUp(nrGroups * 8n, c.pageSize), align: 0n, of: areas, offset: 0n, why: 'areas[] no longer needed' });
  return {
    requests: req,
    embedded: { pages: sizeSum / c.pageSize, static: c.staticSize, reserved: c.reservedSize, dynamic: dynSize, unit: unitSize },
  };
}
