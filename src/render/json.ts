// The stable JSON schema of a prediction (documented in docs/JSON.md). Addresses are hex strings.
import type { Prediction } from '../kernels/boot.ts';
import type { MemblockRegion } from '../model/memblock/types.ts';
import { dmesgLines } from './dmesg.ts';

const hex = (v: bigint) => '0x' + v.toString(16);
const region = (r: MemblockRegion) => ({ base: hex(r.base), size: hex(r.size), end: hex(r.base + r.size), flags: r.flags, nid: r.nid });
const range = (r?: { base: bigint; size: bigint }) => (r ? { base: hex(r.base), size: hex(r.size), end: hex(r.base + r.size) } : null);

export function predictionJson(p: Prediction): object {
  return {
    schema: 'bootmap.prediction/1',
    kernel: { profile: p.profile.name, generation: p.profile.generation, version: `${p.profile.version.major}.${p.profile.version.minor}.${p.profile.version.patch}`, approximate: p.profile.approximate },
    cmdline: p.cmdline,
    initWords: p.initWords ? { arguments: p.initWords.argv, environment: p.initWords.envp } : null,
    dma: p.dma ? { dmaPhysLimit: hex(p.dma.dmaPhysLimit), dma32PhysLimit: hex(p.dma.dma32PhysLimit), why: p.dma.why } : null,
    zones: (p.zones ?? []).map((z) => ({ name: z.name, start: hex(z.startPfn * p.profile.config.pageSize), end: hex(z.endPfn * p.profile.config.pageSize), empty: z.startPfn === z.endPfn })),
    cma: p.cma ? { ok: p.cma.ok, size: hex(p.cma.size), base: p.cma.base !== undefined ? hex(p.cma.base) : null } : null,
    crashkernel: p.crash ? { ok: p.crash.ok, main: range(p.crash.main), low: range(p.crash.low), failure: p.crash.failure ?? null } : null,
    swiotlb: p.swiotlb ? { base: p.swiotlb.base !== undefined ? hex(p.swiotlb.base) : null, size: hex(p.swiotlb.size), why: p.swiotlb.why } : null,
    memblock: { memory: p.final.memory.map(region), reserved: p.final.reserved.map(region) },
    dmesg: dmesgLines(p.trace).map((l) => l.text),
    trace: p.trace.events.map((e) => ({ seq: e.seq, kind: e.kind, site: e.site, range: range(e.range), why: e.why ?? null, line: e.printk ? dmesgLines({ events: [e] })[0].text : null })),
  };
}

export function renderJson(p: Prediction): string {
  return JSON.stringify(predictionJson(p), null, 2) + '\n';
}
