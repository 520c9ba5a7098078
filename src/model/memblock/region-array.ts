// Models the storage of one struct memblock_type (include/linux/memblock.h: regions[], cnt), 5.10–7.2: an
// array changed in place, as the kernel changes its own, with an undo record per change so that the state
// after any earlier change can be rebuilt when someone asks for it. What is handed out (`mb.memory`, the
// trace's `after`) is a frozen copy made when first read: a boot that never reads a state never copies it,
// and memory grows with the changes made, not with (regions × events).
//
// Beside the regions (bigint, as the API), each region's base and end are kept as doubles: exact while
// every end is below 2^53 (a physical address on arm64 is below 2^52), which `unsafe` counts. The hot
// walks (find, add, isolate, merge) compare doubles when nothing is unsafe and fall back to the bigints
// otherwise: a devicetree may well describe memory at 2^60, and memblock holds it until arm64_memblock_init()
// removes what lies above PHYS_MASK (reserved regions stay).

import type { MemblockRegion, MemblockSnapshot } from './types.ts';

/** `arr.splice(start, added, ...removed)` restores the array as it was before one change. */
interface Undo {
  readonly start: number;
  readonly added: number;
  readonly removed: readonly MemblockRegion[];
}

const EMPTY: readonly MemblockRegion[] = Object.freeze([]);

/** A region (read-only by type; not frozen at run time, which costs more than the rest of an insertion). */
export function region(base: bigint, size: bigint, nid: number, flags: number): MemblockRegion {
  return { base, size, flags, nid };
}

/** Doubles are exact integers below this: a region whose end (as a double) reaches it is `unsafe`. */
export const TWO53 = 2 ** 53;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * base + size as a double: exact when below 2^53, else at least 2^53 (rounding is monotonic), so
 * `end >= TWO53` tells the regions whose doubles cannot be trusted.
 */
function endOf(r: MemblockRegion): number {
  return r.base > MAX_SAFE || r.size > MAX_SAFE ? TWO53 : Number(r.base) + Number(r.size);
}

/** A bigint as a double when it is exact (below 2^53), else undefined. */
export function exact(v: bigint): number | undefined {
  return v >= 0n && v <= MAX_SAFE ? Number(v) : undefined;
}

export class RegionArray {
  /** The regions in address order. Only the memblock operations change it, through the methods below. */
  readonly r: MemblockRegion[] = [];
  /** Each region's base and end as doubles (exact while `unsafe` is 0). */
  readonly b: number[] = [];
  readonly e: number[] = [];
  /** How many regions end at or above 2^53. */
  unsafe = 0;
  /** Undo records, oldest first; `version` counts them. */
  private readonly log: Undo[] = [];
  /** The frozen copy last handed out and the version it shows. */
  private frozen: readonly MemblockRegion[] = EMPTY;
  private frozenAt = 0;
  /**
   * Compatible neighbours may be left unmerged (memblock_cap_memory_range() splits without merging, and
   * an array set from outside is taken as it is). While false, a merge of the whole array (5.10/6.1) can
   * only find merges next to the regions just changed, so the scan is limited to them.
   */
  unmerged = false;

  get version(): number {
    return this.log.length;
  }

  /** The regions as a frozen array (the same array until the next change). */
  view(): readonly MemblockRegion[] {
    if (this.frozenAt !== this.log.length) {
      this.frozen = Object.freeze(this.r.slice());
      this.frozenAt = this.log.length;
    }
    return this.frozen;
  }

  /** The regions as they were at `version` (after that many changes), as a frozen array. */
  at(version: number): readonly MemblockRegion[] {
    if (version === this.log.length) return this.view();
    if (version === this.frozenAt) return this.frozen;
    const arr = this.r.slice();
    for (let i = this.log.length - 1; i >= version; i--) {
      const u = this.log[i];
      arr.splice(u.start, u.added, ...u.removed);
    }
    return Object.freeze(arr);
  }

  insert(i: number, rgn: MemblockRegion): void {
    const end = endOf(rgn);
    if (end >= TWO53) this.unsafe++;
    if (i === this.r.length) {
      this.r.push(rgn);
      this.b.push(Number(rgn.base));
      this.e.push(end);
    } else {
      this.r.splice(i, 0, rgn);
      this.b.splice(i, 0, Number(rgn.base));
      this.e.splice(i, 0, end);
    }
    this.log.push({ start: i, added: 1, removed: EMPTY });
  }

  /** Replaces region i by `lo` and `hi`, which cover it (memblock_isolate_range()'s split). */
  split(i: number, lo: MemblockRegion, hi: MemblockRegion): void {
    const old = this.r[i];
    const loEnd = endOf(lo);
    const hiEnd = endOf(hi);
    if (this.e[i] >= TWO53) this.unsafe--;
    if (loEnd >= TWO53) this.unsafe++;
    if (hiEnd >= TWO53) this.unsafe++;
    this.r.splice(i, 1, lo, hi);
    this.b.splice(i + 1, 0, Number(hi.base));
    this.e.splice(i, 1, loEnd, hiEnd);
    this.log.push({ start: i, added: 2, removed: [old] });
  }

  /** Replaces regions i and i + 1 by `rgn`, which covers both (memblock_merge_regions()). */
  join(i: number, rgn: MemblockRegion): void {
    // the lower one's end goes; the upper one's stays as the end of both
    if (this.e[i] >= TWO53) this.unsafe--;
    const removed = this.r.splice(i, 2, rgn);
    this.b.splice(i + 1, 1);
    this.e.splice(i, 1);
    this.log.push({ start: i, added: 1, removed });
  }

  /** Removes `count` regions at `i`. */
  remove(i: number, count: number): void {
    for (let j = i; j < i + count; j++) if (this.e[j] >= TWO53) this.unsafe--;
    const removed = this.r.splice(i, count);
    this.b.splice(i, count);
    this.e.splice(i, count);
    this.log.push({ start: i, added: 0, removed });
  }

  /** Replaces region i by one with the same base and size (flags or nid changed). */
  set(i: number, rgn: MemblockRegion): void {
    if (this.r[i] === rgn) return;
    this.log.push({ start: i, added: 1, removed: [this.r[i]] });
    this.r[i] = rgn;
  }

  /** Keeps the regions `keep` accepts, in order (one change). */
  filter(keep: (r: MemblockRegion, i: number) => boolean): void {
    const kept = this.r.filter(keep);
    if (kept.length === this.r.length) return;
    this.replaceAll(kept);
  }

  replaceAll(rgns: readonly MemblockRegion[]): void {
    const removed = this.r.splice(0, this.r.length, ...rgns);
    this.b.length = 0;
    this.e.length = 0;
    this.unsafe = 0;
    for (const r of rgns) {
      const end = endOf(r);
      if (end >= TWO53) this.unsafe++;
      this.b.push(Number(r.base));
      this.e.push(end);
    }
    this.log.push({ start: 0, added: rgns.length, removed });
  }
}

/**
 * The memblock state at one moment, materialised when read: the trace keeps one per change (shared by the
 * events in between), and most are never read.
 */
export class LazySnapshot implements MemblockSnapshot {
  private mem?: readonly MemblockRegion[];
  private res?: readonly MemblockRegion[];
  constructor(
    private readonly memArr: RegionArray,
    readonly memVersion: number,
    private readonly resArr: RegionArray,
    readonly resVersion: number,
  ) {}

  get memory(): readonly MemblockRegion[] {
    return (this.mem ??= this.memArr.at(this.memVersion));
  }

  get reserved(): readonly MemblockRegion[] {
    return (this.res ??= this.resArr.at(this.resVersion));
  }
}
