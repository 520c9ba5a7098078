// `npm run bench`: every performance figure of bootmap in one run — the command cold, predictions per
// second in process (and with 1 and 2 worker threads), the scaling curve, DTB parsing against dtc, and the
// QEMU boot bootmap stands in for. Prints markdown tables and writes bench/results.json (medians, min–max).
//   npm run bench [-- --quick] [-- --only cold,throughput,workers,scale,dtb,qemu] [-- --no-qemu]
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { arch, cpus, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { benchCold } from './cold.ts';
import { benchDtbParse, largestDebianDtbs } from './dtb-parse.ts';
import { benchQemu } from './qemu.ts';
import { benchScale } from './scale.ts';
import { fmt, hostLoad, type Summary } from './stats.ts';
import { benchThroughput } from './throughput.ts';
import { benchWorkers } from './workers.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only'));
const only = onlyArg ? (onlyArg.includes('=') ? onlyArg.split('=')[1] : args[args.indexOf(onlyArg) + 1]).split(',') : undefined;
const want = (k: string): boolean => (!only || only.includes(k)) && !(k === 'qemu' && args.includes('--no-qemu'));
const root = fileURLToPath(new URL('../', import.meta.url));
const out = (s = ''): void => void process.stdout.write(s + '\n');
const table = (head: string[], rows: string[][]): void => {
  out(`| ${head.join(' | ')} |`);
  out(`|${head.map(() => '---').join('|')}|`);
  for (const r of rows) out(`| ${r.join(' | ')} |`);
  out();
};

// As bin/bootmap.mjs runs the model (docs/PERFORMANCE.md: V8's allocation-site pretenuring keeps dead
// predictions alive through scavenges); set before anything is compiled.
setFlagsFromString('--no-allocation-site-pretenuring');

const results: Record<string, unknown> = {};
const loadBefore = await hostLoad();
results.host = { node: process.version, cpu: cpus()[0]?.model, cores: loadBefore.cores, os: `${process.platform} ${release()} ${arch()}`, load1Before: loadBefore.load1, date: new Date().toISOString(), quick, v8Flags: ['--no-allocation-site-pretenuring'] };
out(`# bootmap bench — ${process.version}, ${cpus()[0]?.model} × ${loadBefore.cores}, load average ${loadBefore.load1.toFixed(2)}${quick ? ' (quick)' : ''}`);
out('Figures: median (min–max) over repeated runs.\n');

let coldBundle: Summary | undefined;
if (want('cold')) {
  // the bundle the command runs is built from the current sources first
  spawnSync(process.execPath, ['scripts/build.mjs', '--quiet'], { cwd: root, stdio: 'inherit' });
  const rows = benchCold(quick ? 7 : 21);
  results.cold = rows;
  coldBundle = rows.find((r) => r.name.includes('bundle'))?.wallMs;
  out('## Cold command: `bootmap predict --machine qemu-virt --ram 4G --cmdline crashkernel=512M` (target ≤ 100 ms)\n');
  table(['route', 'wall ms', 'CPU ms (user+sys)'], rows.map((r) => [r.name, fmt(r.wallMs), fmt(r.cpuMs, 0)]));
}

let modelPerSecond: Summary | undefined;
if (want('throughput')) {
  const rows = await benchThroughput({ rounds: quick ? 3 : 7, roundMs: quick ? 200 : 400 });
  results.throughput = rows;
  modelPerSecond = rows.find((r) => r.name.startsWith('6.12 DTB bytes'))?.perSecond;
  out('## In process: predictions per second, QEMU virt 4 GiB, 2 CPUs, crashkernel=512M (target ≥ 20 000/s/core)\n');
  table(['scenario', 'predictions/s (sustained, GC included)', 'µs each (mean)', 'µs median prediction'], rows.map((r) => [r.name, fmt(r.perSecond, 0), fmt(r.micros, 0), fmt(r.medianMicros, 0)]));
}

if (want('workers')) {
  const rows = await benchWorkers(quick ? 2 : 3, quick ? 2000 : 6000);
  results.workers = rows;
  out('## bootmap sweep --jobs N: scenarios per second, the whole command (QEMU virt presets, four kernels)\n');
  table(['worker threads', 'scenarios/s'], rows.map((r) => [String(r.workers), fmt(r.perSecond, 0)]));
}

if (want('scale')) {
  const rows = benchScale(quick ? 3 : 7);
  results.scale = rows;
  out('## Scaling: parse + prediction (linear map included) against regions and RAM (target: 16 TiB, 4 096 regions ≤ 20 ms, on 5.10/6.1)\n');
  table(['kernel', 'RAM', 'regions', 'page', 'ms', 'retained KiB', 'memory / reserved regions', 'trace events'], rows.map((r) => r.error
    ? [r.kernel, r.ram, String(r.regions), `${r.pageSize / 1024} KiB`, `model refuses: ${r.error}`, '–', '–', '–']
    : [r.kernel, r.ram, String(r.regions), `${r.pageSize / 1024} KiB`, fmt(r.ms), r.retainedKiB === undefined ? '–' : r.retainedKiB.toFixed(0), `${r.memblockMemory} / ${r.memblockReserved}`, String(r.traceEvents)]));
}

if (want('dtb')) {
  const paths = largestDebianDtbs(10);
  const r = await benchDtbParse(paths, quick ? 3 : 5);
  results.dtbParse = r ?? { skipped: 'no Debian DTBs (bash /work/shared/tools/debian-arm64-kernels.sh --dtbs trixie)' };
  out('## DTB parsing: the 10 largest DTBs Debian trixie ships\n');
  if (!r) out('skipped: no DTBs in ~/.cache/arm64-kernels/trixie/dtbs\n');
  else {
    out(`${r.files.length} files, ${(r.totalBytes / 1024).toFixed(0)} KiB (largest ${r.files[0].name}, ${(r.files[0].bytes / 1024).toFixed(0)} KiB)\n`);
    table(['parser', 'MB/s'], [
      ['bootmap parseFdt (in process)', fmt(r.parseFdtMBps)],
      ...(r.dtcMBps ? [['dtc -I dtb -O dts (a process per file)', fmt(r.dtcMBps)], [`dtc, its process start (${fmt(r.dtcStartMs!)} ms) taken off`, r.dtcMBpsNetOfStart ? fmt(r.dtcMBpsNetOfStart) : '–']] : [['dtc', 'not installed']]),
    ]);
  }
}

if (want('qemu')) {
  const rows = await benchQemu(quick ? 1 : 3, quick ? ['debian-6.12'] : ['debian-5.10', 'debian-6.1', 'debian-6.12', 'debian-7.2']);
  results.qemu = rows;
  out('## QEMU route: boot until the `Memory:` line (-M virt -cpu cortex-a57 -smp 2 -m 4G, TCG)\n');
  if (!rows.length) out('skipped: qemu-system-aarch64 or the Debian kernels are missing\n');
  else {
    table(['kernel', 'ms to Memory:', '× bootmap cold command', '× one in-process prediction'], rows.map((r) => [
      r.kernel, fmt(r.ms, 0),
      coldBundle ? `${(r.ms.median / coldBundle.median).toFixed(0)}×` : '–',
      modelPerSecond ? `${Math.round(r.ms.median / (1000 / modelPerSecond.median)).toLocaleString('en-US')}×` : '–',
    ]));
  }
}

const loadAfter = await hostLoad();
(results.host as Record<string, unknown>).load1After = loadAfter.load1;
out(`load average after: ${loadAfter.load1.toFixed(2)}`);
writeFileSync(new URL('./results.json', import.meta.url), JSON.stringify(results, null, 1) + '\n');
// The same figures as JSON (median, min, max, runs of each), for programs and for comparing runs.
out('```json');
out(JSON.stringify(results));
out('```');
out('wrote bench/results.json');
