// Writes a flattened devicetree (version 17) in libfdt's or dtc's layout: header, reservation map, structure, strings.
import { FDT_BEGIN_NODE, FDT_END, FDT_END_NODE, FDT_PROP } from './structure.ts';
import { FDT_MAGIC, FDT_V17_SIZE } from './header.ts';

/** What the writer needs of a node; a parsed FdtNode fits. */
export interface FdtBuildNode {
  name: string;
  props: readonly { name: string; value: Uint8Array }[];
  children: readonly FdtBuildNode[];
}

export interface FdtBuildOptions {
  /** Total size with padding; at least the packed size (default: packed). */
  totalsize?: number;
  bootCpuidPhys?: number;
  memreserve?: readonly { address: bigint; size: bigint }[];
  /**
   * 'libfdt' (fdt_create(), as QEMU writes it): reservation map at 0x30 (16-aligned);
   * 'dtc': at 0x28 (8-aligned). Default 'libfdt'.
   */
  layout?: 'libfdt' | 'dtc';
  /**
   * Names to place first in the strings block, in this order (only those the tree uses), e.g. the
   * order in which QEMU first set each property; the rest follow in first-use order.
   */
  stringsOrder?: readonly string[];
}

const align = (n: number, a: number): number => Math.ceil(n / a) * a;

/** A strings block that reuses any existing NUL-terminated match, suffixes included (libfdt fdt_find_string_(), dtc). */
class StringTable {
  // the block as a latin1 string: indexOf(name + NUL) is the byte scan of fdt_find_string_(), done natively
  private text = '';
  private readonly offsets = new Map<string, number>();
  offsetOf(name: string): number {
    const hit = this.offsets.get(name);
    if (hit !== undefined) return hit;
    encode(name); // validates: NUL-free latin1
    const want = name + '\0';
    let found = this.text.indexOf(want);
    if (found < 0) {
      found = this.text.length;
      this.text += want;
    }
    this.offsets.set(name, found);
    return found;
  }
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.text.length);
    for (let i = 0; i < out.length; i++) out[i] = this.text.charCodeAt(i);
    return out;
  }
}

/** A growable big-endian byte buffer for the structure block. */
class StructWriter {
  bytes = new Uint8Array(4096);
  length = 0;
  private room(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    let cap = this.bytes.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }
  u32(v: number): void {
    this.room(4);
    const b = this.bytes;
    const i = this.length;
    b[i] = (v >>> 24) & 0xff;
    b[i + 1] = (v >>> 16) & 0xff;
    b[i + 2] = (v >>> 8) & 0xff;
    b[i + 3] = v & 0xff;
    this.length = i + 4;
  }
  bytesOf(v: Uint8Array): void {
    this.room(v.length);
    this.bytes.set(v, this.length);
    this.length += v.length;
  }
  zero(): void {
    this.room(1);
    this.bytes[this.length++] = 0;
  }
  pad(): void {
    this.room(3);
    while (this.length % 4) this.bytes[this.length++] = 0;
  }
}

function encode(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff || c === 0) throw new RangeError(`FDT names are NUL-free latin1: ${JSON.stringify(s)}`);
    out[i] = c;
  }
  return out;
}

function usedNames(node: FdtBuildNode, out: Set<string>): Set<string> {
  for (const p of node.props) out.add(p.name);
  for (const c of node.children) usedNames(c, out);
  return out;
}

export function buildFdt(root: FdtBuildNode, opts: FdtBuildOptions = {}): Uint8Array {
  const strings = new StringTable();
  const used = usedNames(root, new Set());
  for (const n of opts.stringsOrder ?? []) if (used.has(n)) strings.offsetOf(n);

  const struct = new StructWriter();
  const emit = (node: FdtBuildNode, isRoot: boolean): void => {
    struct.u32(FDT_BEGIN_NODE);
    if (!isRoot) struct.bytesOf(encode(node.name));
    struct.zero();
    struct.pad();
    for (const p of node.props) {
      struct.u32(FDT_PROP);
      struct.u32(p.value.length);
      struct.u32(strings.offsetOf(p.name));
      struct.bytesOf(p.value);
      struct.pad();
    }
    for (const c of node.children) emit(c, false);
    struct.u32(FDT_END_NODE);
  };
  emit(root, true);
  struct.u32(FDT_END);

  const memrsv = opts.memreserve ?? [];
  const offMemRsvmap = align(FDT_V17_SIZE, opts.layout === 'dtc' ? 8 : 16);
  const offDtStruct = offMemRsvmap + (memrsv.length + 1) * 16;
  const offDtStrings = offDtStruct + struct.length;
  const strBytes = strings.toBytes();
  const packed = offDtStrings + strBytes.length;
  const totalsize = opts.totalsize ?? packed;
  if (totalsize < packed) throw new RangeError(`totalsize ${totalsize} is below the packed size ${packed}`);

  const out = new Uint8Array(totalsize);
  const v = new DataView(out.buffer);
  const header = [FDT_MAGIC, totalsize, offDtStruct, offDtStrings, offMemRsvmap, 17, 16, opts.bootCpuidPhys ?? 0, strBytes.length, struct.length];
  header.forEach((x, i) => v.setUint32(i * 4, x >>> 0));
  memrsv.forEach((e, i) => {
    v.setBigUint64(offMemRsvmap + i * 16, e.address);
    v.setBigUint64(offMemRsvmap + i * 16 + 8, e.size);
  });
  out.set(struct.bytes.subarray(0, struct.length), offDtStruct);
  out.set(strBytes, offDtStrings);
  return out;
}

/** Property value helpers for building trees. */
export const fdtValue = {
  u32(...cells: number[]): Uint8Array {
    const out = new Uint8Array(cells.length * 4);
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i] >>> 0;
      out[i * 4] = c >>> 24;
      out[i * 4 + 1] = (c >>> 16) & 0xff;
      out[i * 4 + 2] = (c >>> 8) & 0xff;
      out[i * 4 + 3] = c & 0xff;
    }
    return out;
  },
  /** `cells` big-endian cells holding each value in turn. */
  cells(cells: number, ...values: bigint[]): Uint8Array {
    const words: number[] = [];
    for (const x of values) for (let i = cells - 1; i >= 0; i--) words.push(Number((x >> BigInt(32 * i)) & 0xffffffffn));
    return fdtValue.u32(...words);
  },
  strings(...ss: string[]): Uint8Array {
    let n = 0;
    for (const x of ss) n += x.length + 1;
    const out = new Uint8Array(n);
    let o = 0;
    for (const x of ss) {
      out.set(encode(x), o);
      o += x.length + 1; // the NUL is already there
    }
    return out;
  },
  empty(): Uint8Array {
    return new Uint8Array(0);
  },
};
