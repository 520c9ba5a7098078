// The command end to end, process start included: `bootmap predict --machine qemu-virt --ram 4G
// --cmdline crashkernel=512M`, through the bundle (dist/bootmap.mjs) and through tsx, beside a bare
// `node -e 0` (the floor no JavaScript CLI can go under on this host).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { summarize, type Summary } from './stats.ts';

export interface ColdRow {
  name: string;
  wallMs: Summary;
  /** user + system CPU time of the child (less sensitive to a loaded host than wall time). */
  cpuMs: Summary;
}

const root = fileURLToPath(new URL('../', import.meta.url));
export const COLD_ARGS = ['predict', '--machine', 'qemu-virt', '--ram', '4G', '--cmdline', 'crashkernel=512M'];

export function benchCold(runs: number): ColdRow[] {
  const variants: [string, string[], NodeJS.ProcessEnv][] = [
    ['node -e 0 (floor)', ['-e', '0'], process.env],
    ['bootmap predict (bundle)', ['bin/bootmap.mjs', ...COLD_ARGS], process.env],
    ['bootmap predict (tsx, no bundle)', ['bin/bootmap.mjs', ...COLD_ARGS], { ...process.env, BOOTMAP_NO_BUNDLE: '1' }],
  ];
  if (!existsSync(`${root}dist/bootmap.mjs`)) variants.splice(1, 1);
  const wall = variants.map(() => [] as number[]);
  const cpu = variants.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    variants.forEach(([, args, env], j) => {
      const m = timeChild(args, env);
      wall[j].push(m.wall);
      cpu[j].push(m.cpu);
    });
  }
  return variants.map(([name], j) => ({ name, wallMs: summarize(wall[j]), cpuMs: summarize(cpu[j]) }));
}

/** Wall time from spawn to exit, and the child's user + system CPU time as `time` reports it. */
function timeChild(args: string[], env: NodeJS.ProcessEnv): { wall: number; cpu: number } {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME_CPU=%U %S', process.execPath, ...args], { cwd: root, env, encoding: 'utf8' });
  const wall = performance.now() - t;
  if (r.error || (r.status !== 0 && r.status !== 1)) return fallback(args, env);
  const m = /TIME_CPU=([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { wall, cpu: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN };
}

function fallback(args: string[], env: NodeJS.ProcessEnv): { wall: number; cpu: number } {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, env });
  if (r.status !== 0 && r.status !== 1) throw new Error(`node ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return { wall: performance.now() - t, cpu: NaN };
}
