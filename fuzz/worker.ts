// The fuzz worker: runs one target (fuzz or replay mode) and reports to the driver; before each input it copies the input where the watchdog can read it.
import { parentPort, workerData } from 'node:worker_threads';
import { loadSeeds } from './corpus.ts';
import { startCoverage } from './coverage.ts';
import { fuzzLoop, runOne, signatureOf } from './engine.ts';
import { Rng } from './rng.ts';
import { SHARED_HEADER, type WorkerData } from './protocol.ts';
import { TARGETS } from './targets.ts';


const d = workerData as WorkerData;
const port = parentPort!;
const head = new Int32Array(d.shared, 0, 2);
const area = new Uint8Array(d.shared, SHARED_HEADER);
const beforeRun = (input: Uint8Array): void => {
  const n = Math.min(input.length, area.length);
  area.set(input.subarray(0, n));
  Atomics.store(head, 1, input.length);
  Atomics.add(head, 0, 1);
};

const target = TARGETS[d.target];
if (d.mode === 'replay') {
  const times: number[] = [];
  const outcomes: string[] = [];
  for (const input of d.inputs ?? []) {
    let best = Infinity;
    let outcome = '';
    for (let k = 0; k < (d.repeat ?? 1); k++) {
      beforeRun(input);
      const r = runOne(target, input);
      best = Math.min(best, r.ms);
      outcome = r.outcome === 'crash' ? `crash ${signatureOf(r.error).message}` : r.outcome;
    }
    times.push(best);
    outcomes.push(outcome);
  }
  port.postMessage({ type: 'replayed', times, outcomes });
} else {
  const seeds = loadSeeds(d.target, d.root);
  const perSignature = new Map<string, number>();
  const cov = d.coverage ? startCoverage() : undefined;
  const stats = fuzzLoop(target, seeds, {
    rng: new Rng(d.seed),
    runs: d.runs,
    deadline: d.durationMs !== undefined ? performance.now() + d.durationMs : undefined,
    budgetMs: d.budgetMs,
    coverage: cov,
    beforeRun,
    onFinding: (f) => {
      // The first few of each signature carry their input; later ones only count.
      const n = (perSignature.get(f.signature) ?? 0) + 1;
      perSignature.set(f.signature, n);
      port.postMessage({ type: 'finding', finding: n <= 3 ? f : { ...f, input: new Uint8Array(), stack: undefined } });
    },
    onProgress: (s) => port.postMessage({ type: 'progress', stats: s }),
  });
  port.postMessage({ type: 'done', stats, seeds: seeds.length, blocks: cov?.blocks() ?? 0 });
  cov?.stop();
}
