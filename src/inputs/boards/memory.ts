// Writes /memory into a devicetree the way boot firmware does before it starts Linux: the declared banks,
// a board family's firmware rule (raspberry-pi.ts), or one bank from the lowest address the board allows.
import { dtRootCells, regEntries } from '../fdt/address.ts';
import { getProp, propString } from '../fdt/props.ts';
import type { Fdt, FdtNode } from '../fdt/tree.ts';
import { buildFdt, type FdtBuildNode } from '../fdt/writer.ts';
import { ofDmaGetMaxCpuAddressExplained } from '../../model/of-address.ts';
import type { PhysRange } from '../iomem.ts';
import { raspberryPiBanks } from './raspberry-pi.ts';

const isMemoryNode = (n: FdtNode): boolean => propString(n, 'device_type') === 'memory';

/** The banks the DTB's memory nodes declare (zero-sized entries kept: firmware is meant to fill them). */
export function declaredMemory(fdt: Fdt): PhysRange[] {
  const cells = dtRootCells(fdt);
  const out: PhysRange[] = [];
  for (const n of fdt.root.children) {
    if (!isMemoryNode(n)) continue;
    const r = regEntries(fdt, n, cells);
    if (r.ok) out.push(...r.value.entries);
  }
  return out;
}

export interface MemoryFill {
  banks: PhysRange[];
  /** 'declared' (as the DTB says), 'raspberry-pi' (that firmware's rule), 'lowest-base' (one bank), 'given' (the caller's). */
  rule: 'declared' | 'raspberry-pi' | 'lowest-base' | 'given';
  why: string;
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;

/**
 * The memory firmware would hand the kernel for `ramBytes` of DRAM: the Raspberry Pi firmware's rule for
 * its boards; otherwise one bank of `ramBytes` from the lowest declared bank's base (U-Boot's
 * fdt_fixup_memory() keeps the board's DRAM base), or from the node name's unit address, or from the
 * lowest CPU address any dma-ranges maps (where the buses see DRAM), or 0.
 */
export function firmwareMemory(fdt: Fdt, ramBytes: bigint): MemoryFill {
  const rpi = raspberryPiBanks(fdt, ramBytes);
  if (rpi) return { banks: rpi.banks, rule: 'raspberry-pi', why: rpi.why };
  const declared = declaredMemory(fdt);
  if (declared.length > 0) {
    const base = declared.reduce((m, b) => (b.base < m ? b.base : m), declared[0].base);
    return { banks: [{ base, size: ramBytes }], rule: 'lowest-base', why: `one bank at the declared base ${hex(base)}` };
  }
  for (const n of fdt.root.children) {
    const m = /^memory@([0-9a-f]+)$/i.exec(n.name);
    if (m && isMemoryNode(n)) return { banks: [{ base: BigInt(`0x${m[1]}`), size: ramBytes }], rule: 'lowest-base', why: `one bank at ${n.name}'s unit address` };
  }
  const dma = ofDmaGetMaxCpuAddressExplained(fdt);
  let low: bigint | undefined;
  for (const c of dma.considered) for (const r of c.ranges) if (r.size > 0n && (low === undefined || r.cpuAddr < low)) low = r.cpuAddr;
  if (low !== undefined) return { banks: [{ base: low, size: ramBytes }], rule: 'lowest-base', why: `one bank at the lowest dma-ranges CPU address ${hex(low)}` };
  return { banks: [{ base: 0n, size: ramBytes }], rule: 'lowest-base', why: 'one bank at 0 (no memory node or dma-ranges says otherwise)' };
}

function cellsOf(v: bigint, n: number): number[] {
  const out: number[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(Number((v >> BigInt(32 * i)) & 0xffffffffn));
  return out;
}

function u32s(words: number[]): Uint8Array {
  const b = new Uint8Array(words.length * 4);
  const dv = new DataView(b.buffer);
  words.forEach((w, i) => dv.setUint32(i * 4, w >>> 0));
  return b;
}

/**
 * A copy of the DTB whose memory is `banks`: the first memory node gets them all in its `reg` (as the
 * Raspberry Pi firmware and U-Boot rewrite it), other memory nodes are dropped; a tree with none gets
 * `memory@<base>`. `nomap` ranges become /reserved-memory no-map children (how a snapshot keeps the
 * EFI NOMAP regions it saw as top-level "reserved" in /proc/iomem).
 */
export function withMemory(fdt: Fdt, banks: readonly PhysRange[], nomap: readonly PhysRange[] = []): Uint8Array {
  const { addrCells, sizeCells } = dtRootCells(fdt);
  const reg = u32s(splitForCells(banks, sizeCells).flatMap((b) => [...cellsOf(b.base, addrCells), ...cellsOf(b.size, sizeCells)]));
  const children: FdtBuildNode[] = [];
  let placed = false;
  for (const c of fdt.root.children) {
    if (isMemoryNode(c)) {
      if (placed) continue;
      placed = true;
      children.push({ name: c.name, props: [...c.props.filter((p) => p.name !== 'reg'), { name: 'reg', value: reg }], children: c.children });
    } else if (c.name === 'reserved-memory' && nomap.length > 0) {
      children.push({ name: c.name, props: c.props, children: [...c.children, ...nomapNodes(nomap, addrCells, sizeCells)] });
      nomap = [];
    } else {
      children.push(c);
    }
  }
  if (!placed && banks.length > 0) {
    children.push({ name: `memory@${banks[0].base.toString(16)}`, props: [{ name: 'device_type', value: u8z('memory') }, { name: 'reg', value: reg }], children: [] });
  }
  if (nomap.length > 0) {
    const props = [
      { name: '#address-cells', value: u32s([addrCells]) },
      { name: '#size-cells', value: u32s([sizeCells]) },
      { name: 'ranges', value: new Uint8Array(0) },
    ];
    children.push({ name: 'reserved-memory', props, children: nomapNodes(nomap, addrCells, sizeCells) });
  }
  return buildFdt({ name: '', props: fdt.root.props, children }, { memreserve: fdt.memreserve.map((m) => ({ address: m.address, size: m.size })), bootCpuidPhys: fdt.header.bootCpuidPhys });
}

/** Banks a `#size-cells` of 1 cannot hold cut into 2 GiB entries (as the Pi firmware writes 8 GiB). */
function splitForCells(banks: readonly PhysRange[], sizeCells: number): PhysRange[] {
  if (sizeCells >= 2) return [...banks];
  const max = 1n << 31n;
  const out: PhysRange[] = [];
  for (const b of banks) {
    if (b.size < 1n << 32n) out.push(b);
    else for (let at = 0n; at < b.size; at += max) out.push({ base: b.base + at, size: b.size - at < max ? b.size - at : max });
  }
  return out;
}

function nomapNodes(nomap: readonly PhysRange[], addrCells: number, sizeCells: number): FdtBuildNode[] {
  return nomap.map((r) => ({
    name: `nomap@${r.base.toString(16)}`,
    props: [{ name: 'reg', value: u32s([...cellsOf(r.base, addrCells), ...cellsOf(r.size, sizeCells)]) }, { name: 'no-map', value: new Uint8Array(0) }],
    children: [],
  }));
}

const u8z = (s: string): Uint8Array => Uint8Array.from([...s].map((c) => c.charCodeAt(0)).concat(0));

/** True when a node has a property (re-exported for the survey). */
export const hasProp = (n: FdtNode, name: string): boolean => getProp(n, name) !== undefined;
