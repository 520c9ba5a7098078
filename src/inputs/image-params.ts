// Reads, from an arm64 kernel Image, the command-line parameters the kernel itself knows: the __setup() /
// early_param() table (struct obs_kernel_param, include/linux/init.h: { const char *str; int (*setup_func)(char *);
// int early; }, 24 bytes) and the kernel_param table (struct kernel_param, include/linux/moduleparam.h: name, mod,
// ops, perm/level/flags, arg: 40 bytes). parse_args() and unknown_bootoption() (init/main.c) decide with them
// which words of the command line are handed to init and printed as unknown.
//
// The Image is not an ELF file: there are no section headers to find the tables by. Pointers in it are
// link-time virtual addresses, stored in place (CONFIG_RELR: 6.12, 7.2) or only as the addends of
// R_AARCH64_RELATIVE entries in .rela.dyn (5.10, 6.1 are linked with --no-apply-dynamic-relocs). The tables are
// found from an anchor ("console=" is a __setup() string in every generation; "panic" a core_param()) and walked
// both ways while every record keeps the table's shape.

export interface SetupParam {
  /** The string as in the table: "console=" (a prefix to match), "quiet" (early_param names have no '='). */
  readonly str: string;
  readonly early: boolean;
}

export interface BootParamTables {
  /** __setup_start..__setup_end in table order (obsolete_checksetup() walks it in this order). */
  readonly setup: readonly SetupParam[];
  /** The kernel_param names (__start___param..__stop___param): "panic", "printk.time", … */
  readonly params: readonly string[];
}

const R_AARCH64_RELATIVE = 0x403;
const TWO32 = 2 ** 32;
const TWO_MIB = 2 ** 21;

/**
 * Kernel virtual addresses (top 16 bits all ones) as their low 48 bits in a double (exact), -1 otherwise:
 * the scans below read millions of words, which bigints would make ten times slower.
 */
function kva(dv: DataView, off: number): number {
  const hi = dv.getUint32(off + 4, true);
  return hi >>> 16 === 0xffff ? (hi & 0xffff) * TWO32 + dv.getUint32(off, true) : -1;
}

/** An R_AARCH64_RELATIVE entry (r_offset, r_info, r_addend) starts at `off`. */
const isRelative = (dv: DataView, off: number): boolean => dv.getUint32(off + 8, true) === R_AARCH64_RELATIVE && dv.getUint32(off + 12, true) === 0;

/** The R_AARCH64_RELATIVE entries of an Image: the address each patches → the address it stores (low 48 bits). */
function relocations(bytes: Uint8Array): Map<number, number> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rela = new Map<number, number>();
  for (let off = 0; off + 24 <= bytes.length; off += 8) {
    if (!isRelative(dv, off)) continue;
    const at = kva(dv, off);
    if (at >= 0) rela.set(at, kva(dv, off + 16));
  }
  return rela;
}

/** A view of the Image's 64-bit pointers, whether stored in place or as relocation addends. */
class PointerView {
  private readonly dv: DataView;

  constructor(
    readonly bytes: Uint8Array,
    /** The link address of the first byte, low 48 bits. */
    readonly base: number,
    /** relocations(bytes), read once for every base tried. */
    private readonly rela: ReadonlyMap<number, number>,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The pointer stored at a file offset: a kernel address (low 48 bits), 0 for NULL, -1 for anything else. */
  ptr(off: number): number {
    if (off < 0 || off + 8 > this.bytes.length) return -1;
    const r = this.rela.get(this.base + off);
    if (r !== undefined) return r;
    if (this.dv.getUint32(off, true) === 0 && this.dv.getUint32(off + 4, true) === 0) return 0;
    return kva(this.dv, off);
  }

  u32(off: number): number {
    return off >= 0 && off + 4 <= this.bytes.length ? this.dv.getUint32(off, true) : -1;
  }

  /** A pointer into the Image, as a file offset; -1 when it points elsewhere. */
  offsetOf(p: number): number {
    const o = p - this.base;
    return p > 0 && o >= 0 && o < this.bytes.length ? o : -1;
  }

  /** The NUL-terminated printable string a pointer points at (at most 128 bytes), or undefined. */
  str(p: number): string | undefined {
    const o = this.offsetOf(p);
    if (o < 0) return undefined;
    let s = '';
    for (let i = o; i < this.bytes.length && i < o + 128; i++) {
      const c = this.bytes[i]!;
      if (c === 0) return s.length ? s : undefined;
      if (c < 0x21 || c > 0x7e) return undefined;
      s += String.fromCharCode(c);
    }
    return undefined;
  }

  /** File offsets of the 8-aligned slots whose pointer is one of `targets`, in one pass over the Image. */
  slotsPointingAt(targets: readonly number[]): number[] {
    const want = new Set(targets);
    const out: number[] = [];
    for (const [at, v] of this.rela) if (want.has(v) && at >= this.base && at - this.base < this.bytes.length) out.push(at - this.base);
    for (let off = 0; off + 8 <= this.bytes.length; off += 8) {
      const v = kva(this.dv, off);
      if (v >= 0 && want.has(v)) out.push(off);
    }
    return out;
  }
}

/** Every offset at which `s` + NUL appears (no Buffer: the web page runs this too). */
function stringOffsets(bytes: Uint8Array, s: string): number[] {
  const needle = Uint8Array.from(`${s}\0`, (c) => c.charCodeAt(0));
  const out: number[] = [];
  for (let i = bytes.indexOf(needle[0]!); i >= 0 && i + needle.length <= bytes.length; i = bytes.indexOf(needle[0]!, i + 1)) {
    let k = 1;
    while (k < needle.length && bytes[i + k] === needle[k]) k++;
    if (k === needle.length) out.push(i);
  }
  return out;
}

/**
 * Candidates for the link address of the Image's first byte (KIMAGE_VADDR, 2 MiB aligned: 0xffff800010000000 in
 * 5.10, …08000000 in 6.1, …80000000 in 6.12): the addresses at which some pointer of the Image would target a
 * "console=" string. A stray word rarely lands on one; the table walk then rejects it.
 */
function linkBases(bytes: Uint8Array, consoles: readonly number[]): number[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<number, number>();
  for (let off = 0; off + 8 <= bytes.length; off += 8) {
    const v = kva(dv, off); // in place, or a relocation's addend
    if (v < 0) continue;
    for (const c of consoles) {
      const b = v - c;
      if (b >= 0 && b % TWO_MIB === 0) out.set(b, (out.get(b) ?? 0) + 1);
    }
  }
  // most pointed at first; a bounded number of tries
  return [...out].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([b]) => b);
}

function walkTable<T>(start: number, stride: number, read: (off: number) => T | undefined): T[] {
  let first = start;
  while (read(first - stride) !== undefined) first -= stride;
  const out: T[] = [];
  for (let off = first; ; off += stride) {
    const r = read(off);
    if (r === undefined) return out;
    out.push(r);
  }
}

function setupTable(v: PointerView, anchor: number): SetupParam[] | undefined {
  const read = (off: number): SetupParam | undefined => {
    const str = v.str(v.ptr(off));
    const fn = v.ptr(off + 8);
    const early = v.u32(off + 16);
    if (str === undefined || (fn !== 0 && v.offsetOf(fn) < 0) || (early !== 0 && early !== 1) || v.u32(off + 20) !== 0) return undefined;
    return { str, early: early === 1 };
  };
  for (const slot of v.slotsPointingAt([anchor])) {
    const t = read(slot) && walkTable(slot, 24, read);
    if (t && t.length >= 16 && t.some((p) => p.early)) return t;
  }
  return undefined;
}

function paramTable(v: PointerView, anchors: readonly number[]): string[] | undefined {
  const read = (off: number): string | undefined => {
    const name = v.str(v.ptr(off));
    const mod = v.ptr(off + 8);
    const ops = v.ptr(off + 16);
    if (name === undefined || mod !== 0 || v.offsetOf(ops) < 0) return undefined;
    return name;
  };
  for (const slot of v.slotsPointingAt(anchors)) {
    const t = read(slot) && walkTable(slot, 40, read);
    if (t && t.length >= 16) return t;
  }
  return undefined;
}

/**
 * The parameter tables of a raw (decompressed) arm64 Image, or undefined when they cannot be found (not an
 * arm64 Linux Image, or one laid out unlike 5.10–7.2).
 */
export function bootParamTables(image: Uint8Array): BootParamTables | undefined {
  const consoles = stringOffsets(image, 'console=');
  const panics = stringOffsets(image, 'panic');
  if (!consoles.length || !panics.length) return undefined;
  const rela = relocations(image);
  for (const base of linkBases(image, consoles)) {
    const v = new PointerView(image, base, rela);
    for (const c of consoles) {
      const setup = setupTable(v, base + c);
      if (!setup) continue;
      const params = paramTable(v, panics.map((p) => base + p));
      if (params) return { setup, params };
    }
  }
  return undefined;
}
