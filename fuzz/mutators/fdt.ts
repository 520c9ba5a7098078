// FDT-aware mutations: header fields, tokens, property lengths and nameoffs, cell values, node copies, with header fix-ups so the blob gets past the probe.
import type { Rng } from '../rng.ts';
import { INTERESTING_32, INTERESTING_64, mutateBytes, sizeNear, write32, write64 } from './bytes.ts';

const BEGIN = 1, END_NODE = 2, PROP = 3, NOP = 4, END = 9;
const H = { totalsize: 4, offStruct: 8, offStrings: 12, offRsv: 16, version: 20, lastComp: 24, cpuid: 28, sizeStrings: 32, sizeStruct: 36 };
/** Property names whose values the model reads; a nameoff is retargeted to one of them. */
export const FDT_NAMES = ['#address-cells', '#size-cells', 'reg', 'ranges', 'dma-ranges', 'device_type', 'status', 'compatible', 'no-map',
  'reusable', 'size', 'alignment', 'alloc-ranges', 'linux,cma-default', 'linux,dma-default', 'bootargs', 'linux,usable-memory-range',
  'linux,initrd-start', 'linux,initrd-end', 'linux,elfcorehdr', 'dma-coherent', 'numa-node-id', 'kaslr-seed', 'rng-seed', 'enable-method'];

interface Tok {
  off: number;
  tag: number;
  /** PROP: its length and value offset; BEGIN_NODE: the end of the name (aligned). */
  len?: number;
  valueOff?: number;
  next: number;
}

const be = (b: Uint8Array, off: number): number =>
  off >= 0 && off + 4 <= b.length ? ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0 : -1;
const align4 = (n: number): number => (n + 3) & ~3;

function isFdt(b: Uint8Array): boolean {
  return b.length >= 40 && be(b, 0) === 0xd00dfeed;
}

/** A lenient token scan of the structure block (stops at the first token it cannot follow). */
export function scanTokens(b: Uint8Array, limit = 20000): Tok[] {
  const out: Tok[] = [];
  let off = be(b, H.offStruct);
  const end = Math.min(b.length, be(b, H.version) >= 17 ? off + be(b, H.sizeStruct) : b.length);
  while (off >= 0 && off + 4 <= end && out.length < limit) {
    const tag = be(b, off);
    if (tag === BEGIN) {
      let i = off + 4;
      while (i < end && b[i] !== 0) i++;
      out.push({ off, tag, next: align4(i + 1) });
    } else if (tag === PROP) {
      const len = be(b, off + 4);
      if (len < 0 || off + 12 + len > end) break;
      out.push({ off, tag, len, valueOff: off + 12, next: align4(off + 12 + len) });
    } else if (tag === END_NODE || tag === NOP) out.push({ off, tag, next: off + 4 });
    else {
      out.push({ off, tag, next: off + 4 });
      break;
    }
    off = out[out.length - 1]!.next;
    if (tag === (END as number)) break;
  }
  return out;
}

/** Replaces [at, at + del) by `ins` and moves every header offset and size that the edit shifts. */
export function spliceFdt(b: Uint8Array, at: number, del: number, ins: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length - del + ins.length);
  out.set(b.subarray(0, at));
  out.set(ins, at);
  out.set(b.subarray(at + del), at + ins.length);
  const d = ins.length - del;
  const dv = new DataView(out.buffer);
  const get = (o: number): number => dv.getUint32(o);
  const set = (o: number, v: number): void => dv.setUint32(o, v >>> 0);
  const offStruct = get(H.offStruct);
  const inStruct = at >= offStruct && at < offStruct + get(H.sizeStruct);
  for (const f of [H.offStruct, H.offStrings, H.offRsv]) if (get(f) > at) set(f, get(f) + d);
  if (inStruct && get(H.version) >= 17) set(H.sizeStruct, get(H.sizeStruct) + d);
  set(H.totalsize, get(H.totalsize) + d);
  return out;
}

function nameoffOf(b: Uint8Array, name: string): number | undefined {
  const off = be(b, H.offStrings);
  const size = be(b, H.sizeStrings);
  if (off < 0 || size < 0 || off + size > b.length) return undefined;
  const want = new TextEncoder().encode(`${name}\0`);
  outer: for (let i = 0; i + want.length <= size; i++) {
    for (let k = 0; k < want.length; k++) if (b[off + i + k] !== want[k]) continue outer;
    return i;
  }
  return undefined;
}

const cell = (v: number): Uint8Array => {
  const u = new Uint8Array(4);
  write32(u, 0, v, false);
  return u;
};

/** One FDT-aware mutation; falls back to a byte mutation when the input is not an FDT. */
export function mutateFdt(rng: Rng, b: Uint8Array, other: Uint8Array | undefined, maxLen: number): Uint8Array {
  if (!isFdt(b) || rng.oneIn(5)) return mutateBytes(rng, b, other, maxLen);
  const toks = scanTokens(b);
  const c = b.slice();
  const choice = rng.int(11);
  const tok = toks.length ? rng.pick(toks) : undefined;
  const props = toks.filter((t) => t.tag === PROP);
  const prop = props.length ? rng.pick(props) : undefined;
  switch (choice) {
    case 0: { // a header field
      const f = rng.pick(Object.values(H));
      const cur = be(c, f);
      const v = rng.pick([rng.pick(INTERESTING_32), sizeNear(rng, c.length), (cur + rng.int(17) - 8) >>> 0, rng.pick([16, 17, 18, 2, 0xffffffff])]);
      write32(c, f, v, false);
      return c;
    }
    case 1: // a token value
      if (tok) write32(c, tok.off, rng.pick([BEGIN, END_NODE, PROP, NOP, END, 0, 5, 0xffffffff, rng.u32()]), false);
      return c;
    case 2: // a property length
      if (prop) write32(c, prop.off + 4, rng.pick([0, 1, 3, 0x7fffffff, 0xffffffff, (prop.len! + rng.int(9) - 4) >>> 0, sizeNear(rng, c.length - prop.off)]), false);
      return c;
    case 3: { // a nameoff: past the strings, unterminated, or another known name
      if (!prop) return c;
      const known = nameoffOf(c, rng.pick(FDT_NAMES));
      const size = be(c, H.sizeStrings);
      write32(c, prop.off + 8, rng.oneIn(2) && known !== undefined ? known : rng.pick([size, size - 1, 0xffffffff, 0x7fffffff, rng.int(size + 4)]), false);
      return c;
    }
    case 4: { // the cells of a value: cell counts, reg bases and sizes that wrap
      if (!prop || prop.len! < 4) return c;
      const n = prop.len! >> 2;
      const i = rng.int(n);
      if (rng.oneIn(3) && i + 2 <= n) write64(c, prop.valueOff! + i * 4, rng.pick(INTERESTING_64), false);
      else write32(c, prop.valueOff! + i * 4, rng.pick([0, 1, 2, 3, 4, 5, 0xffffffff, 0x80000000, ...INTERESTING_32]), false);
      return c;
    }
    case 5: { // insert a property with a known name and a hostile value before a token
      if (!tok || tok.tag === BEGIN && tok === toks[0]) return c;
      const nameoff = nameoffOf(c, rng.pick(FDT_NAMES));
      if (nameoff === undefined) return c;
      const cells = 1 + rng.int(8);
      const val = new Uint8Array(cells * 4);
      for (let i = 0; i < cells; i++) write32(val, i * 4, rng.oneIn(2) ? rng.pick(INTERESTING_32) : rng.u32(), false);
      const ins = new Uint8Array(12 + val.length);
      ins.set(cell(PROP), 0); ins.set(cell(val.length), 4); ins.set(cell(nameoff), 8); ins.set(val, 12);
      return spliceFdt(c, tok.off, 0, ins);
    }
    case 6: { // insert a token sequence (NOP, empty node, unmatched BEGIN/END)
      if (!tok) return c;
      const seqs = [[NOP], [BEGIN, 0x78000000, END_NODE], [BEGIN, 0x78000000], [END_NODE], [END], [BEGIN, 0x40000000, END_NODE]];
      const seq = rng.pick(seqs);
      const ins = new Uint8Array(seq.length * 4);
      seq.forEach((v, i) => write32(ins, i * 4, v, false));
      return spliceFdt(c, tok.off, 0, ins);
    }
    case 7: { // copy a node's subtree next to it, or inside itself (deeper nesting)
      const begins = toks.map((t, i) => [t, i] as const).filter(([t]) => t.tag === BEGIN);
      if (!begins.length) return c;
      const [start, i] = rng.pick(begins);
      let depth = 0;
      let j = i;
      for (; j < toks.length; j++) {
        if (toks[j]!.tag === BEGIN) depth++;
        if (toks[j]!.tag === END_NODE && --depth === 0) break;
      }
      if (j >= toks.length) return c;
      const sub = c.slice(start.off, toks[j]!.next);
      if (b.length + sub.length > maxLen) return c;
      return spliceFdt(c, rng.oneIn(2) ? start.next : toks[j]!.next, 0, sub);
    }
    case 8: { // delete one token (and a property's value)
      if (!tok) return c;
      return spliceFdt(c, tok.off, tok.next - tok.off, new Uint8Array());
    }
    case 9: { // a memory reservation entry
      const rsv = be(c, H.offRsv);
      const k = rng.int(4);
      write64(c, rsv + 16 * k + (rng.oneIn(2) ? 8 : 0), rng.pick(INTERESTING_64), false);
      return c;
    }
    default:
      return mutateBytes(rng, b, other, maxLen);
  }
}

/** Shrinks a blob to what its header uses (QEMU pads to 1 MiB), so mutations copy kilobytes, not megabytes. */
export function trimFdt(b: Uint8Array): Uint8Array {
  if (!isFdt(b)) return b;
  const used = Math.max(be(b, H.offStruct) + be(b, H.sizeStruct), be(b, H.offStrings) + be(b, H.sizeStrings), 40);
  if (used <= 0 || used >= b.length) return b;
  const c = b.slice(0, align4(used));
  write32(c, H.totalsize, c.length, false);
  return c;
}
