// The ACPI system description table header (ACPI 6.5 §5.2.6, ACPICA `struct acpi_table_header`): probe and checks.
// Layers as in libfdt: the header fits the buffer → its length fits the buffer → the checksum sums to zero.
import { fail, InputFailure, ok, type Result } from '../errors.ts';
import { ByteReader, latin1 } from '../bytes/reader.ts';

export const ACPI_HEADER_SIZE = 36;

export interface AcpiTableHeader {
  /** Four characters, e.g. 'IORT'. */
  signature: string;
  /** The table's length in bytes, header included. */
  length: number;
  revision: number;
  checksum: number;
  /** Six characters, blank-padded, e.g. 'BOCHS '. */
  oemId: string;
  /** Eight characters, blank-padded, e.g. 'BXPC    '. */
  oemTableId: string;
  oemRevision: number;
  creatorId: string;
  creatorRevision: number;
}

export interface AcpiTable {
  header: AcpiTableHeader;
  /** The table's bytes, exactly `header.length` long. */
  bytes: Uint8Array;
  file: string;
}

/** The byte sum of a table (mod 256): 0 for a valid one. */
export function acpiChecksum(bytes: Uint8Array): number {
  let s = 0;
  for (const b of bytes) s = (s + b) & 0xff;
  return s;
}

/** Reads the header fields; `need` fails with ACPI_TRUNCATED when the buffer is shorter than a header. */
export function readAcpiHeader(r: ByteReader): AcpiTableHeader {
  if (r.length < ACPI_HEADER_SIZE) r.fail('ACPI_TRUNCATED', 0, 'header', `a ${ACPI_HEADER_SIZE}-byte ACPI table header`, `${r.length} bytes`);
  return {
    signature: latin1(r.slice(0, 4, 'signature')),
    length: r.u32le(4, 'length'),
    revision: r.u8(8, 'revision'),
    checksum: r.u8(9, 'checksum'),
    oemId: latin1(r.slice(10, 6, 'oem_id')),
    oemTableId: latin1(r.slice(16, 8, 'oem_table_id')),
    oemRevision: r.u32le(24, 'oem_revision'),
    creatorId: latin1(r.slice(28, 4, 'asl_compiler_id')),
    creatorRevision: r.u32le(32, 'asl_compiler_revision'),
  };
}

/**
 * Checks one ACPI table: header present, `length` ≥ 36 and ≤ the buffer, checksum zero over `length` bytes, and (when
 * given) the signature. Bytes past `length` are ignored, as the kernel does (acpi_table_upgrade reads `length` bytes).
 */
export function parseAcpiTable(bytes: Uint8Array, file: string, signature?: string): Result<AcpiTable> {
  try {
    const r = new ByteReader(bytes, file, 'acpi');
    const h = readAcpiHeader(r);
    if (signature !== undefined && h.signature !== signature) {
      r.fail('ACPI_BAD_SIGNATURE', 0, 'signature', `an ${signature} table`, JSON.stringify(h.signature));
    }
    if (h.length < ACPI_HEADER_SIZE) r.fail('ACPI_BAD_LENGTH', 4, 'length', `a table length of at least ${ACPI_HEADER_SIZE}`, String(h.length));
    if (h.length > bytes.length) r.fail('ACPI_TRUNCATED', 4, 'length', `a table length within the ${bytes.length}-byte buffer`, `0x${h.length.toString(16)}`);
    const body = bytes.subarray(0, h.length);
    const sum = acpiChecksum(body);
    if (sum !== 0) r.fail('ACPI_BAD_CHECKSUM', 9, 'checksum', 'bytes summing to 0 mod 256', `sum 0x${sum.toString(16)} (checksum byte 0x${h.checksum.toString(16)})`);
    return ok({ header: h, bytes: body, file });
  } catch (e) {
    if (e instanceof InputFailure) return fail(e.error.code === 'TRUNCATED' ? { ...e.error, code: 'ACPI_TRUNCATED' } : e.error);
    throw e;
  }
}
