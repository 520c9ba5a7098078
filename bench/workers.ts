// `bootmap sweep --jobs N` end to end: one child process per run predicting the same JSONL (QEMU virt presets, all
// four kernels, 1–8 GiB) with 1 and with 2 worker threads, scenarios per second of wall time (start-up included).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize, type Summary } from './stats.ts';

export interface WorkersRow {
  workers: number;
  /** Scenarios per second, the whole command. */
  perSecond: Summary;
}

const bin = new URL('../bin/bootmap.mjs', import.meta.url).pathname;

function sweepFile(lines: number): string {
  const kernels = ['debian-5.10', 'debian-6.1', 'debian-6.12', 'debian-7.2'];
  const text = Array.from({ length: lines }, (_, i) => JSON.stringify({ id: i, kernel: kernels[i % 4], machine: { type: 'qemu-virt', ram: `${(i % 8) + 1}G`, smp: 2 }, cmdline: `crashkernel=${64 * ((i % 5) + 1)}M` })).join('\n');
  const f = join(mkdtempSync(join(tmpdir(), 'bootmap-bench-sweep-')), 'sweep.jsonl');
  writeFileSync(f, `${text}\n`);
  return f;
}

export async function benchWorkers(rounds: number, lines: number, counts = [1, 2]): Promise<WorkersRow[]> {
  const file = sweepFile(lines);
  const rows: WorkersRow[] = [];
  for (const c of counts) {
    const hz: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [bin, 'sweep', file, '--jobs', String(c)], { stdio: ['ignore', 'ignore', 'inherit'] });
      if (r.status !== 0) throw new Error(`bootmap sweep --jobs ${c} exited ${r.status}`);
      hz.push(lines / ((performance.now() - t0) / 1000));
    }
    rows.push({ workers: c, perSecond: summarize(hz) });
  }
  return rows;
}
