// A short readable summary of a prediction for people.
import type { Prediction } from '../kernels/boot.ts';

const hex = (v: bigint) => '0x' + v.toString(16).padStart(9, '0');
const size = (v: bigint) => (v >= 1n << 30n && v % (1n << 30n) === 0n ? `${v >> 30n} GiB` : v >= 1n << 20n ? `${Number(v) / 2 ** 20} MiB` : `${v >> 10n} KiB`);

export function renderText(p: Prediction): string {
  const out: string[] = [];
  out.push(`kernel ${p.profile.name} (${p.profile.generation} behaviour${p.profile.approximate ? ', approximated from the nearest modelled generation' : ''})`);
  out.push(`command line: ${p.cmdline || '(empty)'}`);
  const mem = p.final.memory;
  const total = mem.reduce((a, r) => a + r.size, 0n);
  out.push(`memory: ${size(total)} in ${mem.length} region(s): ${mem.map((r) => `[${hex(r.base)}-${hex(r.base + r.size)})`).join(' ')}`);
  if (p.dma) out.push(`ZONE_DMA limit: ${hex(p.dma.dmaPhysLimit)} (${p.dma.why})`);
  if (p.cma) out.push(p.cma.ok ? `CMA: ${size(p.cma.size)} at ${hex(p.cma.base!)}` : `CMA: ${size(p.cma.size)} could not be reserved`);
  if (!p.crash) out.push('crashkernel: not requested (or the command line asks for nothing this kernel reserves)');
  else if (p.crash.ok) {
    out.push(`crashkernel: ${size(p.crash.main!.size)} at [${hex(p.crash.main!.base)}-${hex(p.crash.main!.base + p.crash.main!.size)})`);
    if (p.crash.low) out.push(`crashkernel low: ${size(p.crash.low.size)} at [${hex(p.crash.low.base)}-${hex(p.crash.low.base + p.crash.low.size)})`);
  } else out.push(`crashkernel: FAILS — ${p.crash.failure}`);
  if (p.swiotlb) out.push(p.swiotlb.base !== undefined ? `swiotlb: ${size(p.swiotlb.size)} at ${hex(p.swiotlb.base)}` : `swiotlb: none (${p.swiotlb.why})`);
  return out.join('\n') + '\n';
}
