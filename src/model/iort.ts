// Models acpi_iort_dma_get_max_cpu_address() (drivers/acpi/arm64/iort.c), the same in 5.10–7.2: the smallest
// memory_address_limit of the named components and of the root complexes of revision ≥ 1 (kernel-notes §2.2).
import type { Iort } from '../inputs/acpi/iort.ts';

const PHYS_ADDR_MAX = (1n << 64n) - 1n;

/** DMA_BIT_MASK(n); n > 64 is undefined behaviour in C and treated here as "no limit" (see `flagged`). */
const dmaBitMask = (n: number): bigint => (n >= 64 ? PHYS_ADDR_MAX : (1n << BigInt(n)) - 1n);

export interface IortDmaLimit {
  /** The inclusive CPU address limit; PHYS_ADDR_MAX when no node limits it (or without an IORT). */
  max: bigint;
  /** The node (offset in the table) that set the limit. */
  from?: { offset: number; kind: string; bits: number };
  /** Nodes whose limit exceeds 64 bits (undefined behaviour in the kernel's DMA_BIT_MASK). */
  flagged: number[];
}

export function acpiIortDmaGetMaxCpuAddress(iort: Iort | undefined, acpiDisabled = false): IortDmaLimit {
  if (acpiDisabled || !iort) return { max: PHYS_ADDR_MAX, flagged: [] };
  let limit = PHYS_ADDR_MAX;
  let from: IortDmaLimit['from'];
  const flagged: number[] = [];
  // parseIort already stopped where the kernel's walk stops (node_count nodes, or the table end).
  for (const n of iort.nodes) {
    const counts = n.type === 1 || (n.type === 2 && n.revision >= 1);
    if (!counts || n.memoryAddressLimit === undefined) continue;
    if (n.memoryAddressLimit > 64) flagged.push(n.offset);
    const mask = n.memoryAddressLimit > 64 ? 0n : dmaBitMask(n.memoryAddressLimit);
    // min_not_zero(): a limit of 0 bits gives a mask of 0, which means "no limit".
    if (mask !== 0n && mask < limit) {
      limit = mask;
      from = { offset: n.offset, kind: n.kind, bits: n.memoryAddressLimit };
    }
  }
  return { max: limit, from, flagged };
}
