// One bounds-checked big/little-endian reader for untrusted bytes: every read knows its offset and fails with it.
import { InputFailure, type InputKind } from '../errors.ts';

export class ByteReader {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    readonly kind: InputKind,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  fail(code: string, offset: number, field: string, expected: string, found?: string): never {
    throw new InputFailure({ kind: this.kind, code, file: this.file, offset, field, expected, found });
  }

  /** Checks that [offset, offset + size) lies inside the bytes, overflow-safe. */
  need(offset: number, size: number, field: string): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset < 0 || size < 0 || offset > this.length || size > this.length - offset) {
      this.fail('TRUNCATED', Math.max(0, Math.min(offset, this.length)), field, `${size} bytes at offset 0x${offset.toString(16)} inside the ${this.length}-byte input`);
    }
  }

  u8(offset: number, field: string): number {
    this.need(offset, 1, field);
    return this.view.getUint8(offset);
  }
  u16be(offset: number, field: string): number {
    this.need(offset, 2, field);
    return this.view.getUint16(offset, false);
  }
  u32be(offset: number, field: string): number {
    this.need(offset, 4, field);
    return this.view.getUint32(offset, false);
  }
  u64be(offset: number, field: string): bigint {
    this.need(offset, 8, field);
    return this.view.getBigUint64(offset, false);
  }
  u16le(offset: number, field: string): number {
    this.need(offset, 2, field);
    return this.view.getUint16(offset, true);
  }
  u32le(offset: number, field: string): number {
    this.need(offset, 4, field);
    return this.view.getUint32(offset, true);
  }
  u64le(offset: number, field: string): bigint {
    this.need(offset, 8, field);
    return this.view.getBigUint64(offset, true);
  }
  slice(offset: number, size: number, field: string): Uint8Array {
    this.need(offset, size, field);
    return this.bytes.subarray(offset, offset + size);
  }
  /** A NUL-terminated string starting at offset, never reading past `end`. */
  cstring(offset: number, end: number, field: string): string {
    this.need(offset, 0, field);
    const limit = Math.min(end, this.length);
    let i = offset;
    while (i < limit && this.bytes[i] !== 0) i++;
    if (i >= limit) this.fail('BADSTRING', offset, field, 'a NUL-terminated string');
    return latin1(this.bytes.subarray(offset, i));
  }
}

const codes: number[] = [];

export function latin1(b: Uint8Array): string {
  // names are short: one fromCharCode over a reused plain array (no string per byte; spreading a typed
  // array into arguments is ~20x slower). TextDecoder('latin1') would be windows-1252, not latin1.
  if (b.length <= 32) {
    codes.length = b.length;
    for (let i = 0; i < b.length; i++) codes[i] = b[i];
    return String.fromCharCode.apply(null, codes);
  }
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode.apply(null, b.subarray(i, i + 4096) as unknown as number[]);
  return s;
}
