// The shape of one early memblock request as the size models return it: what the kernel asks memblock for,
// in kernel order. Placement (top-down, holes, limits) is the allocator's job (src/model/memblock).

/** One memblock request: memblock_alloc*(size, align[, min_addr, max_addr]) or a free of part of an earlier one. */
export interface EarlyRequest {
  /** 'alloc': a memblock_alloc-family call; 'free-tail': memblock_free of [base of request `of` + offset, + size). */
  kind: 'alloc' | 'free-tail' | 'free';
  /** The caller as memblock=debug prints it for the Debian builds (`%pS` without offset), per generation. */
  site: string;
  size: bigint;
  align: bigint;
  /** min_addr of memblock_alloc_try_nid(); 0 when absent. */
  minAddr?: bigint;
  /** max_addr; undefined = MEMBLOCK_ALLOC_ACCESSIBLE (current_limit). */
  maxAddr?: bigint;
  /** When the ranged try fails the kernel retries without the limit (usemap: limit = ACCESSIBLE; memblock_alloc_internal: min 0). */
  fallbackAnywhere?: boolean;
  /** 'free-tail'/'free': index (in the returned list) of the request whose memory is given back, and the offset into it. */
  of?: number;
  offset?: bigint;
  /**
   * When the allocation fails the kernel carries on with blocks of this size, each allocated on its own
   * (sparse_buffer_init() failing: vmemmap_populate() then takes every PMD block from memblock).
   */
  orBlocksOf?: bigint;
  /** That many identical allocations in a row (each placed top-down): size must equal align. Default 1. */
  count?: bigint;
  /** Raw (not zeroed) allocations: memblock_alloc_try_nid_raw. Placement is the same. */
  raw?: boolean;
  why: string;
}

export const SMP_CACHE_BYTES = 64n;

export const alignUp = (x: bigint, a: bigint): bigint => ((x + a - 1n) / a) * a;
export const alignDown = (x: bigint, a: bigint): bigint => (x / a) * a;
export const divRoundUp = (x: bigint, a: bigint): bigint => (x + a - 1n) / a;

/** roundup_pow_of_two() for x ≥ 1. */
export function roundupPowOfTwo(x: bigint): bigint {
  let p = 1n;
  while (p < x) p <<= 1n;
  return p;
}

/** ilog2() for x ≥ 1. */
export function ilog2(x: bigint): number {
  let n = -1;
  while (x > 0n) {
    x >>= 1n;
    n++;
  }
  return n;
}

/** fls(): the 1-based index of the highest set bit, 0 for 0. */
export const fls = (x: bigint): number => ilog2(x) + 1;
