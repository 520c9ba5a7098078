// printk formats per generation, verbatim with their pr_fmt prefixes (kernel-notes §6, checked in each tree).
import type { LineKind, PrintkLevel } from '../trace/events.ts';
import type { Generation } from './generation.ts';

export interface MessageFormat {
  fmt: string;
  level: PrintkLevel;
  kind: LineKind;
}

type Catalogue = Record<string, MessageFormat | undefined>;

const m = (fmt: string, level: PrintkLevel, kind: LineKind): MessageFormat => ({ fmt, level, kind });

const common: Catalogue = {
  memLimited: m('Memory limited to %lldMB\n', 'notice', 'mem-limit'),
  efiNotFound: m('efi: UEFI not found.\n', 'info', 'efi'),
  numaNoConfig: m('NUMA: No NUMA configuration found\n', 'info', 'numa'),
  numaDisabled: m('NUMA: NUMA disabled\n', 'info', 'numa'),
  numaFaking: m('NUMA: Faking a node at [mem %#018Lx-%#018Lx]\n', 'info', 'numa'),
  nodeData: m('NUMA: NODE_DATA [mem %#010Lx-%#010Lx]\n', 'info', 'node-data'),
  zoneRanges: m('Zone ranges:\n', 'info', 'zones'),
  zoneLine: m('  %-8s [mem %#018Lx-%#018Lx]\n', 'info', 'zones'),
  zoneEmpty: m('  %-8s empty\n', 'info', 'zones'),
  movableStart: m('Movable zone start for each node\n', 'info', 'movable'),
  movableNode: m('  Node %d: %#018Lx\n', 'info', 'movable'),
  earlyNodeRanges: m('Early memory node ranges\n', 'info', 'node-ranges'),
  nodeRange: m('  node %3d: [mem %#018Lx-%#018Lx]\n', 'info', 'node-ranges'),
  initmem: m('Initmem setup node %d [mem %#018Lx-%#018Lx]\n', 'info', 'initmem'),
  cmaReserved: m('cma: Reserved %ld MiB at %pa\n', 'info', 'cma'),
  cmaFailed: m('cma: Failed to reserve %ld MiB\n', 'err', 'cma'),
  cmaUnaligned: m('cma: Region at %pa must be aligned to %pa bytes\n', 'err', 'cma'),
  cmaBoundary: m('cma: Region at %pa defined on low/high memory boundary (%pa)\n', 'err', 'cma'),
  cmaExceeds: m('cma: Size (%pa) of region at %pa exceeds limit (%pa)\n', 'err', 'cma'),
  crashReserved: m('crashkernel reserved: 0x%016llx - 0x%016llx (%lld MB)\n', 'info', 'crashkernel'),
  crashLowReserved: m('crashkernel low memory reserved: 0x%08llx - 0x%08llx (%lld MB)\n', 'info', 'crashkernel'),
  crashLowFailed: m('cannot allocate crashkernel low memory (size:0x%llx).\n', 'err', 'crashkernel'),
  crashCannotAllocate: m('cannot allocate crashkernel (size:0x%llx)\n', 'warn', 'crashkernel'),
  swiotlbMapped: m('software IO TLB: mapped [mem %pa-%pa] (%luMB)\n', 'info', 'swiotlb'),
  swiotlbNoLowMem: m('software IO TLB: No low mem\n', 'info', 'swiotlb'),
  swiotlbAreaNum: m('software IO TLB: area num %d.\n', 'info', 'swiotlb'),
  swiotlbRoundup: m('software IO TLB: SWIOTLB bounce buffer size roundup to %luMB', 'info', 'swiotlb'),
  swiotlbAdjustedTo: m('software IO TLB: SWIOTLB bounce buffer size adjusted to %luMB', 'info', 'swiotlb'),
  swiotlbAdjustedSlabs: m('software IO TLB: SWIOTLB bounce buffer size adjusted %lu -> %lu slabs', 'info', 'swiotlb'),
  swiotlbAllocFailed: m('software IO TLB: swiotlb_memblock_alloc: Failed to allocate %zu bytes tlb structure\n', 'warn', 'swiotlb'),
  rmemNoNode: undefined,
  numaAcpiFailed: m('NUMA: Failed to initialise from firmware\n', 'info', 'numa'),
};

const overrides: Record<Generation, Catalogue> = {
  '5.10': {
    // arch/arm64/mm/numa.c 5.10 prints it from the ACPI code, under its "ACPI: " prefix.
    numaAcpiFailed: m('ACPI: NUMA: Failed to initialise from firmware\n', 'info', 'other'),
    // arch/arm64/mm/init.c 5.10 reserve_crashkernel(): three specific messages for a fixed base.
    crashNotMemory: m('cannot reserve crashkernel: region is not memory\n', 'warn', 'crashkernel'),
    crashOverlaps: m('cannot reserve crashkernel: region overlaps reserved memory\n', 'warn', 'crashkernel'),
    crashUnaligned: m('cannot reserve crashkernel: base address is not 2MB aligned\n', 'warn', 'crashkernel'),
    swiotlbAllocFailed: m('software IO TLB: Cannot allocate buffer', 'warn', 'swiotlb'),
  },
  '6.1': {},
  '6.12': {
    numaAcpiFailed: undefined,
    // drivers/base/arch_numa.c in 6.12 no longer reaches "No NUMA configuration found"; mm/numa.c prints NODE_DATA.
    numaNoConfig: undefined,
    nodeData: undefined,
    nodeDataNid: m('NODE_DATA(%d) allocated [mem %#010Lx-%#010Lx]\n', 'info', 'node-data'),
    cmaReserved: m('cma: Reserved %ld MiB at %pa on node %d\n', 'info', 'cma'),
    cmaFailed: m('cma: Failed to reserve %ld MiB on node %d\n', 'err', 'cma'),
    crashInUse: m('crashkernel reservation failed - memory is in use.\n', 'warn', 'crashkernel'),
    rmemNoNode: m('OF: reserved mem: Reserved memory: No reserved-memory node in the DT\n', 'info', 'reserved-mem'),
  },
  '7.2': {
    numaAcpiFailed: undefined,
    numaNoConfig: undefined,
    nodeData: undefined,
    nodeDataNid: m('NODE_DATA(%d) allocated [mem %#010Lx-%#010Lx]\n', 'info', 'node-data'),
    crashInUse: m('crashkernel reservation failed - memory is in use.\n', 'warn', 'crashkernel'),
    rmemNoNode: m('OF: reserved mem: Reserved memory: No reserved-memory node in the DT\n', 'info', 'reserved-mem'),
  },
};

export type MessageKey = keyof typeof common | 'nodeDataNid' | 'crashNotMemory' | 'crashOverlaps' | 'crashUnaligned' | 'crashInUse';

export interface Messages {
  /** The format of a message in this generation, or undefined if this generation never prints it. */
  get(key: MessageKey): MessageFormat | undefined;
}

export function messagesFor(gen: Generation): Messages {
  const cat: Catalogue = { ...common, ...overrides[gen] };
  return { get: (key) => cat[key] };
}
