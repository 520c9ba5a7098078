// How a prediction scales with the machine: time and retained memory against the number of memory regions
// (at 16 TiB) and against RAM (in 1 and in 4 096 regions), with 4 KiB and 64 KiB pages. The model never
// walks pages, so RAM alone should change nothing; regions are what costs. The 4 096-region target is for
// 5.10 and 6.1 (they drop the regions past their static memblock arrays, 128 and 1 024, and boot); 6.12+
// panic ("memblock: cannot resize memory array") from 1 024 regions on, which the model predicts: those
// rows show the refusal.
import { parseFdt } from '../src/inputs/fdt/check.ts';
import { predictBoot } from '../src/kernels/boot.ts';
import { builtinProfile } from '../src/kernels/profiles.ts';
import { GiB, manyRegionsDtb, QEMU_CMDLINE, TiB, withPageSize } from './scenarios.ts';
import { summarize, type Summary } from './stats.ts';

export interface ScaleRow {
  kernel: string;
  ram: string;
  regions: number;
  pageSize: number;
  dtbBytes: number;
  /** parseFdt + predictBoot, per run. */
  ms: Summary;
  /** Heap the prediction keeps alive (its trace and snapshots), after a full GC; absent without --expose-gc. */
  retainedKiB?: number;
  memblockMemory: number;
  memblockReserved: number;
  traceEvents: number;
  /** The model's own verdict when it refuses the machine (a modelled kernel panic), instead of figures. */
  error?: string;
}

const label = (b: bigint): string => (b >= TiB ? `${b / TiB} TiB` : `${b / GiB} GiB`);

export function scaleGrid(): { kernel: string; ram: bigint; regions: number; pageSize: bigint }[] {
  const rows: { kernel: string; ram: bigint; regions: number; pageSize: bigint }[] = [];
  for (const kernel of ['debian-6.1', 'debian-5.10']) {
    for (const regions of [1, 64, 1024, 4096]) rows.push({ kernel, ram: 16n * TiB, regions, pageSize: 4096n });
  }
  for (const ram of [1n * GiB, 64n * GiB, 1n * TiB]) rows.push({ kernel: 'debian-6.1', ram, regions: 1, pageSize: 4096n });
  for (const ram of [1n * GiB, 64n * GiB, 1n * TiB]) rows.push({ kernel: 'debian-6.1', ram, regions: 4096, pageSize: 4096n });
  for (const kernel of ['debian-6.1', 'debian-5.10']) {
    for (const regions of [1, 4096]) rows.push({ kernel, ram: 16n * TiB, regions, pageSize: 65536n });
  }
  for (const regions of [64, 1024]) rows.push({ kernel: 'debian-6.12', ram: 16n * TiB, regions, pageSize: 4096n });
  return rows;
}

export function benchScale(runs: number): ScaleRow[] {
  const gc = (globalThis as { gc?: () => void }).gc;
  const out: ScaleRow[] = [];
  for (const { kernel, ram, regions, pageSize } of scaleGrid()) {
    const dtb = manyRegionsDtb(ram, regions);
    const profile = withPageSize(builtinProfile(kernel)!, pageSize);
    const once = () => {
      const fdt = parseFdt(dtb, 'machine.dtb');
      if (!fdt.ok) throw new Error('scale DTB does not parse');
      return predictBoot({ fdt: fdt.value, dtbAddr: 0x48000000n, imageAddr: 0x40200000n, cmdline: QEMU_CMDLINE }, profile);
    };
    try {
      once(); // warm-up
    } catch (e) {
      out.push({ kernel, ram: label(ram), regions, pageSize: Number(pageSize), dtbBytes: dtb.length, ms: summarize([NaN]), memblockMemory: 0, memblockReserved: 0, traceEvents: 0, error: (e as Error).message });
      continue;
    }
    once(); // and a second: the first runs mostly unoptimised code
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      once();
      times.push(performance.now() - t);
    }
    let retainedKiB: number | undefined;
    let p: ReturnType<typeof once>;
    if (gc) {
      gc();
      const before = process.memoryUsage().heapUsed;
      p = once();
      gc();
      retainedKiB = Math.max(0, process.memoryUsage().heapUsed - before) / 1024;
    } else {
      p = once();
    }
    out.push({
      kernel, ram: label(ram), regions, pageSize: Number(pageSize), dtbBytes: dtb.length, ms: summarize(times), retainedKiB,
      memblockMemory: p.final.memory.length, memblockReserved: p.final.reserved.length, traceEvents: p.trace.events.length,
    });
  }
  return out;
}
