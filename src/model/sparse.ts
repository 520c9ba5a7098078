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

/** Models sparse_init() (mm/sparse.c) for a VMEMMAP kernel, 5.10–7.2. */
export function sparseAllocations(i: SparseInput, c: SparseConsts): EarlyRequest[] {
  const out: EarlyRequest[] = [];
  const sectionShift = BigInt(c.sectionSizeBits);
  const pagesPerSection = 1n << (sectionShift - BigInt(c.pageShift));
  // memblocks_present() → memory_present(): sections covering [PFN_UP(base), PFN_DOWN(end)) of every region.
  const present = new Map<bigint, number>();
  const rootsSeen = new Set<bigint>();
  out.push({ kind: 'alloc', site: c.sites.rootArray, size: c.rootArrayBytes, align: 64n, why: 'memory_present(): the mem_section root array (NR_SECTION_ROOTS pointers)' });
  const pageSize = 1n << BigInt(c.pageShift);
  for (const r of i.memory) {
    const startPfn = (r.base + pageSize - 1n) >> BigInt(c.pageShift);
    const endPfn = (r.base + r.size) >> BigInt(c.pageShift);
    if (endPfn <= startPfn) continue;
    for (let pfn = alignDown(startPfn, pagesPerSection); pfn < endPfn; pfn += pagesPerSection) {
      const nr = pfn / pagesPerSection;
      const root = nr / c.sectionsPerRoot;
      if (!rootsSeen.has(root)) {
        rootsSeen.add(root);
        out.push({ kind: 'alloc', site: c.sites.indexAlloc, size: c.rootBytes, align: 64n, why: `sparse_index_alloc(): mem_section root ${root}` });
      }
      if (!present.has(nr)) present.set(nr, r.nid ?? 0);
    }
  }
  const sections = [...present.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // sparse_init(): runs of consecutive present sections with the same nid.
  const runs: { nid: number; sections: bigint[] }[] = [];
  for (const s of sections) {
    const nid = present.get(s)!;
    const last = runs[runs.length - 1];
    if (last && last.nid === nid) last.sections.push(s);
    else runs.push({ nid, sections: [s] });
  }
  const mapBytes = pagesPerSection * c.structPage;
  const sectionMapSize = ((mapBytes + c.pmdSize - 1n) / c.pmdSize) * c.pmdSize;
  const pudDone = new Set<bigint>(c.staticPudSlots.map((v) => v / SLOT));
  const pmdDone = new Set<bigint>(c.staticPmdWindows.map((v) => v / GiB));
  const memstartPfn = i.memstartAddr >> BigInt(c.pageShift);
  const M64 = (1n << 64n) - 1n;
  for (const run of runs) {
    const n = BigInt(run.sections.length);
    const usemap: EarlyRequest = { kind: 'alloc', site: c.sites.usemap, size: c.usemapPerSection * n, align: 64n, why: `usemaps of ${n} section(s) of node ${run.nid}` };
    if (c.usemapNearPgdat) {
      const nd = typeof i.nodeData === 'bigint' ? i.nodeData : i.nodeData.get(run.nid);
      if (nd !== undefined) {
        const goal = alignDown(nd, 1n << sectionShift);
        Object.assign(usemap, { minAddr: goal, maxAddr: goal + (1n << sectionShift), fallbackAnywhere: true });
      }
    }
    out.push(usemap);
    if (c.memmap === 'buffer') {
      out.push({ kind: 'alloc', site: c.sites.memmap, size: n * sectionMapSize, align: sectionMapSize, raw: true, why: `sparse_buffer_init(): memmap of ${n} section(s)` });
    }
    for (const s of run.sections) {
      // vmemmap_populate(): PMD blocks over this section's struct pages.
      const va0 = (c.vmemmapStart + (s * pagesPerSection - memstartPfn) * c.structPage) & M64;
      for (let off = 0n; off < mapBytes; off += c.pmdSize) {
        const va = va0 + off;
        if (!pudDone.has(va / SLOT)) {
          pudDone.add(va / SLOT);
          out.push({ kind: 'alloc', site: c.sites.table, size: pageSize, align: pageSize, raw: true, why: 'vmemmap PUD table' });
        }
        if (!pmdDone.has(va / GiB)) {
          pmdDone.add(va / GiB);
          out.push({ kind: 'alloc', site: c.sites.table, size: pageSize, align: pageSize, raw: true, why: 'vmemmap PMD table' });
        }
        if (c.memmap === 'per-block') {
          out.push({ kind: 'alloc', site: c.sites.memmap, size: c.pmdSize, align: c.pmdSize, raw: true, why: `memmap block of section ${s}` });
        }
      }
    }
  }
  return out;
}
