// The linear-map model: page-table geometry, __create_pgd_mapping costs, paging_init() totals and summaries.
export { geometry, pageOffset, blockAllowedAt, type Geometry, type Granule, type TableLevel } from './geometry.ts';
export { createPgdMappings, unionIv, ivLength, type MapFlags, type MappingCall, type TreeResult } from './create-mapping.ts';
export { pagingInitPageTables, mapMemCalls, mapKernelCalls, type PagingInput, type PagingResult, type PhysRange, type StepCost } from './paging-init.ts';
export type { KernelLayout, KernelSegment, KernelSymbols, LinearMapRules, SymbolName } from './rules.ts';
export { linearMapSummary, type LinearMapSummary } from './summary.ts';
