// Models the two HASH_EARLY tables of vfs_caches_init_early() (fs/dcache.c dcache_init_early, fs/inode.c
// inode_init_early) sized by alloc_large_system_hash() (mm/page_alloc.c 5.10/6.1, mm/mm_init.c 6.12/7.2):
// memblock_alloc(bucketsize << log2qty, SMP_CACHE_BYTES). Both are early only when hashdist is 0, i.e. with a
// single node with memory (fixup_hashdist). nr_kernel_pages is computed per generation by the caller:
// 5.10/6.1 sum over zones of present − memmap pages (free_area_init_core, nrKernelPagesFromZones below);
// 6.12/7.2 the free memblock pages at free_area_init() time (calc_nr_kernel_pages).
// Pinned by the `Dentry cache`/`Inode-cache hash table entries` lines of QEMU boots of 1–4 GiB.
import { alignUp, ilog2, roundupPowOfTwo, type EarlyRequest } from './early-sizes/types.ts';

export interface HashTableConsts {
  /** sizeof(struct hlist_bl_head) = sizeof(struct hlist_head) = 8. */
  bucketSize: bigint;
  site: string;
}

export interface HashTableInput {
  /** PAGE_SHIFT of the kernel: the tables' scale is against it (4× the entries at 16K pages than at 4K). */
  pageShift: number;
  nrKernelPages: bigint;
  nrAllPages: bigint;
  /** dhash_entries= / ihash_entries= (0 = not given). */
  dhashEntries?: bigint;
  ihashEntries?: bigint;
}

export interface HashTable {
  name: 'Dentry cache' | 'Inode-cache';
  entries: bigint;
  order: number;
  bytes: bigint;
  request: EarlyRequest;
}

const ADAPT_SCALE_NPAGES_SHIFT = 36n; // ADAPT_SCALE_BASE = 64 GiB

/** Models alloc_large_system_hash(…, HASH_EARLY | HASH_ZERO, …, low_limit 0, high_limit 0). */
export function allocLargeSystemHash(name: HashTable['name'], numentriesArg: bigint, scale: number, i: HashTableInput, c: HashTableConsts): HashTable {
  const pageShift = BigInt(i.pageShift);
  const pageSize = 1n << pageShift;
  let numentries = numentriesArg;
  if (numentries === 0n) {
    numentries = alignUp(i.nrKernelPages, (1n << 20n) / pageSize);
    let sc = BigInt(scale);
    for (let adapt = 1n << (ADAPT_SCALE_NPAGES_SHIFT - pageShift); adapt < numentries; adapt <<= 2n) sc++;
    numentries = sc > pageShift ? numentries >> (sc - pageShift) : numentries << (pageShift - sc);
    if (numentries * c.bucketSize < pageSize) numentries = pageSize / c.bucketSize;
  }
  numentries = roundupPowOfTwo(numentries);
  let max = ((i.nrAllPages << pageShift) >> 4n) / c.bucketSize;
  if (max > 0x80000000n) max = 0x80000000n;
  if (numentries > max) numentries = max;
  const log2qty = ilog2(numentries);
  const bytes = c.bucketSize << BigInt(log2qty);
  let order = 0;
  while (pageSize << BigInt(order) < bytes) order++;
  return {
    name, entries: 1n << BigInt(log2qty), order, bytes,
    request: { kind: 'alloc', site: c.site, size: bytes, align: 64n, why: `${name} hash table: ${1n << BigInt(log2qty)} entries` },
  };
}

/** dcache_init_early() then inode_init_early(): scales 13 and 14. */
export function hashTableSizes(i: HashTableInput, c: HashTableConsts): HashTable[] {
  return [
    allocLargeSystemHash('Dentry cache', i.dhashEntries ?? 0n, 13, i, c),
    allocLargeSystemHash('Inode-cache', i.ihashEntries ?? 0n, 14, i, c),
  ];
}

/**
 * nr_kernel_pages / nr_all_pages of 5.10/6.1 (free_area_init_core, mm/page_alloc.c): per zone, present pages
 * minus calc_memmap_size(spanned, present) (no HIGHMEM on arm64).
 */
export function nrKernelPagesFromZones(zones: { spanned: bigint; present: bigint }[], pageShift: number, structPage: bigint): bigint {
  const pageSize = 1n << BigInt(pageShift);
  let total = 0n;
  for (const z of zones) {
    let pages = z.spanned;
    if (z.spanned > z.present + (z.present >> 4n)) pages = z.present;
    const memmap = alignUp(pages * structPage, pageSize) / pageSize;
    total += z.present >= memmap ? z.present - memmap : z.present;
  }
  return total;
}

/** calc_nr_kernel_pages() of 6.12/7.2 (mm/mm_init.c): whole pages of the free memblock ranges (NOMAP excluded). */
export function nrKernelPagesFromFreeRanges(free: { start: bigint; end: bigint }[], pageShift: number): bigint {
  const ps = BigInt(pageShift);
  let total = 0n;
  for (const r of free) {
    const s = (r.start + (1n << ps) - 1n) >> ps;
    const e = r.end >> ps;
    if (e > s) total += e - s;
  }
  return total;
}
