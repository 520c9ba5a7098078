// Property accessors: raw lookup, u32, strings, big-endian cells (of_get_property, of_property_read_*, of_read_number).
import { latin1 } from '../bytes/reader.ts';
import type { FdtNode, FdtProp } from './tree.ts';

export const U64_MASK = (1n << 64n) - 1n;

/** The first property of that name, as the kernel's __of_find_property() finds it. */
export function getProp(node: FdtNode, name: string): FdtProp | undefined {
  const props = node.props;
  for (let i = 0; i < props.length; i++) if (props[i].name === name) return props[i];
  return undefined;
}

/** The first cell of the property (of_property_read_u32 needs at least 4 bytes). */
export function propU32(node: FdtNode, name: string): number | undefined {
  const p = getProp(node, name);
  if (!p || p.value.length < 4) return undefined;
  return ((p.value[0] << 24) | (p.value[1] << 16) | (p.value[2] << 8) | p.value[3]) >>> 0;
}

/** The first string, if it is NUL-terminated inside the property (of_property_read_string()). */
export function propString(node: FdtNode, name: string): string | undefined {
  const p = getProp(node, name);
  if (!p) return undefined;
  const nul = p.value.indexOf(0);
  return nul < 0 ? undefined : latin1(p.value.subarray(0, nul));
}

/** Whether the property's first string is exactly `expected` (propString() === expected, without making the string). */
export function propStringIs(node: FdtNode, name: string, expected: string): boolean {
  const p = getProp(node, name);
  if (!p) return false;
  const v = p.value;
  if (v.length <= expected.length || v[expected.length] !== 0) return false;
  for (let i = 0; i < expected.length; i++) if (v[i] !== expected.charCodeAt(i)) return false;
  return true;
}

/** Every NUL-terminated string of a string-list property; an unterminated tail is dropped. */
export function propStrings(node: FdtNode, name: string): string[] {
  const p = getProp(node, name);
  if (!p) return [];
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < p.value.length; i++) {
    if (p.value[i] === 0) {
      out.push(latin1(p.value.subarray(start, i)));
      start = i + 1;
    }
  }
  return out;
}

/**
 * The big-endian number in `cells` cells (1..4) starting at cell `cellIndex`: the exact value, not
 * truncated (of_read_number() keeps the low 64 bits; use readNumber() for that). Callers check the
 * length first: reading past the bytes is a bug of ours and throws.
 */
export function readCells(bytes: Uint8Array, cellIndex: number, cells: number): bigint {
  if (!Number.isInteger(cells) || cells < 1 || cells > 4) throw new RangeError(`readCells: ${cells} cells (1..4)`);
  const start = cellIndex * 4;
  if (!Number.isInteger(cellIndex) || cellIndex < 0 || start + cells * 4 > bytes.length) {
    throw new RangeError(`readCells: cells ${cellIndex}..${cellIndex + cells - 1} outside ${bytes.length} bytes`);
  }
  let v = 0n;
  for (let i = 0; i < cells; i++) v = (v << 32n) | BigInt(cellAt(bytes, cellIndex + i));
  return v;
}

/** Models of_read_number() (include/linux/of.h): any number of cells, the low 64 bits kept. */
export function readNumber(cells: readonly number[], start: number, count: number): bigint {
  let v = 0n;
  for (let i = 0; i < count; i++) v = ((v << 32n) | BigInt((cells[start + i] ?? 0) >>> 0)) & U64_MASK;
  return v;
}

/** readNumber() over the property's bytes directly: `count` cells from cell `start` (the bytes hold them). */
export function readNumberAt(bytes: Uint8Array, start: number, count: number): bigint {
  if (count === 1) return BigInt(cellAt(bytes, start));
  if (count === 2) {
    const hi = cellAt(bytes, start);
    const lo = cellAt(bytes, start + 1);
    // below 2^53 the double is exact: one bigint instead of four
    return hi < 0x200000 ? BigInt(hi * 0x100000000 + lo) : (BigInt(hi) << 32n) | BigInt(lo);
  }
  let v = 0n;
  for (let i = 0; i < count; i++) v = ((v << 32n) | BigInt(cellAt(bytes, start + i))) & U64_MASK;
  return v;
}

export function cellAt(bytes: Uint8Array, cellIndex: number): number {
  const o = cellIndex * 4;
  return ((bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3]) >>> 0;
}

/** The property as whole u32 cells (a trailing partial cell is dropped, as `len / 4` does in the kernel). */
export function propCells(p: FdtProp): number[] {
  const out: number[] = [];
  for (let i = 0; i + 4 <= p.value.length; i += 4) out.push(cellAt(p.value, i / 4));
  return out;
}
