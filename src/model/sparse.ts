// Models the memblock requests of sparse_init() (mm/sparse.c, mm/sparse-vmemmap.c, arch/arm64/mm/mmu.c
// vmemmap_populate), SPARSEMEM_EXTREME + VMEMMAP, 4K pages, 4-level 48-bit VA, 5.10–7.2, in kernel order:
//   memblocks_present(): the mem_section root array, then one sparse_index_alloc() page per root in use;
//   per node sparse_init_nid(): the usemap (mem_section_usage_size() × sections; 5.10–6.12 near NODE_DATA),
//   5.10–6.12: one memmap buffer of sections × section_map_size() aligned to section_map_size(), then the
//   vmemmap page-table pages (__earlyonly_bootmem_alloc); 7.2: no buffer, each PMD block of the memmap is its
//   own memmap_alloc(PMD_SIZE, PMD_SIZE), preceded by whatever table page it first needs.
// Table pages: one PUD table per 512 GiB VA slot and one PMD table per 1 GiB VA window of the vmemmap that no
// static table covers (5.10 shares the fixmap's bm_pud/bm_pmd for the window of VMEMMAP_START).
// Constants: src/kernels/behaviors/early-sizes.ts; pinned by QEMU boots of 1, 2, 3, 4 GiB (section counts)
// per generation (test/model/early-sizes-observed.test.ts).
import { alignDown, type EarlyRequest } from './early-sizes/types.ts';

export interface SparseConsts {
  sectionSizeBits: number;
  pageShift: number;
  /** sizeof(struct page). */
  structPage: bigint;
  /** sizeof(struct mem_section *) × NR_SECTION_ROOTS. */
  rootArrayBytes: bigint;
  /** SECTIONS_PER_ROOT = PAGE_SIZE / sizeof(struct mem_section). */
  sectionsPerRoot: bigint;
  /** SECTIONS_PER_ROOT × sizeof(struct mem_section). */
  rootBytes: bigint;
  /** mem_section_usage_size(). */
  usemapPerSection: bigint;
  /** 5.10–6.12 (MEMORY_HOTREMOVE): usemap in [section of NODE_DATA, + section), else anywhere. 7.2: anywhere. */
  usemapNearPgdat: boolean;
  /** 'buffer': sparse_buffer_init() (5.10–6.12); 'per-block': 7.2. */
  memmap: 'buffer' | 'per-block';
  pmdSize: bigint;
  /** VMEMMAP_START as an unsigned 64-bit address. */
  vmemmapStart: bigint;
  /** VAs whose 512 GiB slot / 1 GiB window already has a static table (fixmap's bm_pud / bm_pmd). */
  staticPudSlots: bigint[];
  staticPmdWindows: bigint[];
  sites: { rootArray: string; indexAlloc: string; usemap: string; memmap: string; table: string };
}

export interface SparseInput {
  /** memblock.memory regions (NOMAP included), in address order. */
  memory: { base: bigint; size: bigint; nid?: number }[];
  /** memstart_addr. */
  memstartAddr: bigint;
  /** Physical address of each node's pglist_data (NODE_DATA), for the usemap goal. */
  nodeData: Map<number, bigint> | bigint;
}

const GiB = 1n << 30n;
const SLOT = 512n * GiB;

/** Half-open interval of section numbers. */
interface SectionRange {
  s0: bigint;
  s1: bigint;
  nid: number;
}

/** memblocks_present(): the present sections as sorted disjoint ranges (an earlier region's nid wins). */
function presentSections(i: SparseInput, c: SparseConsts): SectionRange[] {
  const ps = BigInt(c.pageShift);
  const pageSize = 1n << ps;
  const pagesPerSection = 1n << (BigInt(c.sectionSizeBits) - ps);
  const raw: SectionRange[] = [];
  for (const r of i.memory) {
    const startPfn = (r.base + pageSize - 1n) >> ps;
    const endPfn = (r.base + r.size) >> ps;
    if (endPfn <= startPfn) continue;
    raw.push({ s0: startPfn / pagesPerSection, s1: (endPfn - 1n) / pagesPerSection + 1n, nid: r.nid ?? 0 });
  }
  raw.sort((a, b) => (a.s0 < b.s0 ? -1 : a.s0 > b.s0 ? 1 : 0));
  const out: SectionRange[] = [];
  for (const r of raw) {
    const last = out[out.length - 1];
    if (last && r.s0 <= last.s1) {
      if (r.s1 > last.s1) {
        if (r.nid === last.nid) last.s1 = r.s1;
        else out.push({ s0: last.s1, s1: r.s1, nid: r.nid });
      }
    } else out.push({ ...r });
  }
  return out;
}

/**
 * Models sparse_init() (mm/sparse.c) for a VMEMMAP kernel, 5.10–7.2. Works on ranges of sections, never per
 * section or per page: a 16 TiB machine costs as much as a 1 GiB one with the same number of memory regions.
 */
export function sparseAllocations(i: SparseInput, c: SparseConsts): EarlyRequest[] {
  const out: EarlyRequest[] = [];
  const ps = BigInt(c.pageShift);
  const pageSize = 1n << ps;
  const pagesPerSection = 1n << (BigInt(c.sectionSizeBits) - ps);
  out.push({ kind: 'alloc', site: c.sites.rootArray, size: c.rootArrayBytes, align: 64n, why: 'memory_present(): the mem_section root array (NR_SECTION_ROOTS pointers)' });
  const ranges = presentSections(i, c);
  // sparse_index_init(): one root page per SECTIONS_PER_ROOT sections in use, in address order.
  let lastRoot = -1n;
  for (const r of ranges) {
    for (let root = r.s0 / c.sectionsPerRoot; root <= (r.s1 - 1n) / c.sectionsPerRoot; root++) {
      if (root <= lastRoot) continue;
      lastRoot = root;
      out.push({ kind: 'alloc', site: c.sites.indexAlloc, size: c.rootBytes, align: 64n, why: `sparse_index_alloc(): mem_section root ${root}` });
    }
  }
  // sparse_init(): runs of present sections with the same nid (gaps between sections do not split a run).
  const runs: SectionRange[][] = [];
  for (const r of ranges) {
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1].nid === r.nid) last.push(r);
    else runs.push([r]);
  }
  const mapBytes = pagesPerSection * c.structPage;
  const sectionMapSize = ((mapBytes + c.pmdSize - 1n) / c.pmdSize) * c.pmdSize;
  const pudDone = new Set<bigint>(c.staticPudSlots.map((v) => v / SLOT));
  const pmdDone = new Set<bigint>(c.staticPmdWindows.map((v) => v / GiB));
  const memstartPfn = i.memstartAddr >> ps;
  const M64 = (1n << 64n) - 1n;
  for (const run of runs) {
    const nid = run[0].nid;
    const n = run.reduce((a, r) => a + (r.s1 - r.s0), 0n);
    const usemap: EarlyRequest = { kind: 'alloc', site: c.sites.usemap, size: c.usemapPerSection * n, align: 64n, why: `usemaps of ${n} section(s) of node ${nid}` };
    if (c.usemapNearPgdat) {
      const nd = typeof i.nodeData === 'bigint' ? i.nodeData : i.nodeData.get(nid);
      if (nd !== undefined) {
        const goal = alignDown(nd, 1n << BigInt(c.sectionSizeBits));
        Object.assign(usemap, { minAddr: goal, maxAddr: goal + (1n << BigInt(c.sectionSizeBits)), fallbackAnywhere: true });
      }
    }
    out.push(usemap);
    if (c.memmap === 'buffer') {
      out.push({ kind: 'alloc', site: c.sites.memmap, size: n * sectionMapSize, align: sectionMapSize, raw: true, orBlocksOf: c.pmdSize, why: `sparse_buffer_init(): memmap of ${n} section(s)` });
    }
    // vmemmap_populate(): the PMD blocks of each range's struct pages, window by window (1 GiB of vmemmap each).
    for (const r of run) {
      const va0 = (c.vmemmapStart + (r.s0 * pagesPerSection - memstartPfn) * c.structPage) & M64;
      const blocks = ((r.s1 - r.s0) * mapBytes + c.pmdSize - 1n) / c.pmdSize;
      let b = 0n;
      while (b < blocks) {
        const va = va0 + b * c.pmdSize;
        const windowEnd = (va / GiB + 1n) * GiB;
        const inWindow = (windowEnd - va + c.pmdSize - 1n) / c.pmdSize;
        const k = inWindow < blocks - b ? inWindow : blocks - b;
        if (!pudDone.has(va / SLOT)) {
          pudDone.add(va / SLOT);
          out.push({ kind: 'alloc', site: c.sites.table, size: pageSize, align: pageSize, raw: true, why: 'vmemmap PUD table' });
        }
        if (!pmdDone.has(va / GiB)) {
          pmdDone.add(va / GiB);
          out.push({ kind: 'alloc', site: c.sites.table, size: pageSize, align: pageSize, raw: true, why: 'vmemmap PMD table' });
        }
        if (c.memmap === 'per-block') {
          out.push({ kind: 'alloc', site: c.sites.memmap, size: c.pmdSize, align: c.pmdSize, count: k, raw: true, why: `memmap: ${k} PMD block(s)` });
        }
        b += k;
      }
    }
  }
  return out;
}
