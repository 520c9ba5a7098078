// Appends events to the boot trace with the memblock state they leave.
import { snapshot, type MemblockSnapshot } from '../model/memblock/types.ts';
import type { BootEvent, BootTrace, EventKind, Printk } from './events.ts';

export class TraceRecorder implements BootTrace {
  readonly events: BootEvent[] = [];
  constructor(private readonly state: () => MemblockSnapshot) {}

  record(kind: EventKind, site: string, extra: { range?: { base: bigint; size: bigint }; printk?: Printk; why?: string } = {}): BootEvent {
    // O(1): the same object while memblock is unchanged, its arrays materialised only when read
    const after = snapshot(this.state());
    // one object shape for every event (a spread of differently shaped `extra`s goes megamorphic)
    const ev: { -readonly [K in keyof BootEvent]: BootEvent[K] } = { seq: this.events.length, kind, site, after };
    if (extra.range !== undefined) ev.range = extra.range;
    if (extra.printk !== undefined) ev.printk = extra.printk;
    if (extra.why !== undefined) ev.why = extra.why;
    this.events.push(ev);
    return ev;
  }

  /** A printed line with no memblock change. */
  print(site: string, printk: Printk, why?: string): BootEvent {
    return this.record('message', site, { printk, why });
  }
}
