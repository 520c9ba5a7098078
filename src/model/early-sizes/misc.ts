// The small early memblock requests outside sparse, percpu, unflatten and the hash tables, 5.10–7.2, each
// modelled from its kernel function (sizes pinned by the QEMU boots in test/model/early-sizes-observed.test.ts).
import { alignUp, type EarlyRequest } from './types.ts';

/**
 * Models setup_command_line() (init/main.c), 5.10–7.2, without bootconfig (Debian: BOOT_CONFIG=n):
 * saved_command_line and static_command_line, each memblock_alloc(strlen(boot_command_line) + 1, 64).
 * boot_command_line is the DT bootargs (CONFIG_CMDLINE is empty), cut to COMMAND_LINE_SIZE - 1 bytes.
 */
export function commandLineCopies(bootargs: string, commandLineSize: number, site: string): EarlyRequest[] {
  let len = new TextEncoder().encode(bootargs).length;
  if (len > commandLineSize - 1) len = commandLineSize - 1;
  const r = (what: string): EarlyRequest => ({ kind: 'alloc', site, size: BigInt(len + 1), align: 64n, why: `setup_command_line(): ${what}` });
  return [r('saved_command_line'), r('static_command_line')];
}

/** Models request_standard_resources() (arch/arm64/kernel/setup.c), 5.10–7.2: one struct resource (64 B) per memblock.memory region. */
export function standardResources(memoryRegions: number, resourceSize: bigint, site: string): EarlyRequest {
  return { kind: 'alloc', site, size: BigInt(memoryRegions) * resourceSize, align: 64n, why: `request_standard_resources(): ${memoryRegions} memory region(s)` };
}

/**
 * Models setup_node_to_cpumask_map() → alloc_bootmem_cpumask_var() (drivers/base/arch_numa.c, lib/cpumask.c):
 * with CPUMASK_OFFSTACK (6.12, 7.2) one cpumask_size() = NR_CPUS / 8 bytes per node id (nr_cpu_ids is still
 * NR_CPUS at that point); without it (5.10, 6.1) nothing.
 */
export function nodeCpumasks(nrNodeIds: number, cpumaskBytes: bigint, site: string): EarlyRequest[] {
  if (cpumaskBytes === 0n) return [];
  return Array.from({ length: nrNodeIds }, (_, n) => ({ kind: 'alloc' as const, site, size: cpumaskBytes, align: 64n, why: `node_to_cpumask_map[${n}]` }));
}

/**
 * Models the swiotlb metadata that follows the bounce buffer (kernel/dma/swiotlb.c swiotlb_init_remap), 6.1–7.2:
 * slots = PAGE_ALIGN(nslabs × sizeof(struct io_tlb_slot)) (PAGE_SIZE aligned), then areas = nareas ×
 * sizeof(struct io_tlb_area) (64 aligned). 5.10 (swiotlb_init_with_tbl): io_tlb_list PAGE_ALIGN(4 × nslabs)
 * and io_tlb_orig_addr PAGE_ALIGN(8 × nslabs), both PAGE_SIZE aligned.
 */
export function swiotlbMetadata(nslabs: bigint, nareas: bigint, c: { style: 'classic' | 'areas'; slotSize: bigint; areaSize: bigint; pageSize: bigint; site: string }): EarlyRequest[] {
  if (c.style === 'classic') {
    return [
      { kind: 'alloc', site: c.site, size: alignUp(4n * nslabs, c.pageSize), align: c.pageSize, why: 'io_tlb_list' },
      { kind: 'alloc', site: c.site, size: alignUp(8n * nslabs, c.pageSize), align: c.pageSize, why: 'io_tlb_orig_addr' },
    ];
  }
  return [
    { kind: 'alloc', site: c.site, size: alignUp(nslabs * c.slotSize, c.pageSize), align: c.pageSize, why: `slots: ${nslabs} × ${c.slotSize} B` },
    { kind: 'alloc', site: c.site, size: nareas * c.areaSize, align: 64n, why: `areas: ${nareas} × ${c.areaSize} B` },
  ];
}
