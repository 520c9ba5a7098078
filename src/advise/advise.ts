// `bootmap advise`: a crashkernel= for a machine and kernel, from a component estimate of the dump kernel's needs,
// checked by running the boot model with each candidate (does it reserve, where, below the DMA limit?), beside
// the values distributions would write (src/advise/distro-tables.ts). Pure: no Node imports.
import { predict, type PredictOptions } from '../api/predict.ts';
import { kexecPlan } from '../api/kexec.ts';
import { checkKdump, type Finding } from '../check/lint.ts';
import type { InputError, Result } from '../inputs/errors.ts';
import { parseFdt } from '../inputs/fdt/check.ts';
import { propStrings } from '../inputs/fdt/props.ts';
import type { Fdt, FdtNode } from '../inputs/fdt/tree.ts';
import type { Prediction } from '../kernels/boot.ts';
import { DISTRO_DEFAULTS, type DistroDefault } from './distro-tables.ts';
import { estimateKdumpNeeds, type Estimate } from './estimate.ts';

const MiB = 1n << 20n;

export interface AdviseOptions {
  /** The machine and kernel as for predict; its crashkernel= (if any) is the "current" candidate. */
  predict: PredictOptions;
  initrdBytes: bigint;
  initrdUnpackedBytes: bigint;
  cpus: number;
  assumed: { initrd: boolean; unpacked: boolean };
}

export interface Region {
  base: bigint;
  size: bigint;
}

export interface Outcome {
  cmdline: string;
  ok: boolean;
  main?: Region;
  low?: Region;
  failure?: string;
  /** Every reserved byte lies below the DMA limit (ZONE_DMA): the dump kernel's limited devices reach it. */
  belowDmaLimit: boolean;
  /** `bootmap check` on this prediction: errors and warnings only. */
  findings: Finding[];
}

export interface Candidate extends Outcome {
  /** 'grown': the plain region enlarged until its kdump kernel lives. */
  label: 'current' | 'plain' | 'high+low' | 'grown';
}

export interface DistroRow {
  row: DistroDefault;
  /** What the kernel does with the distribution's value on this machine; undefined when the value is unknown. */
  outcome?: Outcome;
  /** The reserved size is below the component estimate. */
  belowEstimate?: boolean;
}

export interface Advice {
  kernel: string;
  ramBytes: bigint;
  dmaLimit?: bigint;
  smmuInDtb: boolean;
  estimate: Estimate;
  candidates: Candidate[];
  recommended?: Candidate;
  why: string;
  distros: DistroRow[];
}

const withoutCrashkernel = (cmdline: string) => cmdline.split(/\s+/).filter((t) => t && !/^crashkernel=/.test(t)).join(' ');

function outcome(first: Prediction, o: PredictOptions, fdt: Fdt | undefined, crash: string, initrdBytes?: bigint): Result<Outcome, InputError> {
  const cmdline = `${withoutCrashkernel(first.cmdline)} ${crash}`.trim();
  const r = predict({ ...o, cmdline });
  if (!r.ok) return r;
  const p = r.value;
  const c = p.crash;
  const limit = p.dma?.dmaPhysLimit;
  const regions = [c?.main, c?.low].filter((x): x is Region => !!x);
  const belowDmaLimit = !!c?.ok && regions.every((x) => limit === undefined || x.base + x.size <= limit);
  // Does the kdump kernel live in it? (DT boots; its initrd as estimated, Debian's kdump command line.)
  const plan = c?.ok && !o.efi ? kexecPlan({ first: { ...o, cmdline }, initrd: initrdBytes !== undefined ? { size: initrdBytes } : undefined }) : undefined;
  const findings = checkKdump(p, fdt, plan?.ok ? plan.value.verdict : undefined).filter((f) => f.level !== 'info');
  return { ok: true, value: { cmdline: crash, ok: !!c?.ok, main: c?.main, low: c?.low, failure: c ? c.failure : 'nothing reserved: this kernel takes no crash size from that command line for this RAM', belowDmaLimit, findings } };
}

function walk(n: FdtNode, f: (n: FdtNode) => boolean): boolean {
  return f(n) || n.children.some((c) => walk(c, f));
}

/** An SMMU node (arm,smmu-v3, arm,mmu-500, arm,smmu-v1/v2 …): kdump-utils adds 384M on 64K kernels when one is probed. */
export function hasSmmu(fdt: Fdt): boolean {
  return walk(fdt.root, (n) => propStrings(n, 'compatible').some((c) => /^arm,(smmu|mmu-[0-9]+)/.test(c)));
}

export function advise(a: AdviseOptions): Result<Advice, InputError> {
  const firstR = predict(a.predict);
  if (!firstR.ok) return firstR;
  const first = firstR.value;
  const fdtR = a.predict.dtb ? parseFdt(a.predict.dtb.bytes, a.predict.dtb.file) : undefined;
  const fdt = fdtR?.ok ? fdtR.value : undefined;
  const estimate = estimateKdumpNeeds({ first, initrdBytes: a.initrdBytes, initrdUnpackedBytes: a.initrdUnpackedBytes, cpus: a.cpus, assumed: a.assumed });
  const mib = estimate.total / MiB;
  const candidates: Candidate[] = [];
  const current = first.cmdline.split(/\s+/).filter((t) => /^crashkernel=/.test(t)).join(' ');
  const tries: [Candidate['label'], string][] = [['plain', `crashkernel=${mib}M`], ['high+low', `crashkernel=${mib}M,high crashkernel=128M,low`]];
  if (current) tries.unshift(['current', current]);
  for (const [label, crash] of tries) {
    const r = outcome(first, a.predict, fdt, crash, a.initrdBytes);
    if (!r.ok) return r;
    candidates.push({ label, ...r.value });
  }
  const plain = candidates.find((c) => c.label === 'plain')!;
  const split = candidates.find((c) => c.label === 'high+low')!;
  const clean = (c: Candidate) => c.ok && !c.findings.some((f) => f.level === 'error');
  const quiet = (c: Candidate) => clean(c) && !c.findings.length;
  let recommended: Candidate | undefined;
  let why: string;
  if (quiet(plain)) {
    recommended = plain;
    why = `one region of ${mib} MiB fits below the DMA limit and leaves ZONE_DMA enough room: no need to split it`;
  } else if (quiet(split) || (clean(split) && !clean(plain))) {
    recommended = split;
    why = plain.ok ? `one ${mib} MiB region fits but ${plain.findings.map((f) => f.code).join(', ')}: a high region plus a 128 MiB low block is better here` : `one ${mib} MiB region cannot be reserved (${plain.failure}); a high region plus a 128 MiB low block can`;
  } else if (clean(plain)) {
    recommended = plain;
    why = `one ${mib} MiB region is reserved (${plain.findings.map((f) => f.code).join(', ')}); splitting it does not do better on this kernel`;
  } else {
    why = `neither one ${mib} MiB region nor a high region with a low block can be reserved on this machine`;
    // A region that reserves but whose kdump kernel would die: grow it until the kdump kernel lives (never past 4×).
    if (plain.ok && plain.findings.some((f) => f.code === 'KDUMP_DIES')) {
      for (let m = mib + 32n; m <= mib * 4n; m += 32n) {
        const r = outcome(first, a.predict, fdt, `crashkernel=${m}M`, a.initrdBytes);
        if (!r.ok) return r;
        const grown: Candidate = { label: 'grown', ...r.value };
        if (clean(grown)) {
          recommended = grown;
          candidates.push(grown);
          why = `one ${mib} MiB region reserves, but its kdump kernel would not reach init (${plain.findings.find((f) => f.code === 'KDUMP_DIES')!.evidence[0]}); ${m} MiB is the first 32 MiB step where it does`;
          break;
        }
      }
    }
  }
  const distros: DistroRow[] = [];
  for (const row of DISTRO_DEFAULTS) {
    if (row.crashkernel === undefined) {
      distros.push({ row });
      continue;
    }
    const r = outcome(first, a.predict, fdt, `crashkernel=${row.crashkernel}`, a.initrdBytes);
    if (!r.ok) return r;
    distros.push({ row, outcome: r.value, belowEstimate: r.value.ok ? (r.value.main?.size ?? 0n) + (r.value.low?.size ?? 0n) < estimate.total : undefined });
  }
  return {
    ok: true,
    value: {
      kernel: first.profile.name, ramBytes: first.final.memory.reduce((s, r) => s + r.size, 0n), dmaLimit: first.dma?.dmaPhysLimit,
      smmuInDtb: fdt ? hasSmmu(fdt) : false, estimate, candidates, recommended, why, distros,
    },
  };
}
