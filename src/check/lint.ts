// "Will kdump work here?": findings with their evidence, computed from one prediction (no Node imports).
import { getProp, propString } from '../inputs/fdt/props.ts';
import type { Fdt } from '../inputs/fdt/tree.ts';
import type { KdumpVerdict } from '../model/kexec/kdump-verdict.ts';
import type { Prediction } from '../kernels/boot.ts';
import { unknownWordsFinding } from './unknown-words.ts';

export interface Finding {
  level: 'error' | 'warn' | 'info';
  code: string;
  message: string;
  evidence: string[];
}

const hex = (v: bigint) => '0x' + v.toString(16);
const mib = (v: bigint) => `${Number(v) / 2 ** 20} MiB`;
const overlap = (a0: bigint, a1: bigint, b0: bigint, b1: bigint) => { const lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1; return hi > lo ? hi - lo : 0n; };

/** The kdump kernel's own fate (src/model/kexec/kdump-verdict.ts) as a finding. */
export function kdumpFinding(v: KdumpVerdict): Finding {
  if (v.lives === false) return { level: 'error', code: 'KDUMP_DIES', message: 'the kdump kernel would not reach its userspace in the crash region', evidence: v.reasons };
  if (v.lives === true) return { level: 'info', code: 'KDUMP_LIVES', message: 'the kdump kernel reaches its userspace in the crash region', evidence: v.reasons };
  return { level: 'info', code: 'KDUMP_UNKNOWN', message: 'whether the kdump kernel lives is not known for this kernel', evidence: v.reasons };
}

export function checkKdump(p: Prediction, fdt?: Fdt, kdump?: KdumpVerdict): Finding[] {
  const out: Finding[] = [];
  if (kdump && p.crash?.ok) out.push(kdumpFinding(kdump));
  if (!p.profile.config.crashDump) out.push({ level: 'error', code: 'NO_CRASH_DUMP', message: 'the kernel config has no crash-dump support', evidence: ['CONFIG_CRASH_DUMP is not set'] });
  const c = p.crash;
  if (!c) out.push({ level: 'error', code: 'NO_CRASHKERNEL', message: 'no crash region is reserved: kdump cannot load a kernel', evidence: [`command line: ${p.cmdline || '(empty)'}`] });
  else if (!c.ok) {
    const fixed = /crashkernel=[^ ]*@(?!0( |$))/.test(p.cmdline);
    out.push({ level: 'error', code: fixed ? 'OFFSET_IN_USE' : 'CRASHKERNEL_FAILS', message: fixed ? 'the crashkernel=…@offset range is not free memory' : 'the crash region cannot be reserved', evidence: [c.failure ?? 'see the crashkernel lines'] });
  }
  const dma = p.dma?.dmaPhysLimit;
  if (dma !== undefined) {
    const mem = p.final.memory;
    const start = mem.length ? mem[0].base : 0n;
    const zoneSize = mem.reduce((a, r) => a + overlap(r.base, r.base + r.size, 0n, dma), 0n);
    const takes: string[] = [];
    let taken = 0n;
    const add = (what: string, base: bigint | undefined, size: bigint) => {
      if (base === undefined) return;
      const o = overlap(base, base + size, 0n, dma);
      if (o) { taken += o; takes.push(`${what}: ${mib(o)} at ${hex(base)}`); }
    };
    add('CMA', p.cma?.ok ? p.cma.base : undefined, p.cma?.size ?? 0n);
    add('swiotlb', p.swiotlb?.base, p.swiotlb?.size ?? 0n);
    if (c?.ok) { add('crash kernel', c.main!.base, c.main!.size); if (c.low) add('crash kernel (low)', c.low.base, c.low.size); }
    const left = zoneSize - taken;
    out.push({ level: zoneSize === 0n ? 'error' : left < 64n << 20n ? 'warn' : 'info', code: 'DMA_BUDGET', message: zoneSize === 0n ? `ZONE_DMA is empty: nothing lies below ${hex(dma)}` : `ZONE_DMA (below ${hex(dma)}) has ${mib(zoneSize)}; ${mib(taken)} of it go to the reservations below, ${mib(left)} are left`, evidence: [p.dma!.why, ...takes] });
    if (c?.ok && c.main!.base + c.main!.size > dma && !c.low) {
      out.push({ level: 'warn', code: 'CRASH_ABOVE_DMA', message: `the crash region ends above ZONE_DMA (${hex(dma)}) and has no low block: the kdump kernel's DMA-limited devices and its swiotlb get no reachable memory`, evidence: [`crash kernel [${hex(c.main!.base)}, ${hex(c.main!.base + c.main!.size)})`, 'add crashkernel=…,low (or use a kernel that reserves a default low block)'] });
    }
    if (start >= dma) out.push({ level: 'warn', code: 'DMA_BELOW_RAM', message: `the DMA limit ${hex(dma)} lies at or below the start of RAM ${hex(start)}`, evidence: [p.dma!.why] });
  }
  if (c?.ok && p.cma?.ok && p.cma.base !== undefined && overlap(c.main!.base, c.main!.base + c.main!.size, p.cma.base, p.cma.base + p.cma.size)) {
    out.push({ level: 'error', code: 'CRASH_IN_CMA', message: 'the crash region overlaps the CMA area', evidence: [] });
  }
  if (fdt) {
    const cpus = fdt.root.children.find((n) => n.name === 'cpus');
    const spin = (cpus?.children ?? []).filter((n) => propString(n, 'enable-method') === 'spin-table' || (getProp(n, 'enable-method') === undefined && n.name.startsWith('cpu@') && propString(cpus!, 'enable-method') === 'spin-table'));
    if (spin.length) out.push({ level: 'warn', code: 'SPIN_TABLE', message: `${spin.length} CPU(s) come up by spin-table: the crashed kernel cannot take them offline, kdump is unreliable`, evidence: spin.map((n) => `${n.path}: enable-method = "spin-table"`) });
  }
  const unknown = unknownWordsFinding(p);
  if (unknown) out.push(unknown);
  return out;
}

export function renderFindings(f: readonly Finding[]): string {
  return f.map((x) => `${x.level.toUpperCase().padEnd(5)} ${x.code}: ${x.message}${x.evidence.map((e) => `\n        ${e}`).join('')}`).join('\n') + '\n';
}
