// The FDT header: probe (magic, version, totalsize ≤ buffer), then the block layout check, as libfdt's fdt_check_header().
import type { ByteReader } from '../bytes/reader.ts';
import { fdtFail, hex } from './errors.ts';
import type { FdtHeader } from './tree.ts';

export const FDT_MAGIC = 0xd00dfeed;
/** Oldest layout we read (libfdt reads back to 2; the kernel and every current tool write 17). */
export const FDT_FIRST_SUPPORTED_VERSION = 16;
/** Newest layout libfdt knows (FDT_LAST_SUPPORTED_VERSION). */
export const FDT_LAST_SUPPORTED_VERSION = 17;
/** sizeof(struct fdt_header) for version 17; version 16 lacks size_dt_struct. */
export const FDT_V17_SIZE = 40;
export const FDT_V16_SIZE = 36;
/** sizeof(struct fdt_reserve_entry). */
export const FDT_RESERVE_ENTRY_SIZE = 16;

/** Header field offsets, for error reports. */
export const HEADER_FIELD = {
  magic: 0x00,
  totalsize: 0x04,
  off_dt_struct: 0x08,
  off_dt_strings: 0x0c,
  off_mem_rsvmap: 0x10,
  version: 0x14,
  last_comp_version: 0x18,
  boot_cpuid_phys: 0x1c,
  size_dt_strings: 0x20,
  size_dt_struct: 0x24,
} as const;

export const headerSize = (version: number): number => (version >= 17 ? FDT_V17_SIZE : FDT_V16_SIZE);

/** Layer 1 (fdt_ro_probe_()): magic, version, totalsize inside the buffer. */
export function probeHeader(r: ByteReader): FdtHeader {
  const f = r.file;
  if (r.length < 4) fdtFail(f, 'FDT_ERR_TRUNCATED', 0, 'magic', 'at least 4 bytes', `${r.length}`);
  const magic = r.u32be(HEADER_FIELD.magic, 'magic');
  if (magic !== FDT_MAGIC) fdtFail(f, 'FDT_ERR_BADMAGIC', 0, 'magic', hex(FDT_MAGIC), hex(magic));
  if (r.length < HEADER_FIELD.last_comp_version + 4) {
    fdtFail(f, 'FDT_ERR_TRUNCATED', 0, 'header', `a header of at least ${FDT_V16_SIZE} bytes`, `${r.length} bytes`);
  }
  const version = r.u32be(HEADER_FIELD.version, 'version');
  const lastCompVersion = r.u32be(HEADER_FIELD.last_comp_version, 'last_comp_version');
  if (version < FDT_FIRST_SUPPORTED_VERSION) {
    fdtFail(f, 'FDT_ERR_BADVERSION', HEADER_FIELD.version, 'version', `${FDT_FIRST_SUPPORTED_VERSION} or later`, `${version}`);
  }
  if (lastCompVersion > FDT_LAST_SUPPORTED_VERSION) {
    fdtFail(f, 'FDT_ERR_BADVERSION', HEADER_FIELD.last_comp_version, 'last_comp_version', `at most ${FDT_LAST_SUPPORTED_VERSION}`, `${lastCompVersion}`);
  }
  if (version < lastCompVersion) {
    fdtFail(f, 'FDT_ERR_BADVERSION', HEADER_FIELD.last_comp_version, 'last_comp_version', `at most version ${version}`, `${lastCompVersion}`);
  }
  const hdr = headerSize(version);
  if (r.length < hdr) fdtFail(f, 'FDT_ERR_TRUNCATED', 0, 'header', `a ${hdr}-byte header`, `${r.length} bytes`);
  const totalsize = r.u32be(HEADER_FIELD.totalsize, 'totalsize');
  if (totalsize < hdr) fdtFail(f, 'FDT_ERR_TRUNCATED', HEADER_FIELD.totalsize, 'totalsize', `at least the ${hdr}-byte header`, hex(totalsize));
  if (totalsize > r.length) {
    fdtFail(f, 'FDT_ERR_TRUNCATED', HEADER_FIELD.totalsize, 'totalsize', `at most the ${r.length}-byte input`, hex(totalsize));
  }
  return {
    magic,
    totalsize,
    offDtStruct: r.u32be(HEADER_FIELD.off_dt_struct, 'off_dt_struct'),
    offDtStrings: r.u32be(HEADER_FIELD.off_dt_strings, 'off_dt_strings'),
    offMemRsvmap: r.u32be(HEADER_FIELD.off_mem_rsvmap, 'off_mem_rsvmap'),
    version,
    lastCompVersion,
    bootCpuidPhys: r.u32be(HEADER_FIELD.boot_cpuid_phys, 'boot_cpuid_phys'),
    sizeDtStrings: r.u32be(HEADER_FIELD.size_dt_strings, 'size_dt_strings'),
    sizeDtStruct: version >= 17 ? r.u32be(HEADER_FIELD.size_dt_struct, 'size_dt_struct') : 0,
  };
}

/** Layer 2 (fdt_check_header()): every block starts after the header and ends inside totalsize, aligned. */
export function checkHeader(h: FdtHeader, file: string): void {
  const hdr = headerSize(h.version);
  const offsetInside = (off: number, field: keyof typeof HEADER_FIELD): void => {
    if (off < hdr || off > h.totalsize) {
      fdtFail(file, 'FDT_ERR_BADOFFSET', HEADER_FIELD[field], field, `an offset in [${hex(hdr)}, totalsize ${hex(h.totalsize)}]`, hex(off));
    }
  };
  // Numbers here are u32 read into doubles, so off + size cannot overflow; compare against totalsize directly.
  const blockInside = (off: number, size: number, field: keyof typeof HEADER_FIELD, sizeField: keyof typeof HEADER_FIELD): void => {
    offsetInside(off, field);
    if (off + size > h.totalsize) {
      fdtFail(file, 'FDT_ERR_BADOFFSET', HEADER_FIELD[sizeField], sizeField, `a block ending by totalsize ${hex(h.totalsize)}`, `${hex(off)} + ${hex(size)}`);
    }
  };
  offsetInside(h.offMemRsvmap, 'off_mem_rsvmap');
  if (h.offMemRsvmap % 8 !== 0) fdtFail(file, 'FDT_ERR_ALIGNMENT', HEADER_FIELD.off_mem_rsvmap, 'off_mem_rsvmap', 'an 8-byte aligned offset', hex(h.offMemRsvmap));
  if (h.version >= 17) blockInside(h.offDtStruct, h.sizeDtStruct, 'off_dt_struct', 'size_dt_struct');
  else offsetInside(h.offDtStruct, 'off_dt_struct');
  if (h.offDtStruct % 4 !== 0) fdtFail(file, 'FDT_ERR_ALIGNMENT', HEADER_FIELD.off_dt_struct, 'off_dt_struct', 'a 4-byte aligned offset', hex(h.offDtStruct));
  blockInside(h.offDtStrings, h.sizeDtStrings, 'off_dt_strings', 'size_dt_strings');
}
