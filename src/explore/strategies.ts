// The orderings of "reserve the crash region" against "know the DMA limits" and "build the linear map" that
// arm64 kernels have used, plus one hypothetical, as interchangeable presets over one boot context.
// The kernels' strategies run the boot model (predictBoot) and read the map it built; the hypothetical runs
// the same linear-map model with explicit flags. Sources: arch/arm64/mm/{init,mmu}.c and
// arch/arm64/kernel/machine_kexec.c of 5.10, 6.1, 6.12 and 7.2 (kernel-notes §3.6, §4.3, §4.4, §5.1).
import type { Fdt } from '../inputs/fdt/tree.ts';
import type { Prediction } from '../kernels/boot.ts';
import { linearMapReport, type LinearMapReport } from '../model/linear-map-report.ts';
import { memblockPhysAllocRange } from '../model/memblock/index.ts';
import { createMemblock } from '../model/memblock/types.ts';
import type { PhysRange } from '../model/linear-map/paging-init.ts';
import {
  bootMemoryView, crashRegionsOf, granularityOf, linearMapInputOf, linearRulesOf, pagingMemory, protectModeOf, vaBitsOf,
} from './linear-map-input.ts';
import { DEBIAN_IMAGE_LAYOUTS } from '../kernels/behaviors/linear-map.ts';
import type { Granule } from '../model/linear-map/geometry.ts';
import type { Platform } from './platforms.ts';

export type StrategyId = 'a' | 'b' | 'c' | 'd';

export interface StrategyContext {
  readonly platform: Platform;
  readonly fdt: Fdt;
  readonly granule: Granule;
  /** The whole command line (crashkernel= included). */
  readonly cmdline: string;
  readonly crashSize: bigint;
  /** A predicted boot of a built-in profile at this granule (cached by the runner). */
  boot(profile: string, opts?: { noDmaZones?: boolean }): Prediction;
}

export interface StrategyRun {
  readonly report: LinearMapReport;
  readonly crash: readonly (PhysRange & { readonly name: string })[];
  readonly failure?: string;
  /** Where and when the reservation is made, in words. */
  readonly placement: string;
}

export interface Strategy {
  readonly id: StrategyId;
  readonly title: string;
  /** The kernels that implement it, or 'hypothetical'. */
  readonly kernels: string;
  readonly hypothetical: boolean;
  readonly describe: string;
  run(ctx: StrategyContext): StrategyRun;
}

const CRASH_ALIGN = 2n << 20n;

/** Runs a boot and reports the linear map exactly as the boot driver built it. */
function asBooted(pred: Prediction, placement: string): StrategyRun {
  const input = linearMapInputOf(pred, { lpa2: false });
  return { report: linearMapReport(input), crash: input.crash, failure: pred.crash?.ok === false ? pred.crash.failure ?? 'failed' : undefined, placement };
}

/** Cuts memory regions at the crash regions' edges, so that each piece is its own __create_pgd_mapping() call. */
function cutAt<T extends PhysRange>(memory: readonly T[], cuts: readonly PhysRange[]): T[] {
  const points = cuts.flatMap((c) => [c.base, c.base + c.size]);
  return memory.flatMap((m) => {
    const inside = points.filter((p) => p > m.base && p < m.base + m.size).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    const edges = [m.base, ...inside, m.base + m.size];
    return edges.slice(1).map((e, i) => ({ ...m, base: edges[i], size: e - edges[i] }));
  });
}

export const STRATEGIES: readonly Strategy[] = [
  {
    id: 'a',
    title: 'late reservation, whole map by pages',
    kernels: '5.10, 6.1 (ZONE_DMA/DMA32)',
    hypothetical: false,
    describe:
      'reserve_crashkernel() deferred to bootmem_init() after the DMA zone limits; map_mem() cannot know the region yet, '
      + 'so any crashkernel= forces NO_BLOCK_MAPPINGS|NO_CONT_MAPPINGS on the whole linear map; arch_kexec_protect_crashkres '
      + 'unmaps loaded segments with set_memory_valid().',
    run: (ctx) => asBooted(ctx.boot('debian-6.1'), 'deferred: below arm64_dma_phys_limit, after CMA'),
  },
  {
    id: 'b',
    title: 'early reservation, crash region by pages',
    kernels: '5.10, 6.1 without ZONE_DMA/DMA32',
    hypothetical: false,
    describe:
      'without DMA zones arm64_dma_phys_limit = PHYS_MASK + 1 from the start, so arm64_memblock_init() reserves the region '
      + 'before paging_init(); map_mem() marks it NOMAP, maps everything else with blocks and the region alone by pages.',
    run: (ctx) => {
      const pred = ctx.boot('debian-6.1', { noDmaZones: true });
      const profile = pred.profile;
      const view = bootMemoryView(pred);
      // 6.1 reserve_crashkernel(): memblock_phys_alloc_range(PAGE_ALIGN(size), CRASH_ALIGN, 0, CRASH_ADDR_LOW_MAX),
      // CRASH_ADDR_LOW_MAX = arm64_dma_phys_limit = PHYS_MASK + 1 (48-bit PA), on memblock as paging_init finds it.
      const mb = createMemblock({ pageSize: profile.config.pageSize, ...profile.behaviours.memblock });
      mb.memory = view.beforePaging.memory;
      mb.reserved = view.beforePaging.reserved;
      const ps = profile.config.pageSize;
      const size = (ctx.crashSize + ps - 1n) & ~(ps - 1n);
      const base = memblockPhysAllocRange(mb, size, CRASH_ALIGN, 0n, 1n << 48n);
      const crash = base === undefined ? [] : [{ name: 'crashkernel', base, size }];
      const dec = granularityOf(profile, ctx.cmdline, false);
      const rules = linearRulesOf(profile);
      const report = linearMapReport({
        paging: {
          memory: pagingMemory(view.memory),
          kernel: { ...DEBIAN_IMAGE_LAYOUTS[profile.generation], physBase: view.kernelBase },
          pageSize: ctx.granule, vaBits: vaBitsOf(profile, false), flags: dec.flags, kfencePool: view.kfencePool,
          crashRegion: crash[0] ?? null,
        },
        rules, why: dec.crashMappedSeparately ? `${dec.why}; crash region NOMAP in the loop, then mapped by pages` : dec.why,
        crash, protect: protectModeOf(rules),
      });
      return { report, crash, failure: base === undefined ? 'no free 2 MiB-aligned range below PHYS_MASK + 1' : undefined, placement: 'early: top of RAM below PHYS_MASK + 1, before paging_init' };
    },
  },
  {
    id: 'c',
    title: 'deferred reservation, no special mapping',
    kernels: '6.12, 7.2 (since 6.4)',
    hypothetical: false,
    describe:
      'the reservation is always deferred until the DMA limits are known; crashkernel= no longer changes the linear map and '
      + 'arm64 no longer protects a loaded crash image (generic no-op arch_kexec_protect_crashkres).',
    run: (ctx) => asBooted(ctx.boot('debian-6.12'), 'deferred: low below arm64_dma_phys_limit, else high + 128 MiB low'),
  },
  {
    id: 'd',
    title: 'deferred reservation, blocks, crash edges carved (hypothetical)',
    kernels: 'hypothetical',
    hypothetical: true,
    describe:
      'HYPOTHETICAL: reserve as 6.12+ does (after the DMA limits), keep block mappings, then split only the blocks that '
      + 'straddle the crash region\'s edges, so that no leaf covers memory on both sides; a protect routine that clears the '
      + 'valid bit of whatever leaf maps the region (block or page) can then unmap it after a load.',
    run: (ctx) => {
      const pred = ctx.boot('debian-6.12');
      const input = linearMapInputOf(pred, { lpa2: false });
      const report = linearMapReport({
        ...input,
        paging: { ...input.paging, memory: cutAt(input.paging.memory, input.crash) },
        why: `${input.why}; crash region edges carved (hypothetical)`,
        protect: 'any-leaf',
        allocations: [],
      });
      return { report, crash: input.crash, failure: pred.crash?.ok === false ? pred.crash.failure ?? 'failed' : undefined, placement: 'as (c)' };
    },
  },
];
