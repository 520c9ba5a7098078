// In-process throughput with worker_threads: 1 and 2 workers predicting at once (the DTB-bytes route).
// A first look at how a sweep would scale across cores; the sweep command itself is a later issue.
import { Worker } from 'node:worker_threads';
import { summarize, type Summary } from './stats.ts';

export interface WorkersRow {
  workers: number;
  /** Predictions per second, all workers together. */
  perSecond: Summary;
}

const tsxApi = import.meta.resolve('tsx/esm/api');

function runWorkers(count: number, ms: number): Promise<number> {
  const url = new URL('./worker.ts', import.meta.url);
  return Promise.all(
    Array.from({ length: count }, () => new Promise<{ n: number; ms: number }>((resolve, reject) => {
      // Node 20 does not pass the parent's module hooks on to workers: register tsx first, then load the TS worker
      const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
      const w = new Worker(boot, { eval: true, workerData: { ms, warmupMs: 500 } });
      w.once('message', resolve);
      w.once('error', reject);
    })),
  ).then((rs) => rs.reduce((t, r) => t + (r.n / r.ms) * 1000, 0));
}

export async function benchWorkers(rounds: number, ms: number, counts = [1, 2]): Promise<WorkersRow[]> {
  const rows: WorkersRow[] = [];
  for (const c of counts) {
    const hz: number[] = [];
    for (let i = 0; i < rounds; i++) hz.push(await runWorkers(c, ms));
    rows.push({ workers: c, perSecond: summarize(hz) });
  }
  return rows;
}
