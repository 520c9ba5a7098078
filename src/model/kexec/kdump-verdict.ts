// Will the kdump kernel live? From its predicted boot inside the crash region: whether it was loaded at all,
// whether its early boot panics, and how much memory the page allocator gets at memblock_free_all() for what is
// not movable — CMA pages serve only movable allocations, and the kdump kernels on the grid died of exactly that
// ("System is deadlocked on memory", "bio: can't create integrity buf pool") — and how much there is in all
// (user space and the page cache can use CMA), against what the generation was measured to need
// (behaviours.kdumpSurvival, from conformance/lifecycle/grid.json).
import type { Prediction } from '../../kernels/boot.ts';
import type { KexecLoadResult } from './kexec-tools.ts';

export interface KdumpVerdict {
  /** undefined: the generation has no measured threshold, or its memory figures are not modelled. */
  lives?: boolean;
  /** The kdump kernel's `Memory: …K available` figure, in bytes, as predicted. */
  availableBytes?: number;
  /** Pages the page allocator gets at memblock_free_all() (CMA comes later and serves only movable pages), in bytes: what the verdict weighs. */
  unmovableBytes?: number;
  reasons: string[];
}

const mib = (b: bigint | number): string => `${(Number(b) / 1048576).toFixed(1)} MiB`;

/** The `Memory:` line's available figure: printed at memblock_free_all() (5.10/6.1) or later, less what init took. */
export function predictedAvailable(p: Prediction): bigint | undefined {
  const m = p.memory;
  if (!m) return undefined;
  if (p.profile.behaviours.bootSteps.includes('memInitPrintInfo')) return m.freeNow * m.pageSize;
  return m.totalram * m.pageSize - (p.profile.behaviours.memoryLineLateAllocK ?? 0n) * 1024n;
}

/** The lifecycle guests' kdump initrd (busybox only) that the thresholds were measured with, rounded up. */
const MEASURED_INITRD = 1n << 20n;

export function kdumpVerdict(load: KexecLoadResult | undefined, kdump: Prediction | undefined, panic?: string, initrdBytes?: bigint): KdumpVerdict {
  if (!load) return { lives: false, reasons: ['no crash kernel is loaded'] };
  if (!load.ok) return { lives: false, reasons: [`kexec -p fails: ${load.printed.join(' / ')} (${load.why})`] };
  if (panic) return { lives: false, reasons: [`the kdump kernel panics during early boot: ${panic}`] };
  if (!kdump) return { lives: false, reasons: ['the kdump kernel was not predicted'] };
  const m = kdump.memory;
  if (!m) return { reasons: ['the kdump kernel\'s memory figures are not modelled for this kernel'] };
  // CMA pages stay reserved until cma_init_reserved_areas() (a core_initcall): totalram at memblock_free_all()
  // is already what is left outside CMA, and what unmovable allocations can ever use.
  const cma = m.cmaPages * m.pageSize;
  const unmovable = m.totalram * m.pageSize;
  const available = predictedAvailable(kdump);
  const base = { availableBytes: available === undefined ? undefined : Number(available), unmovableBytes: Number(unmovable) };
  const need = kdump.profile.behaviours.kdumpSurvival;
  if (!need) return { ...base, reasons: ['no survival threshold was measured for this generation'] };
  const who = `${kdump.profile.name} kdump kernels`;
  const total = unmovable + cma;
  const initrdNote = initrdBytes !== undefined && initrdBytes > MEASURED_INITRD
    ? [`its ${mib(initrdBytes)} initrd is reserved at memblock_free_all() and given back after unpacking; what it unpacks to is taken again (grid: 1 MiB and 25 MiB initrds)`]
    : [];
  const short: string[] = [];
  if (unmovable < need.unmovable) short.push(`only ${mib(unmovable)} outside CMA at memblock_free_all(), where ${who} need ${mib(need.unmovable)} for the kernel's own allocations${cma > 0n ? ` (its ${mib(cma)} CMA area serves only movable pages: add cma=0 to the kdump command line)` : ''}`);
  if (total < need.total) short.push(`only ${mib(total)} in all at memblock_free_all(), where ${who} need ${mib(need.total)}: reserve ${mib(need.total - total)} more`);
  if (short.length) return { ...base, lives: false, reasons: [...short, ...initrdNote] };
  return { ...base, lives: true, reasons: [`${mib(unmovable)} outside CMA and ${mib(total)} in all at memblock_free_all(); ${who} reached init with ${mib(need.unmovable)} and ${mib(need.total)}`, ...initrdNote] };
}
