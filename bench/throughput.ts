// In-process predictions per second on QEMU virt (4 GiB, 2 CPUs, crashkernel=512M): by route (DTB built
// from the machine preset, DTB bytes given, DTB parsed once and cached) and by kernel generation.
import { Bench } from 'tinybench';
import { predict } from '../src/api/predict.ts';
import { parseFdt } from '../src/inputs/fdt/check.ts';
import { predictBoot } from '../src/kernels/boot.ts';
import { builtinProfile, PROFILE_NAMES } from '../src/kernels/profiles.ts';
import { renderDmesg } from '../src/render/dmesg.ts';
import { GiB, QEMU_CMDLINE, qemuVirt4G } from './scenarios.ts';
import { summarize, type Summary } from './stats.ts';

export interface ThroughputRow {
  name: string;
  /**
   * Predictions per second, sustained: per round, 1 / the mean latency, garbage collection included (tinybench's
   * own `throughput.mean` averages 1/latency over samples, which leaves out the samples a GC pause lands in).
   */
  perSecond: Summary;
  /** Microseconds per prediction, the same mean. */
  micros: Summary;
  /** Microseconds of the median prediction (no GC pause in it). */
  medianMicros: Summary;
}

/** The QEMU-virt scenario's placement (qemuVirtPlacement for 4 GiB). */
const DTB_ADDR = 0x48000000n;
const IMAGE_ADDR = 0x40200000n;

export function throughputTasks(kernels: readonly string[] = PROFILE_NAMES): [string, () => unknown][] {
  const dtb = qemuVirt4G();
  const parsed = parseFdt(dtb, 'qemu-virt.dtb');
  if (!parsed.ok) throw new Error('qemu-virt DTB does not parse');
  const fdt = parsed.value;
  const tasks: [string, () => unknown][] = [];
  const must = <T>(r: { ok: true; value: T } | { ok: false }): T => {
    if (!r.ok) throw new Error('prediction failed');
    return r.value;
  };
  tasks.push(['6.12 machine preset (DTB built once per preset, parsed)', () => must(predict({ machine: { type: 'qemu-virt', ramBytes: 4n * GiB, smp: 2 }, kernel: 'debian-6.12', cmdline: QEMU_CMDLINE }))]);
  for (const k of kernels) {
    tasks.push([`${k.replace('debian-', '')} DTB bytes (parse included)`, () => must(predict({ dtb: { bytes: dtb, file: 'qemu-virt.dtb' }, kernel: k, cmdline: QEMU_CMDLINE }))]);
  }
  for (const k of kernels) {
    const profile = builtinProfile(k)!;
    tasks.push([`${k.replace('debian-', '')} cached parse (model only)`, () => predictBoot({ fdt, dtbAddr: DTB_ADDR, imageAddr: IMAGE_ADDR, cmdline: QEMU_CMDLINE }, profile)]);
  }
  tasks.push(['6.12 DTB bytes + dmesg render', () => renderDmesg(must(predict({ dtb: { bytes: dtb, file: 'qemu-virt.dtb' }, kernel: 'debian-6.12', cmdline: QEMU_CMDLINE })).trace)]);
  tasks.push(['parseFdt alone (1 MiB QEMU blob)', () => parseFdt(dtb, 'qemu-virt.dtb')]);
  return tasks;
}

export async function benchThroughput(opts: { rounds: number; roundMs: number }): Promise<ThroughputRow[]> {
  const tasks = throughputTasks();
  const perRound = new Map<string, { hz: number[]; us: number[]; p50: number[] }>(tasks.map(([n]) => [n, { hz: [], us: [], p50: [] }]));
  for (let round = 0; round < opts.rounds; round++) {
    const bench = new Bench({ time: opts.roundMs, warmup: round === 0, warmupTime: 200 });
    for (const [name, fn] of tasks) bench.add(name, fn);
    await bench.run();
    for (const t of bench.tasks) {
      const r = t.result;
      if (r.state !== 'completed') throw new Error(`${t.name}: ${r.state}`);
      perRound.get(t.name)!.hz.push(1000 / r.latency.mean);
      perRound.get(t.name)!.us.push(r.latency.mean * 1000);
      perRound.get(t.name)!.p50.push(r.latency.p50 * 1000);
    }
  }
  return tasks.map(([name]) => ({ name, perSecond: summarize(perRound.get(name)!.hz), micros: summarize(perRound.get(name)!.us), medianMicros: summarize(perRound.get(name)!.p50) }));
}
