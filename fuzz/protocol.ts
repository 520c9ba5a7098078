// What the driver hands a fuzz worker, and the layout of the memory they share.
import type { TargetName } from './targets.ts';

export interface WorkerData {
  mode: 'fuzz' | 'replay';
  target: TargetName;
  root: string;
  seed: number;
  runs?: number;
  /** Milliseconds to fuzz for. */
  durationMs?: number;
  budgetMs: number;
  coverage: boolean;
  /** [heartbeat, input length] as Int32, then the input bytes. */
  shared: SharedArrayBuffer;
  /** replay mode: the inputs, each run `repeat` times. */
  inputs?: Uint8Array[];
  repeat?: number;
}

/** Bytes before the input copy: Int32 heartbeat, Int32 input length. */
export const SHARED_HEADER = 8;
