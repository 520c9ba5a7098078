// Models arm64 NUMA init on a devicetree without numa-node-id: numa_init(of_numa_init) failing, then
// dummy_numa_init() and NODE_DATA (arch/arm64/mm/numa.c 5.10, drivers/base/arch_numa.c 6.1+, mm/numa.c 6.12+).
import { emit, ModelPanic, note, type ModelContext } from './context.ts';
import {
  memblockAlloc, memblockEndOfDRAM, memblockFindInRange, memblockPhysAllocTryNid, memblockPhysFree, memblockReserve,
  memblockSetNode, memblockStartOfDRAM,
} from './memblock/index.ts';
import { SMP_CACHE_BYTES } from './memblock/types.ts';

export interface NumaVariant {
  /** numa_alloc_distance() in every numa_init attempt: 'find-reserve' (5.10), 'alloc' (6.1), 'none' (6.12+: only when a distance is set). */
  distanceTable: 'find-reserve' | 'alloc' | 'none';
  /** roundup(sizeof(pg_data_t), SMP_CACHE_BYTES) of this build. */
  ndSize: bigint;
  /** nr_node_ids before setup_nr_node_ids(): MAX_NUMNODES. */
  nrNodeIds: bigint;
}

export interface NumaResult {
  nodeData: { base: bigint; size: bigint };
}

export function armNumaInit(ctx: ModelContext, v: NumaVariant, opts: { numaOff: boolean; maxPfn: bigint; pageSize: bigint; acpi?: boolean }): NumaResult {
  const distSize = v.nrNodeIds * v.nrNodeIds;
  const allocDistance = (): bigint | undefined => {
    if (v.distanceTable === 'find-reserve') {
      const at = memblockFindInRange(ctx.mb, 0n, opts.maxPfn * opts.pageSize, distSize, opts.pageSize);
      if (at !== undefined) memblockReserve(ctx.mb, at, distSize);
      return at;
    }
    if (v.distanceTable === 'alloc') return memblockAlloc(ctx.mb, distSize, opts.pageSize);
    return undefined;
  };
  if (!opts.numaOff) {
    // of_numa_init() finds no numa-node-id: the attempt fails and its distance table is freed again.
    const d = allocDistance();
    // ACPI boots try arch_acpi_numa_init() (no SRAT on QEMU virt), DT boots of_numa_init() (no numa-node-id).
    if (opts.acpi) emit(ctx, 'numa_init', 'numaAcpiFailed', [], 'the ACPI tables have no SRAT');
    else emit(ctx, 'numa_init', 'numaNoConfig', [], 'the devicetree has no numa-node-id properties');
    if (d !== undefined) memblockPhysFree(ctx.mb, d, distSize);
  }
  const d = allocDistance();
  if (d !== undefined) note(ctx, 'alloc', 'numa_alloc_distance', { base: d, size: distSize }, 'NUMA distance table (nr_node_ids²)');
  if (opts.numaOff) emit(ctx, 'dummy_numa_init', 'numaDisabled', []);
  const start = memblockStartOfDRAM(ctx.mb);
  const end = memblockEndOfDRAM(ctx.mb);
  emit(ctx, 'dummy_numa_init', 'numaFaking', [start, end - 1n], 'one node spanning all memory');
  memblockSetNode(ctx.mb, start, end - start, 0);
  const nd = memblockPhysAllocTryNid(ctx.mb, v.ndSize, SMP_CACHE_BYTES, 0);
  if (nd === undefined) throw new ModelPanic('setup_node_data', `cannot allocate NODE_DATA (${v.ndSize} bytes)`);
  note(ctx, 'alloc', 'setup_node_data', { base: nd, size: v.ndSize }, `pg_data_t for node 0 (${v.ndSize} bytes), top-down`);
  emit(ctx, 'setup_node_data', 'nodeData', [nd, nd + v.ndSize - 1n]);
  emit(ctx, 'alloc_node_data', 'nodeDataNid', [0, nd, nd + v.ndSize - 1n]);
  return { nodeData: { base: nd, size: v.ndSize } };
}
