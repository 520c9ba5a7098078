// Test helpers: a small valid blob and a raw token assembler for hand-broken structure blocks.
import { buildFdt, fdtValue, type FdtBuildNode } from '../../src/inputs/fdt/index.ts';

export const node = (name: string, props: [string, Uint8Array][] = [], children: FdtBuildNode[] = []): FdtBuildNode => ({
  name,
  props: props.map(([n, value]) => ({ name: n, value })),
  children,
});

/** dtc layout: header 0x28, one memreserve entry + terminator (0x28..0x48), structure at 0x48. */
export function smallTree(): FdtBuildNode {
  return node('', [['#address-cells', fdtValue.u32(2)], ['#size-cells', fdtValue.u32(2)], ['model', fdtValue.strings('test')]], [
    node('memory@40000000', [['device_type', fdtValue.strings('memory')], ['reg', fdtValue.cells(2, 0x40000000n, 0x20000000n)]]),
    node('chosen', [['bootargs', fdtValue.strings('console=ttyAMA0')]]),
  ]);
}
export function smallBlob(): Uint8Array {
  return buildFdt(smallTree(), { layout: 'dtc', memreserve: [{ address: 0x48000000n, size: 0x1000n }] });
}

export function setU32(b: Uint8Array, off: number, v: number): Uint8Array {
  const c = b.slice();
  new DataView(c.buffer).setUint32(off, v >>> 0);
  return c;
}

/** A version-17 blob from raw structure words and a strings block (no memreserve entries). */
export function rawFdt(words: number[], strings: string): Uint8Array {
  const structOff = 0x38;
  const stringsOff = structOff + words.length * 4;
  const total = stringsOff + strings.length;
  const b = new Uint8Array(total);
  const v = new DataView(b.buffer);
  [0xd00dfeed, total, structOff, stringsOff, 0x28, 17, 16, 0, strings.length, words.length * 4].forEach((x, i) => v.setUint32(i * 4, x));
  words.forEach((w, i) => v.setUint32(structOff + i * 4, w >>> 0));
  for (let i = 0; i < strings.length; i++) b[stringsOff + i] = strings.charCodeAt(i);
  return b;
}
/** Words of a node name, NUL-padded to 4 bytes. */
export function nameWords(name: string): number[] {
  const bytes = [...name].map((c) => c.charCodeAt(0));
  bytes.push(0);
  while (bytes.length % 4) bytes.push(0);
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i += 4) out.push(((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0);
  return out;
}
export const BEGIN = 1, END_NODE = 2, PROP = 3, NOP = 4, END = 9;
