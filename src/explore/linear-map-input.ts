// From a boot prediction to the linear map the kernel built during it: the same inputs the boot driver gave
// paging_init() (src/kernels/early-allocator.ts), recovered from the prediction's trace, plus the crash
// regions reserved later and the early_pgtable_alloc() ranges that hold the tables.
import { splitCmdline } from '../inputs/cmdline/params.ts';
import { DEBIAN_IMAGE_LAYOUTS, LINEAR_MAP_RULES, decideLinearMapFlags, type GranularityDecision, type LinearMapCmdline } from '../kernels/behaviors/linear-map.ts';
import type { Prediction } from '../kernels/boot.ts';
import type { KernelProfile } from '../kernels/profile.ts';
import { linearMapReport, type CrashProtectMode, type LinearMapReport, type LinearMapReportInput } from '../model/linear-map-report.ts';
import type { Granule } from '../model/linear-map/geometry.ts';
import type { PhysRange } from '../model/linear-map/paging-init.ts';
import { MEMBLOCK_NOMAP, type MemblockRegion } from '../model/memblock/types.ts';
import type { LinearMapRules } from '../model/linear-map/rules.ts';

/** The command-line facts map_mem() reads (the boot driver's linearMapCmdline(), early-allocator.ts). */
export function linearMapCmdline(cmdline: string): LinearMapCmdline {
  let crashkernel = false;
  let rodata: string | undefined;
  let kfence: number | undefined;
  for (const a of splitCmdline(cmdline).args) {
    if (a.param === 'crashkernel') crashkernel = true;
    else if (a.param === 'rodata' && a.val !== null) rodata = a.val;
    else if (a.param === 'kfence.sample_interval' && a.val !== null && /^\d+$/.test(a.val)) kfence = Number(a.val);
  }
  return { crashkernel, rodata, kfenceSampleInterval: kfence };
}

export function granularityOf(profile: KernelProfile, cmdline: string, zoneDmaOverride?: boolean): GranularityDecision {
  const c = profile.config;
  return decideLinearMapFlags(profile.generation, linearMapCmdline(cmdline), {
    RODATA_FULL_DEFAULT_ENABLED: c.rodataFullDefault,
    KFENCE: c.kfence,
    KFENCE_SAMPLE_INTERVAL: c.kfenceSampleInterval,
    DEBUG_PAGEALLOC: c.debugPagealloc,
    ZONE_DMA_OR_DMA32: zoneDmaOverride ?? (c.zoneDma || c.zoneDma32),
  }, { bbml2NoAbort: false });
}

/** vabits_actual as the boot driver chooses it (src/kernels/boot.ts): 52 only with LPA2 and a 52-bit build. */
export function vaBitsOf(profile: KernelProfile, lpa2: boolean): number {
  return lpa2 && profile.config.vaBits === 52 ? 52 : Math.min(profile.config.vaBits, 48);
}

export function linearRulesOf(profile: KernelProfile): LinearMapRules {
  return LINEAR_MAP_RULES[profile.generation];
}

/**
 * arch_kexec_protect_crashkres() and the separate page mapping of the crash region left arm64 together in 6.4
 * ("arm64: kdump: do not map crashkernel region specifically", "arm64: kdump : take off the protection on
 * crashkernel memory region"), so the rule that maps the region by pages also tells whether it is protected.
 */
export function protectModeOf(rules: LinearMapRules): CrashProtectMode {
  return rules.crashRegionMappedByPages ? 'pte-only' : 'none';
}

export interface BootMemoryView {
  /** memblock.memory when paging_init() ran. */
  readonly memory: readonly MemblockRegion[];
  /** Physical _text. */
  readonly kernelBase: bigint;
  readonly kfencePool: PhysRange | null;
  readonly allocations: readonly (PhysRange & { readonly why: string })[];
  /** Pages of the linear map's early_pgtable_alloc() calls, as the boot placed them. */
  readonly linearPages: bigint;
  /** memblock (memory and reserved) just before paging_init(), for strategies that reserve there. */
  readonly beforePaging: { readonly memory: readonly MemblockRegion[]; readonly reserved: readonly MemblockRegion[] };
}

const PAGING_SITES = new Set(['early_pgtable_alloc', 'arm64_kfence_alloc_pool', 'paging_init']);

/** Reads what paging_init() saw from the trace: the memory it mapped, the image, the KFENCE pool, its tables. */
export function bootMemoryView(pred: Prediction): BootMemoryView {
  const ev = pred.trace.events;
  const first = ev.findIndex((e) => PAGING_SITES.has(e.site));
  const after = first >= 0 ? ev[first].after : pred.final;
  const before = first > 0 ? ev[first - 1].after : after;
  const image = ev.find((e) => e.kind === 'reserve' && e.site === 'arm64_memblock_init' && e.why?.startsWith('the kernel image'));
  if (!image?.range) throw new Error('the prediction has no kernel image reservation');
  const pool = ev.find((e) => e.site === 'arm64_kfence_alloc_pool' && e.kind === 'alloc');
  const allocs = ev.filter((e) => e.site === 'early_pgtable_alloc' && e.range).map((e) => ({ base: e.range!.base, size: e.range!.size, why: e.why ?? '' }));
  const page = pred.profile.config.pageSize;
  const linear = allocs.filter((a) => a.why.startsWith('page tables of the linear map')).reduce((n, a) => n + a.size, 0n) / page;
  return {
    memory: after.memory,
    kernelBase: image.range.base - pred.profile.image.reserveSkipsHeader,
    kfencePool: pool?.range ? { base: pool.range.base, size: pool.range.size } : null,
    allocations: allocs,
    linearPages: linear,
    beforePaging: { memory: before.memory, reserved: before.reserved },
  };
}

export const pagingMemory = (memory: readonly MemblockRegion[]) =>
  memory.map((r) => ({ base: r.base, size: r.size, nomap: (r.flags & MEMBLOCK_NOMAP) !== 0 }));

export function crashRegionsOf(pred: Prediction): (PhysRange & { name: string })[] {
  const c = pred.crash;
  if (!c?.ok || !c.main) return [];
  const out = [{ name: 'crashkernel', base: c.main.base, size: c.main.size }];
  if (c.low && c.low.base !== c.main.base) out.push({ name: 'crashkernel low', base: c.low.base, size: c.low.size });
  return out;
}

/** The report input for the linear map a predicted boot builds, as the boot driver built it. */
export function linearMapInputOf(pred: Prediction, opts: { lpa2: boolean }): LinearMapReportInput & { tracePages: bigint } {
  const profile = pred.profile;
  const view = bootMemoryView(pred);
  const dec = granularityOf(profile, pred.cmdline);
  const rules = linearRulesOf(profile);
  return {
    paging: {
      memory: pagingMemory(view.memory),
      kernel: { ...DEBIAN_IMAGE_LAYOUTS[profile.generation], physBase: view.kernelBase },
      pageSize: Number(profile.config.pageSize) as Granule,
      vaBits: vaBitsOf(profile, opts.lpa2),
      flags: dec.flags,
      kfencePool: view.kfencePool,
    },
    rules,
    why: dec.why,
    crash: crashRegionsOf(pred),
    protect: protectModeOf(rules),
    allocations: view.allocations,
    tracePages: view.linearPages,
  };
}

export function linearMapReportOf(pred: Prediction, opts: { lpa2: boolean }): LinearMapReport & { tracePages: bigint } {
  const input = linearMapInputOf(pred, opts);
  return { ...linearMapReport(input), tracePages: input.tracePages };
}
