// The early memblock allocations that only move later addresses: page tables, the unflattened DT, sparse,
// percpu, hash tables. Each generation's sizes come from the model's size functions (model/linear-map,
// model/unflatten, model/sparse, model/percpu, model/hash-tables); this module sequences them.
import type { Fdt } from '../inputs/fdt/tree.ts';
import type { ModelContext } from '../model/context.ts';
import type { EarlyParams } from '../inputs/cmdline/params.ts';
import type { ReservedMemResult } from '../model/reserved-mem/index.ts';
import type { KernelProfile } from './profile.ts';

export interface EarlyAllocInput {
  fdt: Fdt;
  profile: KernelProfile;
  possibleCpus: number;
  cmdline: string;
  forcePageGranularity: boolean;
  vaBits: number;
  memstartAddr: bigint;
  /** KASLR's displacement of the kernel image's virtual address (src/model/kaslr.ts imageKaslrOffset). */
  kimageOffset?: bigint;
  kernel: { base: bigint; size: bigint };
  /** NODE_DATA(0)'s physical address, once numa init placed it (the usemap goal). */
  nodeData?: bigint;
  /** nr_kernel_pages as free_area_init() left it (sizes the hash tables). */
  nrKernelPages?: bigint;
}

export interface EarlyAllocator {
  /** early_init_fdt_scan_reserved_mem(): /memreserve/, /reserved-memory and (kdump) elfcorehdr. */
  reservedMem(ctx: ModelContext, i: EarlyAllocInput, params: EarlyParams, root: { addrCells: number; sizeCells: number; elfcorehdr?: { base: bigint; size: bigint } }): ReservedMemResult;
  pagingInit(ctx: ModelContext, i: EarlyAllocInput): void;
  unflatten(ctx: ModelContext, i: EarlyAllocInput): void;
  cpumask(ctx: ModelContext, i: EarlyAllocInput): void;
  sparse(ctx: ModelContext, i: EarlyAllocInput): void;
  setupArchTail(ctx: ModelContext, i: EarlyAllocInput): void;
  commandLineCopies(ctx: ModelContext, i: EarlyAllocInput): void;
  percpu(ctx: ModelContext, i: EarlyAllocInput): void;
  /** parse_args() → print_unknown_bootoptions(): the command line's words no parameter takes (handed to init). */
  unknownBootOptions(ctx: ModelContext, i: EarlyAllocInput): { argv: string[]; envp: string[] } | undefined;
  hashTables(ctx: ModelContext, i: EarlyAllocInput): void;
}
