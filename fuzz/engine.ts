// The fuzz loop: mutate a corpus entry, run it with a time budget, record crashes and slow inputs, keep inputs that reach new code.
import type { Rng } from './rng.ts';
import type { Outcome, Target } from './targets.ts';

export interface Finding {
  kind: 'crash' | 'slow';
  input: Uint8Array;
  /** Error name and message, or the time taken. */
  message: string;
  /** What makes two crashes the same bug: the error name, message shape and top frame. */
  signature: string;
  stack?: string;
  ms: number;
}

/** Block coverage of the code under test: how many blocks ran since the last call that no earlier call saw. */
export interface CoverageProbe {
  /** Counts new blocks; commits them to the seen set only when `commit`. Resets the counters. */
  take(commit: boolean): number;
}

export interface FuzzStats {
  runs: number;
  ok: number;
  errors: number;
  crashes: number;
  slow: number;
  /** Inputs kept because they reached new blocks. */
  kept: number;
  ms: number;
  /** The slowest input seen, in ms. */
  maxMs: number;
}

export interface FuzzOptions {
  rng: Rng;
  /** Stop after this many inputs… */
  runs?: number;
  /** …or at this performance.now() time, whichever comes first. */
  deadline?: number;
  /** An input slower than this (ms) is reported as slow (a hang candidate). */
  budgetMs: number;
  onFinding(f: Finding): void;
  coverage?: CoverageProbe;
  /** Inputs between coverage samples (the whole batch is re-run one by one when the batch found something). */
  coverageBatch?: number;
  /** Called before each input runs (the worker copies it where the watchdog can find it). */
  beforeRun?(input: Uint8Array): void;
  /** Called every ~1000 inputs with the running totals. */
  onProgress?(s: FuzzStats): void;
  /** Largest corpus kept in memory. */
  maxCorpus?: number;
}

export function signatureOf(e: unknown): { message: string; signature: string; stack?: string } {
  if (e instanceof Error) {
    const frame = (e.stack ?? '').split('\n').find((l) => /^\s+at /.test(l))?.trim().replace(/:\d+\)?$/, '') ?? '';
    const shape = e.message.replace(/0x[0-9a-f]+|\d+/gi, 'N').slice(0, 120);
    return { message: `${e.name}: ${e.message}`.slice(0, 500), signature: `${e.name}: ${shape} ${frame}`, stack: e.stack };
  }
  return { message: `non-Error thrown: ${String(e)}`.slice(0, 500), signature: `non-Error ${typeof e}` };
}

/** Runs one input under the clock; never throws. */
export function runOne(target: Target, input: Uint8Array): { outcome: Outcome | 'crash'; ms: number; error?: unknown } {
  const t0 = performance.now();
  try {
    const outcome = target.run(input);
    return { outcome, ms: performance.now() - t0 };
  } catch (error) {
    return { outcome: 'crash', ms: performance.now() - t0, error };
  }
}

export function fuzzLoop(target: Target, seeds: readonly Uint8Array[], o: FuzzOptions): FuzzStats {
  const st: FuzzStats = { runs: 0, ok: 0, errors: 0, crashes: 0, slow: 0, kept: 0, ms: 0, maxMs: 0 };
  const corpus: Uint8Array[] = seeds.length ? [...seeds] : [new Uint8Array()];
  const maxCorpus = o.maxCorpus ?? 4096;
  const batchSize = o.coverageBatch ?? 128;
  const t0 = performance.now();
  let batch: Uint8Array[] = [];

  const exec = (input: Uint8Array): void => {
    o.beforeRun?.(input);
    const r = runOne(target, input);
    st.runs++;
    if (r.ms > st.maxMs) st.maxMs = r.ms;
    if (r.outcome === 'ok') st.ok++;
    else if (r.outcome === 'error') st.errors++;
    else {
      st.crashes++;
      o.onFinding({ kind: 'crash', input, ms: r.ms, ...signatureOf(r.error) });
    }
    if (r.ms > o.budgetMs) {
      st.slow++;
      o.onFinding({ kind: 'slow', input, ms: r.ms, message: `${r.ms.toFixed(0)} ms (budget ${o.budgetMs} ms)`, signature: 'slow' });
    }
  };

  let reported = 0;
  // Seeds first, so their coverage is the baseline.
  for (const s of seeds) exec(s);
  o.coverage?.take(true);

  while ((o.runs === undefined || st.runs < o.runs) && (o.deadline === undefined || performance.now() < o.deadline)) {
    const base = corpus[o.rng.int(corpus.length)]!;
    const other = corpus[o.rng.int(corpus.length)];
    let input: Uint8Array;
    try {
      input = target.mutate(o.rng, base, other);
    } catch {
      continue; // a mutator bug must not stop the run
    }
    exec(input);
    if (o.coverage) {
      batch.push(input);
      if (batch.length >= batchSize) {
        if (o.coverage.take(false) > 0) {
          for (const b of batch) {
            exec(b);
            if (o.coverage.take(true) > 0) {
              st.kept++;
              if (corpus.length < maxCorpus) corpus.push(b);
              else corpus[seeds.length + o.rng.int(maxCorpus - seeds.length)] = b;
            }
          }
        }
        batch = [];
      }
    }
    // a coverage batch re-runs its inputs, so the count can step over a multiple of 1024: report on crossing one
    if (o.onProgress && st.runs >> 10 !== reported) {
      reported = st.runs >> 10;
      o.onProgress({ ...st, ms: performance.now() - t0 });
    }
  }
  st.ms = performance.now() - t0;
  return st;
}
