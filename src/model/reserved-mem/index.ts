// The /memreserve/ and /reserved-memory model (drivers/of/fdt.c, drivers/of/of_reserved_mem.c), 5.10–7.2: re-exports only.
export { earlyInitFdtScanReservedMem } from './scan.ts';
export { libSort, type LibSortVariant } from './sort.ts';
export type { ReservedMemInput, ReservedMemResult, ReservedMemVariant, RmemFormat, RmemFormats, RmemKind, RmemRegion } from './types.ts';
