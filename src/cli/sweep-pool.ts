// Spreads sweep lines over worker threads and hands the results back in input order. Lines go out in batches
// (a message per line would cost more than a prediction); a worker loads the same code the CLI runs: the
// bundle when the CLI runs from it, the TypeScript through tsx otherwise.
import type { Worker } from 'node:worker_threads';
import { sweepLine } from './sweep-line.ts';

export interface SweepPool {
  /** Queues one line; `emit` is called for results strictly in the order lines were pushed. */
  push(text: string, n: number): Promise<void>;
  /** Waits for every queued line and stops the workers. */
  close(): Promise<void>;
}

const BATCH = 64;

/** The worker side: answers {seq, lines} with {seq, results}. Exported so the bundle carries it. */
export async function sweepWorkerMain(): Promise<void> {
  const { parentPort } = await import('node:worker_threads');
  parentPort!.on('message', (m: { seq: number; lines: [string, number][] }) => {
    parentPort!.postMessage({ seq: m.seq, results: m.lines.map(([text, n]) => JSON.stringify(sweepLine(text, n))) });
  });
}

function workerSource(): string {
  const self = import.meta.url;
  if (self.endsWith('.ts')) {
    const tsx = import.meta.resolve('tsx/esm/api');
    // Node 20 does not hand module hooks to workers: register tsx, then load this file.
    return `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(self)}); }).then((m) => m.sweepWorkerMain())`;
  }
  // In the bundle this code sits in a chunk whose export names esbuild may change: load the entry, which
  // re-exports sweepWorkerMain under its own name (src/cli/main.ts), from the same dist/ folder.
  return `import(${JSON.stringify(new URL('./bootmap.mjs', self).href)}).then((m) => m.sweepWorkerMain())`;
}

export async function createSweepPool(jobs: number, emit: (json: string) => void): Promise<SweepPool> {
  // node:worker_threads only when a pool is made (the bundle is what every command starts with)
  const { Worker: WorkerThread } = await import('node:worker_threads');
  // A larger young generation: predictions allocate many short-lived bigints, and scavenges dominate otherwise.
  const workers: Worker[] = Array.from({ length: jobs }, () => new WorkerThread(workerSource(), { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 64 } }));
  const done = new Map<number, string[]>();
  const waiting: ((() => void) | undefined)[] = [];
  let nextSeq = 0, nextEmit = 0, inFlight = 0, rr = 0;
  let batch: [string, number][] = [];
  let failure: Error | undefined;
  let drained: (() => void) | undefined;
  const flushDone = (): void => {
    while (done.has(nextEmit)) {
      for (const r of done.get(nextEmit)!) emit(r);
      done.delete(nextEmit++);
    }
    if (inFlight === 0 && drained) drained();
  };
  for (const w of workers) {
    w.on('message', (m: { seq: number; results: string[] }) => {
      inFlight--;
      done.set(m.seq, m.results);
      waiting.shift()?.();
      flushDone();
    });
    w.on('error', (e) => {
      failure = e;
      waiting.splice(0).forEach((f) => f?.());
      drained?.();
    });
  }
  const send = async (): Promise<void> => {
    if (!batch.length) return;
    // At most two batches per worker in flight: memory stays flat however long the input is.
    while (inFlight >= jobs * 2 && !failure) await new Promise<void>((r) => waiting.push(r));
    if (failure) throw failure;
    inFlight++;
    workers[rr++ % jobs].postMessage({ seq: nextSeq++, lines: batch });
    batch = [];
  };
  return {
    async push(text, n) {
      batch.push([text, n]);
      if (batch.length >= BATCH) await send();
    },
    async close() {
      await send();
      if (inFlight > 0) await new Promise<void>((r) => (drained = r));
      await Promise.all(workers.map((w) => w.terminate()));
      if (failure) throw failure;
    },
  };
}
