// One throughput scenario in a loop, for profilers and instruction counts (the figures of `npm run bench`
// are wall time, which a shared machine makes noisy):
//   node --import tsx bench/profile-loop.ts ['6.12 cached parse (model only)'] [n]            µs per prediction
//   node --cpu-prof --import tsx bench/profile-loop.ts …                                    a CPU profile
//   WARM=1500 valgrind --tool=callgrind --callgrind-out-file=/dev/null --collect-atstart=no \
//     --toggle-collect=Builtins_ArrayPrototypeFindLast node --single-threaded --import tsx \
//     bench/profile-loop.ts '6.12 cached parse (model only)' 300                          instructions of 300 calls
// The measured calls run inside Array.prototype.findLast, a builtin with a symbol that bootmap never calls, so
// callgrind counts them alone (after WARM warm-up calls; --single-threaded keeps GC and compilation in the
// counted thread). Repeated counts agree to 0.1 %. Scenario names: bench/throughput.ts.
import { setFlagsFromString } from 'node:v8';
import { throughputTasks } from './throughput.ts';

setFlagsFromString('--no-allocation-site-pretenuring'); // as bin/bootmap.mjs and bench/run.ts
const which = process.argv[2] ?? '6.12 cached parse (model only)';
const n = Number(process.argv[3] ?? 3000);
const task = throughputTasks().find(([name]) => name === which);
if (!task) throw new Error(`no scenario ${which}: ${throughputTasks().map(([name]) => name).join(', ')}`);
const fn = task[1];
for (let i = 0; i < Number(process.env.WARM ?? 300); i++) fn();
const c0 = process.cpuUsage();
const t0 = performance.now();
(([0] as unknown) as { findLast(f: () => boolean): void }).findLast(() => {
  for (let i = 0; i < n; i++) fn();
  return true;
});
const dt = performance.now() - t0;
const c = process.cpuUsage(c0);
console.log(`${which}: ${((dt * 1000) / n).toFixed(1)} µs wall, ${((c.user + c.system) / n).toFixed(1)} µs CPU per prediction`);
