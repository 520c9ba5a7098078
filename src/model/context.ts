// What every model step receives: the memblock state, the trace it appends to, and the generation's messages.
import type { Messages, MessageKey } from '../kernels/messages.ts';
import type { TraceRecorder } from '../trace/recorder.ts';
import type { BootEvent, EventKind } from '../trace/events.ts';
import type { Memblock } from './memblock/types.ts';

export interface ModelContext {
  readonly mb: Memblock;
  readonly trace: TraceRecorder;
  readonly msg: Messages;
}

type Arg = bigint | number | string;

/** Records a printk if this generation prints that message; returns whether it did. */
export function emit(ctx: ModelContext, site: string, key: MessageKey, args: readonly Arg[], why?: string): boolean {
  const f = ctx.msg.get(key);
  if (!f) return false;
  ctx.trace.print(site, { fmt: f.fmt, args, level: f.level, kind: f.kind }, why);
  return true;
}

/** Records a memblock change (or decision) with the range it touched. */
export function note(ctx: ModelContext, kind: EventKind, site: string, range: { base: bigint; size: bigint } | undefined, why?: string): BootEvent {
  return ctx.trace.record(kind, site, { range, why });
}

export const hex = (v: bigint): string => '0x' + v.toString(16);
export const mib = (v: bigint): string => {
  if (v % (1n << 20n) === 0n) return `${v >> 20n} MiB`;
  if (v % 1024n === 0n) return `${v >> 10n} KiB`;
  return `${v} bytes`;
};

/** The modelled kernel would panic here (e.g. memblock cannot satisfy an allocation it cannot do without). */
export class ModelPanic extends Error {
  constructor(readonly site: string, message: string) {
    super(message);
  }
}
