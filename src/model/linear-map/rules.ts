// The per-generation rules of paging_init() (arch/arm64/mm/mmu.c) as the linear-map model consumes them.
// Values live in src/kernels/behaviors/linear-map.ts; the model never sees a version number.

/** Offsets from `_text` of the image symbols paging_init reads (System.map / kallsyms names). */
export interface KernelSymbols {
  readonly _stext: bigint;
  readonly _etext: bigint;
  readonly __start_rodata: bigint;
  readonly __inittext_begin: bigint;
  readonly __inittext_end: bigint;
  readonly __initdata_begin: bigint;
  readonly __initdata_end: bigint;
  readonly __init_begin: bigint;
  readonly __init_end: bigint;
  readonly _data: bigint;
  readonly __bss_stop: bigint;
  readonly _end: bigint;
  readonly __idmap_text_start: bigint;
  readonly __idmap_text_end: bigint;
  readonly __idmap_kpti_flag: bigint;
  readonly init_pg_dir: bigint;
  readonly init_pg_end: bigint;
}

/** Where one kernel image sits: physical `_text`, virtual `_text` (kimage, KASLR included) and its symbols. */
export interface KernelLayout {
  /** __pa_symbol(_text). */
  readonly physBase: bigint;
  /** (unsigned long)_text: KIMAGE_VADDR + KASLR displacement (2 MiB multiple). Only map_kernel (5.10/6.1) reads it. */
  readonly virtBase: bigint;
  readonly sym: KernelSymbols;
}

export type SymbolName = keyof KernelSymbols | '_text';

/** One map_kernel_segment() call (5.10/6.1): [from, to) of the image, with its NO_CONT flag. */
export interface KernelSegment {
  readonly from: SymbolName;
  readonly to: SymbolName;
  readonly noCont: boolean;
}

export interface LinearMapRules {
  /**
   * The image ranges mapped apart from the memory loop. 'after': marked NOMAP during the loop, then mapped with
   * NO_CONT only (5.10–6.12: blocks allowed even with rodata_full). 'before': mapped first with the loop's flags (7.2).
   */
  readonly kernelAlias: { readonly ranges: readonly (readonly [SymbolName, SymbolName])[]; readonly order: 'after' | 'before' };
  /** map_kernel() segments into swapper (5.10, 6.1); null when the image is mapped by static tables (6.12+). */
  readonly mapKernelSegments: readonly KernelSegment[] | null;
  /** create_idmap(): 'early-pgtable' allocates from memblock (6.1); 'static' uses idmap_ptes[] (6.12+); 'none' (5.10). */
  readonly idmap: 'none' | 'early-pgtable' | 'static';
  /** The early KFENCE pool: 'nomap-after' (6.1/6.12: NOMAP in the loop, pages after), 'pages-first' (7.2), 'none'. */
  readonly kfencePool: 'none' | 'nomap-after' | 'pages-first';
  /** `crashkernel=` seen and ZONE_DMA/DMA32 on: the whole linear map is page granular (5.10, 6.1). */
  readonly crashkernelForcesPages: boolean;
  /** Without DMA zones 5.10/6.1 reserve the crash region early, skip it in the loop and map it by pages. */
  readonly crashRegionMappedByPages: boolean;
  /** paging_init frees init_pg_dir..init_pg_end (5.10, 6.1). */
  readonly freesInitPgDir: boolean;
  /** ARM64_MEMSTART_ALIGN by PAGE_SHIFT. */
  readonly memstartAlign: (pageShift: number) => bigint;
  /** memstart_addr is randomised (KASLR) in ARM64_MEMSTART_ALIGN steps. */
  readonly linearKaslr: boolean;
}
