// The one ordered boot trace: every step of the modelled boot appends an event; every output reads only this.
import type { MemblockSnapshot } from '../model/memblock/types.ts';

/** The classes of printed lines, used by the dmesg renderer and the conformance agreement table. */
export type LineKind =
  | 'fdt' | 'efi' | 'mem-limit' | 'numa' | 'node-data' | 'zones' | 'zone-debug' | 'movable' | 'node-ranges' | 'initmem'
  | 'reserved-mem' | 'cma' | 'crashkernel' | 'swiotlb' | 'elfcorehdr' | 'memory' | 'percpu' | 'hash' | 'other';

export type PrintkLevel = 'emerg' | 'alert' | 'crit' | 'err' | 'warn' | 'notice' | 'info' | 'debug';

/** A printk call: the kernel's format string (prefix included) and its arguments; rendered by render/printk-format.ts. */
export interface Printk {
  fmt: string;
  args: readonly (bigint | number | string)[];
  level: PrintkLevel;
  kind: LineKind;
}

export type EventKind =
  | 'add' | 'remove' | 'reserve' | 'free' | 'alloc' | 'alloc-failed' | 'mark-nomap' | 'clear-nomap' | 'cap' | 'set-node'
  | 'limit' | 'decision' | 'message';

export interface BootEvent {
  readonly seq: number;
  readonly kind: EventKind;
  /** The kernel function, as `__func__` would name it. */
  readonly site: string;
  readonly range?: { base: bigint; size: bigint };
  readonly printk?: Printk;
  /** The decision in words, for `explain`. */
  readonly why?: string;
  /** memblock as this event left it (shared with the previous event when unchanged). */
  readonly after: MemblockSnapshot;
}

export interface BootTrace {
  readonly events: readonly BootEvent[];
}
