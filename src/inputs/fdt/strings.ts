// The strings block: property names by offset, each inside the block and NUL-terminated (libfdt fdt_get_string()).
import type { ByteReader } from '../bytes/reader.ts';
import { fdtFail, hex } from './errors.ts';
import type { FdtHeader } from './tree.ts';

export class StringsBlock {
  private readonly cache = new Map<number, string>();
  constructor(
    private readonly r: ByteReader,
    private readonly h: FdtHeader,
  ) {}

  /** The name at `nameoff`; `tokenOffset` is the FDT_PROP token that refers to it, for the error. */
  get(nameoff: number, tokenOffset: number): string {
    const hit = this.cache.get(nameoff);
    if (hit !== undefined) return hit;
    const { offDtStrings: base, sizeDtStrings: size } = this.h;
    if (nameoff >= size) {
      fdtFail(this.r.file, 'FDT_ERR_BADOFFSET', tokenOffset + 8, 'nameoff', `an offset below size_dt_strings ${hex(size)}`, hex(nameoff));
    }
    const start = base + nameoff;
    const end = base + size;
    let i = start;
    while (i < end && this.r.bytes[i] !== 0) i++;
    if (i >= end) {
      fdtFail(this.r.file, 'FDT_ERR_TRUNCATED', tokenOffset + 8, 'nameoff', `a NUL-terminated name inside the strings block (name at ${hex(start)})`);
    }
    const name = this.r.cstring(start, end, 'property name');
    this.cache.set(nameoff, name);
    return name;
  }
}
