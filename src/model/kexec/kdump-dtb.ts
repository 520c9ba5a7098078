// The DTB kexec-tools hands a kdump kernel on arm64 (kexec/arch/arm64/kexec-arm64.c setup_2nd_dtb, kexec/dt-ops.c):
// the first kernel's /sys/firmware/fdt with /chosen's bootargs replaced, linux,elfcorehdr and
// linux,usable-memory-range added (high range first, "the low region is always the last one"), the initrd
// properties set or deleted, and the blob packed by libfdt. Its size decides where the next segment goes, so it
// is computed the way libfdt edits a blob: property length changes in the structure block, new names appended to
// the strings block unless already there (suffixes included), NOPs kept.
import { buildFdt, type FdtBuildNode } from '../../inputs/fdt/writer.ts';
import { findNode, type Fdt, type FdtNode } from '../../inputs/fdt/tree.ts';
import type { Range } from './kexec-tools.ts';

export interface KdumpDtbInput {
  /** The first kernel's DTB (as the boot loader gave it; the kernel's in-place edits do not change its size). */
  first: Fdt;
  /** The strings block of that blob, as latin1 text (names are found in it as libfdt's fdt_find_string_() does). */
  firstStrings: string;
  bootargs: string;
  /** Ranges for linux,usable-memory-range, in kexec-tools' order. */
  usable: readonly Range[];
  elfcorehdr: Range;
  initrd?: Range;
  /** The kaslr-seed to write (the model's stand-in for getrandom()); default 0. */
  kaslrSeed?: bigint;
}

const align4 = (n: number): number => (n + 3) & ~3;

/**
 * The command line's bytes: a line read from a DTB is latin1 (one char per byte), so it goes back byte for byte;
 * text typed by a user with characters beyond latin1 is what a shell would pass, UTF-8.
 */
export function cmdlineBytes(s: string): Uint8Array {
  return /^[\x00-\xff]*$/.test(s) ? Uint8Array.from(s, (c) => c.charCodeAt(0)) : new TextEncoder().encode(s);
}
const FDT_PROP_HEADER = 12;

function cells(values: readonly bigint[], n: number): Uint8Array {
  const out = new Uint8Array(values.length * n * 4);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => {
    for (let c = 0; c < n; c++) dv.setUint32((i * n + c) * 4, Number((v >> BigInt(32 * (n - 1 - c))) & 0xffffffffn));
  });
  return out;
}

const u32Prop = (node: FdtNode, name: string, dflt: number): number => {
  const p = node.props.find((x) => x.name === name);
  return p && p.value.length >= 4 ? new DataView(p.value.buffer, p.value.byteOffset).getUint32(0) : dflt;
};

/**
 * A blob's packed size under libfdt edits of /chosen, without building it: property length changes in the
 * structure block, names appended to the strings block unless already there (suffixes included), NOPs kept.
 */
export class LibfdtSizer {
  private struct: number;
  private strings: string;
  private memrsv: number;
  private readonly lens: Map<string, number>;
  constructor(first: Fdt, firstStrings: string) {
    const chosen = findNode(first, '/chosen');
    this.lens = new Map((chosen?.props ?? []).map((p) => [p.name, p.value.length]));
    this.struct = first.header.sizeDtStruct + (chosen ? 0 : 4 + align4('chosen'.length + 1) + 4);
    this.strings = firstStrings;
    this.memrsv = first.memreserve.length;
  }
  setprop(name: string, len: number): this {
    const old = this.lens.get(name);
    this.struct += old === undefined ? FDT_PROP_HEADER + align4(len) : align4(len) - align4(old);
    if (old === undefined && !this.strings.includes(`${name}\0`)) this.strings += `${name}\0`;
    this.lens.set(name, len);
    return this;
  }
  delprop(name: string): this {
    const old = this.lens.get(name);
    if (old !== undefined) {
      this.struct -= FDT_PROP_HEADER + align4(old);
      this.lens.delete(name);
    }
    return this;
  }
  memreserve(delta: number): this {
    this.memrsv = Math.max(0, this.memrsv + delta);
    return this;
  }
  /** fdt_pack(): header, reservation map (with its terminator), structure, strings, back to back. */
  get packed(): number {
    return 40 + 16 * (this.memrsv + 1) + this.struct + this.strings.length;
  }
}

/** The packed size libfdt gives the blob after kexec-tools' edits (dtb.size in `kexec -d`). */
export function kdumpDtbSize(i: KdumpDtbInput): number {
  const z = new LibfdtSizer(i.first, i.firstStrings);
  const { ac, sc } = rootCells(i.first);
  if (i.bootargs) z.setprop('bootargs', align4(cmdlineBytes(i.bootargs).length + 1)); // dtb_set_property() FDT_TAGALIGNs the value
  z.setprop('linux,elfcorehdr', 4 * (ac + sc)).setprop('linux,usable-memory-range', 4 * (ac + sc) * i.usable.length);
  if (i.initrd) z.setprop('linux,initrd-start', 8).setprop('linux,initrd-end', 8);
  else z.delprop('linux,initrd-start').delprop('linux,initrd-end');
  return z.packed;
}

export function rootCells(fdt: Fdt): { ac: number; sc: number } {
  return { ac: u32Prop(fdt.root, '#address-cells', 1), sc: u32Prop(fdt.root, '#size-cells', 1) };
}

/** The kdump kernel's DTB: the same tree with kexec-tools' /chosen, padded to kdumpDtbSize() (its memblock reservation). */
export function buildKdumpDtb(i: KdumpDtbInput): Uint8Array {
  const { ac, sc } = rootCells(i.first);
  const chosenProps = new Map<string, Uint8Array>();
  const chosen = findNode(i.first, '/chosen');
  for (const p of chosen?.props ?? []) chosenProps.set(p.name, p.value);
  if (i.bootargs) {
    const b = cmdlineBytes(i.bootargs);
    const v = new Uint8Array(align4(b.length + 1));
    v.set(b);
    chosenProps.set('bootargs', v);
  }
  chosenProps.set('linux,elfcorehdr', pairCells([i.elfcorehdr], ac, sc));
  chosenProps.set('linux,usable-memory-range', pairCells(i.usable, ac, sc));
  if (i.initrd) {
    chosenProps.set('linux,initrd-start', cells([i.initrd.base], 2));
    chosenProps.set('linux,initrd-end', cells([i.initrd.base + i.initrd.size], 2));
  } else {
    chosenProps.delete('linux,initrd-start');
    chosenProps.delete('linux,initrd-end');
  }
  // kexec-tools writes a fresh kaslr-seed from getrandom(): unknowable in advance. Only the linear-map
  // randomisation reads it here (one table page may be shared or not); 0 models the linear map unmoved.
  if (chosenProps.has('kaslr-seed')) chosenProps.set('kaslr-seed', cells([i.kaslrSeed ?? 0n], 2));
  const convert = (n: FdtNode): FdtBuildNode => ({
    name: n.name,
    props: n === chosen ? [...chosenProps].map(([name, value]) => ({ name, value })) : n.props.map((p) => ({ name: p.name, value: p.value })),
    children: n.children.map(convert),
  });
  const root = convert(i.first.root);
  if (!chosen) root.children = [...root.children, { name: 'chosen', props: [...chosenProps].map(([name, value]) => ({ name, value })), children: [] }];
  const packed = buildFdt(root, { layout: 'dtc', memreserve: i.first.memreserve, bootCpuidPhys: i.first.header.bootCpuidPhys });
  return buildFdt(root, {
    layout: 'dtc', memreserve: i.first.memreserve, bootCpuidPhys: i.first.header.bootCpuidPhys,
    totalsize: Math.max(packed.length, kdumpDtbSize(i)),
  });
}

function pairCells(ranges: readonly Range[], ac: number, sc: number): Uint8Array {
  const out = new Uint8Array(ranges.length * 4 * (ac + sc));
  ranges.forEach((r, k) => {
    out.set(cells([r.base], ac), k * 4 * (ac + sc));
    out.set(cells([r.size], sc), k * 4 * (ac + sc) + 4 * ac);
  });
  return out;
}

/** The strings block of a blob as latin1 text. */
export function stringsBlock(bytes: Uint8Array, fdt: Fdt): string {
  const s = bytes.subarray(fdt.header.offDtStrings, fdt.header.offDtStrings + fdt.header.sizeDtStrings);
  let out = '';
  for (let k = 0; k < s.length; k += 8192) out += String.fromCharCode(...s.subarray(k, k + 8192));
  return out;
}

/**
 * kexec_file_load's DTB (5.10 arch/arm64 setup_dtb(); 6.1+ drivers/of/kexec.c of_kexec_alloc_and_setup_fdt()),
 * packed: /chosen gets linux,elfcorehdr, linux,usable-memory-range, bootargs, the initrd, a fresh kaslr-seed and
 * a 128-byte rng-seed; 6.1+ also add /memreserve/ entries for the initrd and the ELF core header.
 */
export function kernelKdumpDtbSize(i: KdumpDtbInput & { memreserveForSegments: boolean }): number {
  const z = new LibfdtSizer(i.first, i.firstStrings);
  const { ac, sc } = rootCells(i.first);
  z.setprop('linux,elfcorehdr', 4 * (ac + sc)).setprop('linux,usable-memory-range', 4 * (ac + sc) * i.usable.length);
  if (i.bootargs) z.setprop('bootargs', cmdlineBytes(i.bootargs).length + 1);
  else z.delprop('bootargs');
  if (i.initrd) z.setprop('linux,initrd-start', 8).setprop('linux,initrd-end', 8);
  else z.delprop('linux,initrd-start').delprop('linux,initrd-end');
  z.setprop('kaslr-seed', 8).setprop('rng-seed', 128);
  if (i.memreserveForSegments) z.memreserve(1 + (i.initrd ? 1 : 0));
  return z.packed;
}
