// Per-generation rules of arm64 paging_init()/map_mem() (arch/arm64/mm/mmu.c) and the decision of the linear
// map's granularity (NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS), 5.10–7.2, as data plus small functions.
import type { Generation } from '../generation.ts';
import type { MapFlags } from '../../model/linear-map/create-mapping.ts';
import type { KernelLayout, KernelSegment, LinearMapRules } from '../../model/linear-map/rules.ts';

// map_kernel(): text, rodata (NO_CONT: remapped read-only later), inittext, initdata, data (5.10/6.1 mmu.c).
const segments = (textFrom: '_text' | '_stext'): KernelSegment[] => [
  { from: textFrom, to: '_etext', noCont: false },
  { from: '__start_rodata', to: '__inittext_begin', noCont: true },
  { from: '__inittext_begin', to: '__inittext_end', noCont: false },
  { from: '__initdata_begin', to: '__initdata_end', noCont: false },
  { from: '_data', to: '_end', noCont: false },
];

// ARM64_MEMSTART_ALIGN = max(1 << ARM64_MEMSTART_SHIFT, 1 << SECTION_SIZE_BITS): 5.10 asm/kernel-pgtable.h
// (SECTION_SIZE_BITS 30; 16K shift PMD_SHIFT+5); 6.1 asm/kernel-pgtable.h, 6.12/7.2 mm/init.c (SECTION_SIZE_BITS
// 27 for 4K/16K, 29 for 64K; 16K shift CONT_PMD_SHIFT).
const memstart510 = (): bigint => 1n << 30n; // PUD_SHIFT (4K), PMD_SHIFT + 5 (16K), SECTION_SIZE_BITS 30 (64K)
const memstart61 = (pageShift: number): bigint => (pageShift === 16 ? 1n << 29n : 1n << 30n); // 64K: PMD_SHIFT = SECTION 29

export const LINEAR_MAP_RULES: Record<Generation, LinearMapRules> = {
  // 5.10 mmu.c map_mem(): alias [_text, __init_begin) NOMAP then NO_CONT; map_kernel() from _text; no
  // create_idmap; crash_mem_map + ZONE_DMA(32) → NO_BLOCK|NO_CONT; memblock_free(init_pg_dir).
  '5.10': {
    kernelAlias: { ranges: [['_text', '__init_begin']], order: 'after' },
    mapKernelSegments: segments('_text'),
    idmap: 'none',
    kfencePool: 'none',
    crashkernelForcesPages: true,
    crashRegionMappedByPages: true,
    freesInitPgDir: true,
    memstartAlign: memstart510,
    linearKaslr: true,
  },
  // 6.1 mmu.c: alias from _stext; map_kernel() from _stext; create_idmap() with early_pgtable_alloc;
  // defer_reserve_crashkernel(); arm64_kfence_alloc_pool() NOMAP then mapped by pages.
  '6.1': {
    kernelAlias: { ranges: [['_stext', '__init_begin']], order: 'after' },
    mapKernelSegments: segments('_stext'),
    idmap: 'early-pgtable',
    kfencePool: 'nomap-after',
    crashkernelForcesPages: true,
    crashRegionMappedByPages: true,
    freesInitPgDir: true,
    memstartAlign: memstart61,
    linearKaslr: true,
  },
  // 6.12 mmu.c: kernel mapped early by arch/arm64/kernel/pi/map_kernel.c (static tables); create_idmap()
  // uses the static idmap_ptes/kpti_ptes; "arm64: kdump: do not map crashkernel region specifically" (6.4).
  '6.12': {
    kernelAlias: { ranges: [['_text', '__init_begin']], order: 'after' },
    mapKernelSegments: null,
    idmap: 'static',
    kfencePool: 'nomap-after',
    crashkernelForcesPages: false,
    crashRegionMappedByPages: false,
    freesInitPgDir: false,
    memstartAlign: memstart61,
    linearKaslr: true,
  },
  // 7.2 mmu.c map_mem(): arm64_kfence_map_pool() first, then [_text, __init_begin) and [__init_end, __bss_stop)
  // with the same flags, then every memory range; no linear-map randomisation.
  '7.2': {
    kernelAlias: { ranges: [['_text', '__init_begin'], ['__init_end', '__bss_stop']], order: 'before' },
    mapKernelSegments: null,
    idmap: 'static',
    kfencePool: 'pages-first',
    crashkernelForcesPages: false,
    crashRegionMappedByPages: false,
    freesInitPgDir: false,
    memstartAlign: memstart61,
    linearKaslr: false,
  },
};

/** The command-line facts that decide granularity (each parsed by an early_param before paging_init). */
export interface LinearMapCmdline {
  /** Any `crashkernel=` token (5.10/6.1 early_param("crashkernel", enable_crash_mem_map)). */
  readonly crashkernel: boolean;
  /** The value of the last `rodata=`, or undefined. */
  readonly rodata?: string;
  /** The value of `kfence.sample_interval=`, or undefined. */
  readonly kfenceSampleInterval?: number;
  /** debug_pagealloc=on (needs CONFIG_DEBUG_PAGEALLOC). */
  readonly debugPagealloc?: boolean;
}

export interface LinearMapConfig {
  readonly RODATA_FULL_DEFAULT_ENABLED: boolean;
  readonly KFENCE: boolean;
  readonly KFENCE_SAMPLE_INTERVAL: number;
  readonly DEBUG_PAGEALLOC: boolean;
  /** ZONE_DMA || ZONE_DMA32. */
  readonly ZONE_DMA_OR_DMA32: boolean;
}

export interface LinearMapCpu {
  /** 7.2 cpu_supports_bbml2_noabort(): boot CPU MIDR on the allow-list (cortex-a57 and QEMU max are not). */
  readonly bbml2NoAbort: boolean;
  readonly realm?: boolean;
}

export const DEBIAN_LINEAR_MAP_CONFIG: Record<Generation, LinearMapConfig> = {
  '5.10': { RODATA_FULL_DEFAULT_ENABLED: true, KFENCE: false, KFENCE_SAMPLE_INTERVAL: 0, DEBUG_PAGEALLOC: false, ZONE_DMA_OR_DMA32: true },
  '6.1': { RODATA_FULL_DEFAULT_ENABLED: true, KFENCE: false, KFENCE_SAMPLE_INTERVAL: 0, DEBUG_PAGEALLOC: false, ZONE_DMA_OR_DMA32: true },
  '6.12': { RODATA_FULL_DEFAULT_ENABLED: true, KFENCE: true, KFENCE_SAMPLE_INTERVAL: 0, DEBUG_PAGEALLOC: false, ZONE_DMA_OR_DMA32: true },
  '7.2': { RODATA_FULL_DEFAULT_ENABLED: true, KFENCE: true, KFENCE_SAMPLE_INTERVAL: 0, DEBUG_PAGEALLOC: false, ZONE_DMA_OR_DMA32: true },
};

export interface GranularityDecision {
  readonly flags: MapFlags;
  readonly rodataFull: boolean;
  /** kfence_early_init: the early pool is allocated (memblock_phys_alloc, KFENCE_POOL_SIZE, top-down). */
  readonly kfenceEarlyInit: boolean;
  /** 5.10/6.1 without DMA zones: crash region reserved early and mapped by pages. */
  readonly crashMappedSeparately: boolean;
  readonly why: string;
}

/** Models rodata= parsing: 5.10 parse_rodata() (strtobool or "full"); 6.1/6.12 and 7.2 arch_parse_debug_rodata(). */
export function rodataFull(gen: Generation, cfg: LinearMapConfig, arg: string | undefined): boolean {
  // 7.2 asm/setup.h: rodata_full defaults to true; "on" = full, "noalias" = old "on", "off"; anything else ignored.
  if (gen === '7.2') return arg === undefined ? true : arg === 'on' ? true : arg === 'noalias' || arg === 'off' ? false : true;
  const dflt = cfg.RODATA_FULL_DEFAULT_ENABLED;
  if (arg === undefined) return dflt;
  if (arg === 'full') return true;
  const bool = /^(on|off|[yYnN01].*)$/.test(arg);
  return bool ? false : dflt;
}

/** Models the flag choice of map_mem() (mmu.c) and can_set_direct_map() / force_pte_mapping() per generation. */
export function decideLinearMapFlags(gen: Generation, cmd: LinearMapCmdline, cfg: LinearMapConfig, cpu: LinearMapCpu): GranularityDecision {
  const full = rodataFull(gen, cfg, cmd.rodata);
  const dbg = cfg.DEBUG_PAGEALLOC && (cmd.debugPagealloc ?? false);
  // kfence_early_init = !!CONFIG_KFENCE_SAMPLE_INTERVAL, overridden by kfence.sample_interval= (6.1+ mmu.c).
  const kfenceEarly = cfg.KFENCE && gen !== '5.10' && (cmd.kfenceSampleInterval ?? cfg.KFENCE_SAMPLE_INTERVAL) !== 0;
  const kfenceLate = cfg.KFENCE && gen !== '5.10' && !kfenceEarly; // arm64_kfence_can_set_direct_map()
  const reasons: string[] = [];
  let pages: boolean;
  if (gen === '5.10') {
    pages = full || dbg;
  } else if (gen === '7.2') {
    pages = dbg || (!cpu.bbml2NoAbort && (full || kfenceLate || (cpu.realm ?? false)));
  } else {
    pages = full || dbg || kfenceLate || (gen === '6.12' && (cpu.realm ?? false));
  }
  if (full) reasons.push('rodata_full');
  if (dbg) reasons.push('debug_pagealloc');
  if (kfenceLate) reasons.push('KFENCE without early pool');
  const rules = LINEAR_MAP_RULES[gen];
  let crashSeparate = false;
  if (rules.crashkernelForcesPages && cmd.crashkernel) {
    if (cfg.ZONE_DMA_OR_DMA32) { pages = true; reasons.push('crashkernel= with ZONE_DMA/DMA32'); }
    else crashSeparate = true;
  }
  return {
    flags: { noBlock: pages, noCont: pages },
    rodataFull: full,
    kfenceEarlyInit: kfenceEarly,
    crashMappedSeparately: crashSeparate,
    why: pages ? `page granular: ${reasons.join(', ')}` : 'block mappings allowed',
  };
}

/** KFENCE_POOL_SIZE = (CONFIG_KFENCE_NUM_OBJECTS + 1) * 2 * PAGE_SIZE (include/linux/kfence.h); Debian 255 objects. */
export function kfencePoolSize(pageSize: number, numObjects = 255): bigint {
  return BigInt((numObjects + 1) * 2 * pageSize);
}

/**
 * The Debian images' layouts (offsets from _text), read from the binaries' kallsyms (vmlinux-to-elf's
 * kallsyms_finder over the vmlinuz files). 5.10 and 6.1 lack data symbols (no KALLSYMS_ALL): there `_end` and
 * init_pg_dir come from the boot's `memblock_reserve`/`memblock_free` lines, `__init_end` (= __initdata_end =
 * _data) from `__init_begin` + the `Memory:` line's "init" size, `__start_rodata` = `_etext` (vmlinux.lds.S),
 * and two are estimates that only matter by their 2 MiB chunk: `__inittext_end` (ALIGN(_einittext + 384 KiB,
 * 64 KiB)) and 6.1's `__idmap_kpti_flag` (in .data, placed at `_data`).
 */
export const DEBIAN_IMAGE_LAYOUTS: Record<Generation, KernelLayout> = {
  '5.10': layout(0x40200000n, 0xffff800010000000n, {
    _stext: 0x10000n, _etext: 0xb80000n, __start_rodata: 0xb80000n, __inittext_begin: 0x1280000n,
    __inittext_end: 0x1350000n, __initdata_begin: 0x1350000n, __initdata_end: 0x17d0000n, __init_begin: 0x1280000n,
    __init_end: 0x17d0000n, _data: 0x17d0000n, __bss_stop: 0x1ac8000n, _end: 0x1ad0000n,
    __idmap_text_start: 0xb73000n, __idmap_text_end: 0xb737f4n, __idmap_kpti_flag: 0xb7350cn,
    init_pg_dir: 0x1ac8000n, init_pg_end: 0x1acd000n,
  }),
  '6.1': layout(0x40200000n, 0xffff800008000000n, {
    _stext: 0x10000n, _etext: 0xd00000n, __start_rodata: 0xd00000n, __inittext_begin: 0x1660000n,
    __inittext_end: 0x1740000n, __initdata_begin: 0x1740000n, __initdata_end: 0x1cb0000n, __init_begin: 0x1660000n,
    __init_end: 0x1cb0000n, _data: 0x1cb0000n, __bss_stop: 0x200b000n, _end: 0x2010000n,
    __idmap_text_start: 0xcf0000n, __idmap_text_end: 0xcf0930n, __idmap_kpti_flag: 0x1cb0000n,
    init_pg_dir: 0x200b000n, init_pg_end: 0x2010000n,
  }),
  '6.12': layout(0x40200000n, 0xffff800080000000n, {
    _stext: 0x10000n, _etext: 0xf70000n, __start_rodata: 0xf70000n, __inittext_begin: 0x1d30000n,
    __inittext_end: 0x1e20000n, __initdata_begin: 0x1e20000n, __initdata_end: 0x2040000n, __init_begin: 0x1d30000n,
    __init_end: 0x2040000n, _data: 0x2040000n, __bss_stop: 0x24e6a10n, _end: 0x2500000n,
    __idmap_text_start: 0x1d24000n, __idmap_text_end: 0x1d24a58n, __idmap_kpti_flag: 0x205dbccn,
    init_pg_dir: 0x24e7000n, init_pg_end: 0x24f5000n,
  }),
  '7.2': layout(0x40200000n, 0n, {
    _stext: 0x10000n, _etext: 0x12c0000n, __start_rodata: 0x12c0000n, __inittext_begin: 0x2510000n,
    __inittext_end: 0x2620000n, __initdata_begin: 0x2620000n, __initdata_end: 0x28e0000n, __init_begin: 0x2510000n,
    __init_end: 0x28e0000n, _data: 0x28e0000n, __bss_stop: 0x2ee6000n, _end: 0x2f00000n,
    __idmap_text_start: 0x24ff000n, __idmap_text_end: 0x24ffbacn, __idmap_kpti_flag: 0n,
    init_pg_dir: 0n, init_pg_end: 0n,
  }),
};

function layout(physBase: bigint, virtBase: bigint, sym: KernelLayout['sym']): KernelLayout {
  return { physBase, virtBase, sym };
}
