// The chain of decisions behind each placement, in plain words with the numbers, read from the boot trace.
import { unknownWordsFinding } from '../check/unknown-words.ts';
import type { Prediction } from '../kernels/boot.ts';

const hex = (v: bigint) => '0x' + v.toString(16);
const human = (v: bigint) => (v >= 1n << 30n && v % (1n << 30n) === 0n ? `${v >> 30n} GiB` : v >= 1n << 20n ? `${Number(v) / 2 ** 20} MiB` : `${v} bytes`);

/** Explanation lines; `fixes` are alternative command lines the caller found to work, if any. */
export function explainPrediction(p: Prediction, fixes: { cmdline: string; result: string }[] = []): string[] {
  const out: string[] = [];
  out.push(`${p.profile.name} (${p.profile.generation} behaviour), command line: ${p.cmdline || '(empty)'}`);
  const mem = p.final.memory;
  out.push(`Memory: ${mem.length} region(s) from ${hex(mem[0]?.base ?? 0n)} to ${hex(mem.length ? mem[mem.length - 1].base + mem[mem.length - 1].size : 0n)}, ${human(mem.reduce((a, r) => a + r.size, 0n))} in all.`);
  if (p.dma) out.push(`ZONE_DMA ends at ${hex(p.dma.dmaPhysLimit)}: ${p.dma.why}.`);
  const pick = (re: RegExp) => p.trace.events.filter((e) => re.test(e.site) && e.why && !e.printk);
  for (const e of pick(/^cma_declare|^dma_contiguous/)) out.push(`CMA: ${e.why}${e.range ? ` → ${hex(e.range.base)}` : ''}.`);
  if (p.cma && !p.cma.ok) out.push(`CMA: the ${human(p.cma.size)} area could not be reserved below ${p.dma ? hex(p.dma.dmaPhysLimit) : 'its limit'}.`);
  const crash = pick(/crashkernel/);
  if (!p.crash) out.push('crashkernel: nothing is reserved (no crashkernel= this kernel accepts, or a size of 0; see the crashkernel lines it printed).');
  else {
    for (const e of crash) out.push(`crashkernel: ${e.why}${e.range ? ` → [${hex(e.range.base)}, ${hex(e.range.base + e.range.size)})` : ''}.`);
    if (p.crash.ok && p.dma && p.crash.main && p.crash.main.base + p.crash.main.size > p.dma.dmaPhysLimit) {
      out.push(`crashkernel: the region lies above ZONE_DMA (${hex(p.dma.dmaPhysLimit)}): devices limited to DMA need ${p.crash.low ? 'the low block' : 'a low block (crashkernel=…,low)'} in the kdump kernel.`);
    }
    if (!p.crash.ok) {
      out.push(`crashkernel FAILS: ${p.crash.failure}.`);
      if (fixes.length) for (const f of fixes) out.push(`  would work: ${f.cmdline}  → ${f.result}`);
      else out.push('  no simple change of the crashkernel= value was found to work on this machine.');
    }
  }
  for (const e of pick(/^swiotlb/)) out.push(`swiotlb: ${e.why}${e.range ? ` → ${hex(e.range.base)}` : ''}.`);
  const unknown = unknownWordsFinding(p);
  if (unknown) out.push(`command line: ${unknown.message} (${unknown.evidence.join('; ')}).`);
  return out;
}

export function renderExplain(p: Prediction, fixes: { cmdline: string; result: string }[] = []): string {
  return explainPrediction(p, fixes).join('\n') + '\n';
}
