// Will the kdump kernel live? From its predicted boot inside the crash region: whether it was loaded at all,
// whether its early boot panics, and how much memory the page allocator gets at memblock_free_all() for what is
// not movable (CMA pages serve only movable allocations) against the least the generation was seen to need
// (behaviours.kdumpSurvival, measured on the lifecycle grid: conformance/lifecycle/grid.json).
import type { Prediction } from '../../kernels/boot.ts';
import type { KexecLoadResult } from './kexec-tools.ts';

export interface KdumpVerdict {
  /** undefined: the generation has no measured threshold. */
  lives?: boolean;
  /** Pages handed to the page allocator at memblock_free_all(), in bytes (what `Memory: …K available` starts from). */
  availableBytes?: number;
  /** Of those, what is not CMA (the kernel's own unmovable allocations must come from here). */
  unmovableBytes?: number;
  reasons: string[];
}

const mib = (b: bigint | number): string => `${(Number(b) / 1048576).toFixed(1)} MiB`;

export function kdumpVerdict(load: KexecLoadResult | undefined, kdump: Prediction | undefined, panic?: string): KdumpVerdict {
  if (!load) return { lives: false, reasons: ['no crash kernel is loaded'] };
  if (!load.ok) return { lives: false, reasons: [`kexec -p fails: ${load.printed.join(' / ')} (${load.why})`] };
  if (panic) return { lives: false, reasons: [`the kdump kernel panics during early boot: ${panic}`] };
  if (!kdump) return { lives: false, reasons: ['the kdump kernel was not predicted'] };
  const m = kdump.memory;
  if (!m) return { reasons: ['the kdump kernel\'s memory figures are not modelled for this kernel'] };
  const available = m.totalram * m.pageSize;
  const cma = m.cmaPages * m.pageSize;
  const unmovable = available - cma;
  const need = kdump.profile.behaviours.kdumpSurvival;
  const base = { availableBytes: Number(available), unmovableBytes: Number(unmovable) };
  if (!need) return { ...base, reasons: ['no survival threshold was measured for this generation'] };
  const reasons: string[] = [];
  if (unmovable < need.minUnmovable) {
    const cmaHint = cma > 0n ? `; its ${mib(cma)} CMA area takes that much from it: add cma=0 to its command line, or` : ';';
    reasons.push(`the kdump kernel would have ${mib(unmovable)} outside CMA after memblock_free_all(), below the ${mib(need.minUnmovable)} ${kdump.profile.name} kernels were seen to need to reach init${cmaHint} reserve at least ${mib(need.minUnmovable - unmovable)} more`);
  } else {
    reasons.push(`the kdump kernel would have ${mib(unmovable)} outside CMA after memblock_free_all(), ${mib(unmovable - need.minUnmovable)} above the ${mib(need.minUnmovable)} ${kdump.profile.name} kernels were seen to need`);
  }
  return { ...base, lives: unmovable >= need.minUnmovable, reasons };
}
