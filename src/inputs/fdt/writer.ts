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
  private bytes: number[] = [];
  private readonly offsets = new Map<string, number>();
  offsetOf(name: string): number {
    const hit = this.offsets.get(name);
    if (hit !== undefined) return hit;
    const want = [...encode(name), 0];
    let found = -1;
    for (let p = 0; p + want.length <= this.bytes.length && found < 0; p++) {
      let i = 0;
      while (i < want.length && this.bytes[p + i] === want[i]) i++;
      if (i === want.length) found = p;
    }
    if (found < 0) {
      found = this.bytes.length;
      this.bytes.push(...want);
    }
    this.offsets.set(name, found);
    return found;
  }
  toBytes(): Uint8Array {
    return Uint8Array.from(this.bytes);
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

  const struct: number[] = [];
  const u32 = (v: number): void => {
    struct.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  };
  const pad = (): void => {
    while (struct.length % 4) struct.push(0);
  };
  const emit = (node: FdtBuildNode, isRoot: boolean): void => {
    u32(FDT_BEGIN_NODE);
    if (!isRoot) struct.push(...encode(node.name));
    struct.push(0);
    pad();
    for (const p of node.props) {
      u32(FDT_PROP);
      u32(p.value.length);
      u32(strings.offsetOf(p.name));
      for (const b of p.value) struct.push(b);
      pad();
    }
    for (const c of node.children) emit(c, false);
    u32(FDT_END_NODE);
  };
  emit(root, true);
  u32(FDT_END);

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
  out.set(struct, offDtStruct);
  out.set(strBytes, offDtStrings);
  return out;
}

/** Property value helpers for building trees. */
export const fdtValue = {
  u32(...cells: number[]): Uint8Array {
    const out = new Uint8Array(cells.length * 4);
    const v = new DataView(out.buffer);
    cells.forEach((c, i) => v.setUint32(i * 4, c >>> 0));
    return out;
  },
  /** `cells` big-endian cells holding each value in turn. */
  cells(cells: number, ...values: bigint[]): Uint8Array {
    const words: number[] = [];
    for (const x of values) for (let i = cells - 1; i >= 0; i--) words.push(Number((x >> BigInt(32 * i)) & 0xffffffffn));
    return fdtValue.u32(...words);
  },
  strings(...ss: string[]): Uint8Array {
    const parts = ss.map((s) => [...encode(s), 0]).flat();
    return Uint8Array.from(parts);
  },
  empty(): Uint8Array {
    return new Uint8Array(0);
  },
};
