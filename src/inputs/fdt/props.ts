// Property accessors: raw lookup, u32, strings, big-endian cells (of_get_property, of_property_read_*, of_read_number).
import { latin1 } from '../bytes/reader.ts';
import type { FdtNode, FdtProp } from './tree.ts';

export const U64_MASK = (1n << 64n) - 1n;

/** The first property of that name, as the kernel's __of_find_property() finds it. */
export function getProp(node: FdtNode, name: string): FdtProp | undefined {
  return node.props.find((p) => p.name === name);
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
