// One sweep line to one result object: parse, build the options, predict. Shared by the in-process sweep and its
// worker threads, so both print exactly the same thing.
import { predict } from '../api/predict.ts';
import { formatInputError, InputFailure } from '../inputs/errors.ts';
import { parseSweepLine, sweepOptions, sweepResult } from '../sweep/scenario.ts';
import { readInput } from './io.ts';

export function sweepLine(text: string, n: number): Record<string, unknown> {
  const l = parseSweepLine(text, n);
  if (!l.ok) return { id: l.id, ok: false, error: l.error };
  try {
    const o = sweepOptions(l.value, (p) => readInput(p, 'devicetree blob'));
    if (typeof o === 'string') return { id: l.value.id, ok: false, error: `line ${n}: ${o}` };
    const p = predict(o);
    return p.ok ? (sweepResult(l.value.id, p.value) as Record<string, unknown>) : { id: l.value.id, ok: false, error: `line ${n}: ${formatInputError(p.error)}` };
  } catch (e) {
    if (!(e instanceof InputFailure)) throw e;
    return { id: l.value.id, ok: false, error: `line ${n}: ${formatInputError(e.error)}` };
  }
}
