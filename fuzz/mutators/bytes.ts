// Format-blind byte mutations: bit flips, byte sets, insertions, deletions, copies, splices and interesting integers.
import type { Rng } from '../rng.ts';

/** 32-bit values that break size and offset arithmetic. */
export const INTERESTING_32 = [0, 1, 2, 3, 4, 7, 8, 0x10, 0x28, 0x38, 0x40, 0x7f, 0x80, 0xff, 0x100, 0x1000, 0xffff, 0x10000,
  0x7ffffffc, 0x7fffffff, 0x80000000, 0xfffffff8, 0xfffffffc, 0xfffffffe, 0xffffffff];
/** 64-bit values for `reg` cells and image header fields. */
export const INTERESTING_64 = [0n, 1n, 0x40000000n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n,
  0xfffffffffffff000n, 0xffffffffffffffffn, 0xffffffffffffffffn - 0x3fffffffn];

export type Mutator = (rng: Rng, b: Uint8Array, other: Uint8Array | undefined, maxLen: number) => Uint8Array;

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

/** An integer near the buffer's length (sizes off by a little are the classic bug). */
export function sizeNear(rng: Rng, n: number): number {
  return Math.max(0, n + rng.int(17) - 8) >>> 0;
}

export function write32(b: Uint8Array, off: number, v: number, le: boolean): void {
  if (off < 0 || off + 4 > b.length) return;
  new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(off, v >>> 0, le);
}

export function write64(b: Uint8Array, off: number, v: bigint, le: boolean): void {
  if (off < 0 || off + 8 > b.length) return;
  new DataView(b.buffer, b.byteOffset, b.byteLength).setBigUint64(off, BigInt.asUintN(64, v), le);
}

const flipBit: Mutator = (rng, b) => {
  if (!b.length) return b;
  const c = b.slice();
  const n = rng.len(4);
  for (let i = 0; i < n; i++) c[rng.int(c.length)]! ^= 1 << rng.int(8);
  return c;
};

const setByte: Mutator = (rng, b) => {
  if (!b.length) return b;
  const c = b.slice();
  c[rng.int(c.length)] = rng.pick([0, 1, 0x7f, 0x80, 0xff, rng.int(256)]);
  return c;
};

const insertBytes: Mutator = (rng, b, _o, maxLen) => {
  const n = Math.min(rng.len(64), Math.max(0, maxLen - b.length));
  if (!n) return b;
  const at = rng.int(b.length + 1);
  const ins = new Uint8Array(n);
  const fill = rng.oneIn(2) ? rng.int(256) : -1;
  for (let i = 0; i < n; i++) ins[i] = fill >= 0 ? fill : rng.int(256);
  return concat(b.subarray(0, at), ins, b.subarray(at));
};

const deleteBytes: Mutator = (rng, b) => {
  if (b.length < 2) return b;
  const at = rng.int(b.length);
  const n = Math.min(rng.len(256), b.length - at);
  return concat(b.subarray(0, at), b.subarray(at + n));
};

const duplicateRange: Mutator = (rng, b, _o, maxLen) => {
  if (!b.length) return b;
  const from = rng.int(b.length);
  const n = Math.min(rng.len(256), b.length - from, Math.max(0, maxLen - b.length));
  if (!n) return b;
  const at = rng.int(b.length + 1);
  return concat(b.subarray(0, at), b.slice(from, from + n), b.subarray(at));
};

const overwriteRange: Mutator = (rng, b) => {
  if (b.length < 2) return b;
  const c = b.slice();
  const from = rng.int(b.length);
  const to = rng.int(b.length);
  const n = Math.min(rng.len(64), b.length - from, b.length - to);
  c.copyWithin(to, from, from + n);
  return c;
};

/** Splice: a prefix of this input and a suffix of another corpus file (or insert a chunk of it). */
const splice: Mutator = (rng, b, other, maxLen) => {
  if (!other || !other.length) return b;
  if (rng.oneIn(2)) {
    const cut = rng.int(b.length + 1);
    const from = rng.int(other.length);
    return concat(b.subarray(0, cut), other.subarray(from, from + Math.max(0, maxLen - cut)));
  }
  const from = rng.int(other.length);
  const n = Math.min(rng.len(512), other.length - from, Math.max(0, maxLen - b.length));
  const at = rng.int(b.length + 1);
  return concat(b.subarray(0, at), other.subarray(from, from + n), b.subarray(at));
};

/** An interesting 32- or 64-bit integer (or one near the length) at a 4-aligned offset, either endianness. */
const interestingInt: Mutator = (rng, b) => {
  if (b.length < 4) return b;
  const c = b.slice();
  const off = rng.int(c.length >> 2) << 2;
  const le = rng.oneIn(2);
  if (rng.oneIn(4) && off + 8 <= c.length) write64(c, off, rng.pick(INTERESTING_64), le);
  else write32(c, off, rng.oneIn(3) ? sizeNear(rng, c.length - (rng.oneIn(2) ? 0 : off)) : rng.pick(INTERESTING_32), le);
  return c;
};

/** Adds a small delta to a 4-aligned 32-bit word (off-by-one in lengths and offsets). */
const arith: Mutator = (rng, b) => {
  if (b.length < 4) return b;
  const c = b.slice();
  const off = rng.int(c.length >> 2) << 2;
  const dv = new DataView(c.buffer, c.byteOffset, c.byteLength);
  const le = rng.oneIn(4);
  dv.setUint32(off, (dv.getUint32(off, le) + rng.int(33) - 16) >>> 0, le);
  return c;
};

const truncate: Mutator = (rng, b) => (b.length ? b.slice(0, rng.int(b.length)) : b);

export const BYTE_MUTATORS: readonly Mutator[] = [
  flipBit, flipBit, setByte, insertBytes, deleteBytes, duplicateRange, overwriteRange, splice, interestingInt, interestingInt, arith, truncate,
];

/** One to a few stacked format-blind mutations. */
export function mutateBytes(rng: Rng, b: Uint8Array, other: Uint8Array | undefined, maxLen: number): Uint8Array {
  let out = b;
  const n = 1 + (rng.oneIn(2) ? 0 : rng.int(4));
  for (let i = 0; i < n; i++) out = rng.pick(BYTE_MUTATORS)(rng, out, other, maxLen);
  return out.length > maxLen ? out.slice(0, maxLen) : out;
}
