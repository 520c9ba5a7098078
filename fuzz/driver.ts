// Drives the fuzz workers: one per target, a watchdog over each, crash and hang triage, the report. Node only.
import { Worker } from 'node:worker_threads';
import { saveRegression } from './corpus.ts';
import type { Finding, FuzzStats } from './engine.ts';
import type { TargetName } from './targets.ts';
import { SHARED_HEADER, type WorkerData } from './protocol.ts';

const WORKER = new URL('./worker.mjs', import.meta.url);
const SHARED_BYTES = 4 << 20;

export interface DriverOptions {
  root: string;
  targets: TargetName[];
  seed: number;
  /** Per target: stop after this many inputs or this many ms, whichever first. */
  runs?: number;
  durationMs?: number;
  budgetMs: number;
  /** An input still running after this long is a hang: the worker is killed and the input saved. */
  hardMs: number;
  coverage: boolean;
  save: boolean;
  log(line: string): void;
}

export interface TargetReport {
  target: TargetName;
  seeds: number;
  runs: number;
  ok: number;
  errors: number;
  ms: number;
  maxMs: number;
  crashes: { signature: string; message: string; count: number; saved?: string; stack?: string }[];
  hangs: { ms: number; saved?: string; how: string }[];
  kept: number;
  blocks: number;
  restarts: number;
}

interface Segment {
  stats?: FuzzStats;
  seeds?: number;
  blocks?: number;
  hang?: { input: Uint8Array; ms: number };
  error?: string;
}

/** Runs one worker to its end, or kills it when one input overruns hardMs; findings stream to `onFinding`. */
function runWorker(data: Omit<WorkerData, 'shared'>, hardMs: number, onFinding: (f: Finding) => void, onProgress?: (s: FuzzStats) => void): Promise<Segment & { replay?: { times: number[]; outcomes: string[] } }> {
  const shared = new SharedArrayBuffer(SHARED_HEADER + SHARED_BYTES);
  const head = new Int32Array(shared, 0, 2);
  return new Promise((resolve) => {
    const w = new Worker(WORKER, { workerData: { ...data, shared }, resourceLimits: { maxOldGenerationSizeMb: 2048 } });
    let last = -1;
    let since = performance.now();
    let settled = false;
    const out: Segment & { replay?: { times: number[]; outcomes: string[] } } = {};
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearInterval(dog);
      resolve(out);
    };
    const dog = setInterval(() => {
      const beat = Atomics.load(head, 0);
      if (beat !== last) {
        last = beat;
        since = performance.now();
        return;
      }
      if (beat > 0 && performance.now() - since > hardMs) {
        const n = Math.min(Atomics.load(head, 1), SHARED_BYTES);
        out.hang = { input: new Uint8Array(shared, SHARED_HEADER, n).slice(), ms: performance.now() - since };
        void w.terminate().then(finish);
      }
    }, Math.min(250, hardMs / 4));
    w.on('message', (m: { type: string; finding?: Finding; stats?: FuzzStats; seeds?: number; blocks?: number; times?: number[]; outcomes?: string[] }) => {
      if (m.type === 'finding') onFinding(m.finding!);
      else if (m.type === 'progress') onProgress?.(m.stats!);
      else if (m.type === 'done') Object.assign(out, { stats: m.stats, seeds: m.seeds, blocks: m.blocks });
      else if (m.type === 'replayed') out.replay = { times: m.times!, outcomes: m.outcomes! };
    });
    w.on('error', (e) => {
      // Out of memory or a crash of the worker itself: the input in the shared area is the suspect.
      const n = Math.min(Atomics.load(head, 1), SHARED_BYTES);
      out.error = String(e);
      out.hang = { input: new Uint8Array(shared, SHARED_HEADER, n).slice(), ms: performance.now() - since };
    });
    w.on('exit', finish);
  });
}

/** Re-runs inputs in a fresh worker (best of `repeat`), guarded by the same watchdog. */
export async function replayInWorker(root: string, target: TargetName, inputs: Uint8Array[], repeat: number, hardMs: number): Promise<{ times: number[]; outcomes: string[]; hang?: boolean }> {
  const r = await runWorker({ mode: 'replay', target, root, seed: 0, budgetMs: 0, coverage: false, inputs, repeat }, hardMs, () => {});
  if (r.replay) return r.replay;
  return { times: inputs.map(() => Infinity), outcomes: inputs.map(() => 'hang'), hang: true };
}

export async function fuzzTarget(o: DriverOptions, target: TargetName): Promise<TargetReport> {
  const rep: TargetReport = { target, seeds: 0, runs: 0, ok: 0, errors: 0, ms: 0, maxMs: 0, crashes: [], hangs: [], kept: 0, blocks: 0, restarts: 0 };
  const bySig = new Map<string, TargetReport['crashes'][number]>();
  const slow: Finding[] = [];
  const onFinding = (f: Finding): void => {
    if (f.kind === 'slow') {
      if (slow.length < 50 && f.input.length) slow.push(f);
      return;
    }
    let c = bySig.get(f.signature);
    if (!c) {
      c = { signature: f.signature, message: f.message, count: 0, stack: f.stack };
      bySig.set(f.signature, c);
      rep.crashes.push(c);
      o.log(`  ${target}: CRASH ${f.message}`);
    }
    c.count++;
    if (!c.saved && o.save && f.input.length) c.saved = saveRegression(target, o.root, 'crash', f.input);
  };
  const t0 = performance.now();
  let seed = o.seed;
  let lastLog = t0;
  for (;;) {
    const left = o.durationMs !== undefined ? o.durationMs - (performance.now() - t0) : undefined;
    const runsLeft = o.runs !== undefined ? o.runs - rep.runs : undefined;
    if ((left !== undefined && left <= 0) || (runsLeft !== undefined && runsLeft <= 0)) break;
    const seg = await runWorker({ mode: 'fuzz', target, root: o.root, seed, runs: runsLeft, durationMs: left, budgetMs: o.budgetMs, coverage: o.coverage }, o.hardMs, onFinding, (s) => {
      if (performance.now() - lastLog > 30000) {
        lastLog = performance.now();
        o.log(`  ${target}: ${rep.runs + s.runs} inputs, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      }
    });
    if (seg.stats) {
      rep.runs += seg.stats.runs;
      rep.ok += seg.stats.ok;
      rep.errors += seg.stats.errors;
      rep.kept += seg.stats.kept;
      rep.maxMs = Math.max(rep.maxMs, seg.stats.maxMs);
      rep.seeds = seg.seeds ?? rep.seeds;
      rep.blocks = Math.max(rep.blocks, seg.blocks ?? 0);
    }
    if (seg.hang) {
      const saved = o.save ? saveRegression(target, o.root, 'hang', seg.hang.input) : undefined;
      rep.hangs.push({ ms: seg.hang.ms, saved, how: seg.error ? `worker died: ${seg.error}` : `still running after ${o.hardMs} ms (killed)` });
      o.log(`  ${target}: HANG (${seg.error ?? `> ${o.hardMs} ms`}) ${saved ?? ''}`);
    }
    if (seg.stats) break;
    // The worker was killed mid-run: go on with a new seed for the time or inputs left.
    rep.restarts++;
    seed = (seed * 1103515245 + 12345) >>> 0;
  }
  rep.ms = performance.now() - t0;
  // Slow inputs: confirm in a fresh worker (best of 3), so a GC pause is not called a hang.
  if (slow.length) {
    const r = await replayInWorker(o.root, target, slow.map((f) => f.input), 3, o.hardMs);
    r.times.forEach((ms, i) => {
      if (ms > o.budgetMs) {
        const saved = o.save ? saveRegression(target, o.root, 'slow', slow[i]!.input) : undefined;
        rep.hangs.push({ ms, saved, how: `${ms.toFixed(0)} ms on replay (budget ${o.budgetMs} ms)` });
      }
    });
  }
  return rep;
}
