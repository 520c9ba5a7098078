// The boards survey: for one board DTB, its DMA zone limit, its memory (declared or as firmware fills it),
// its /reserved-memory, and where crashkernel= would land on a given kernel. Pure: bytes in, a row out.
import { predict } from '../api/predict.ts';
import { declaredMemory, firmwareMemory, withMemory } from '../inputs/boards/memory.ts';
import { formatInputError } from '../inputs/errors.ts';
import { parseFdt } from '../inputs/fdt/check.ts';
import { dtRootCells, regEntries } from '../inputs/fdt/address.ts';
import { getProp, propStrings, propString } from '../inputs/fdt/props.ts';
import { findNode, type Fdt } from '../inputs/fdt/tree.ts';
import type { PhysRange } from '../inputs/iomem.ts';
import { ofDmaGetMaxCpuAddressExplained, PHYS_ADDR_MAX } from '../model/of-address.ts';

export interface ReservedNode {
  name: string;
  regions: PhysRange[];
  /** size of a dynamic (size/alloc-ranges) node. */
  size?: bigint;
  noMap: boolean;
  reusable: boolean;
  compatible?: string;
}

export interface CrashCell {
  request: string;
  ok: boolean;
  regions: PhysRange[];
  failure?: string;
  /** A region ends above the DMA zone limit: devices limited by dma-ranges cannot reach it (kdump's own DMA). */
  aboveDmaLimit: boolean;
  error?: string;
}

export interface BoardRow {
  file: string;
  model?: string;
  compatible?: string;
  /** of_dma_get_max_cpu_address(): inclusive; PHYS_ADDR_MAX when nothing limits. */
  dmaLimit?: bigint;
  dmaSource?: string;
  declared: PhysRange[];
  memory: PhysRange[];
  memoryRule: string;
  reserved: ReservedNode[];
  crash: CrashCell[];
  /** The DTB the model rejects (or the survey could not run): the row's only content. */
  error?: string;
}

export interface SurveyOptions {
  /** DRAM to fill in as firmware would; without it the declared memory is used. */
  ramBytes?: bigint;
  kernel: string;
  requests: readonly string[];
}

const MiB = 1n << 20n;

/**
 * Where the survey's boot loader puts things, relative to the first bank (as QEMU's -kernel loader and
 * U-Boot's usual kernel_addr_r do): Image 2 MiB above its base (2 MiB-aligned, booting.rst), DTB at
 * base + min(RAM/2, 128 MiB) rounded up to 2 MiB plus 2 MiB.
 */
export function surveyPlacement(banks: readonly PhysRange[]): { imageAddr: bigint; dtbAddr: bigint } {
  const b = banks.slice().sort((x, y) => (x.base < y.base ? -1 : 1))[0];
  const half = b.size / 2n < 128n * MiB ? b.size / 2n : 128n * MiB;
  const dtb = ((b.base + half + 2n * MiB - 1n) & ~(2n * MiB - 1n));
  return { imageAddr: b.base + 2n * MiB, dtbAddr: dtb + 2n * MiB < b.base + b.size ? dtb : b.base + b.size - 2n * MiB };
}

function reservedNodes(fdt: Fdt): ReservedNode[] {
  const rm = findNode(fdt, '/reserved-memory');
  if (!rm) return [];
  const cells = { addrCells: propU32(rm, '#address-cells') ?? dtRootCells(fdt).addrCells, sizeCells: propU32(rm, '#size-cells') ?? dtRootCells(fdt).sizeCells };
  return rm.children.map((n) => {
    const r = regEntries(fdt, n, cells);
    const sizeProp = getProp(n, 'size');
    let size: bigint | undefined;
    if (sizeProp && sizeProp.value.length >= 4) {
      const dv = new DataView(sizeProp.value.buffer, sizeProp.value.byteOffset, sizeProp.value.byteLength);
      size = sizeProp.value.length >= 8 ? dv.getBigUint64(0) : BigInt(dv.getUint32(0));
    }
    return {
      name: n.name, regions: r.ok ? r.value.entries : [], size, noMap: !!getProp(n, 'no-map'), reusable: !!getProp(n, 'reusable'),
      compatible: propStrings(n, 'compatible')[0],
    };
  });
}

function propU32(n: Parameters<typeof getProp>[0], name: string): number | undefined {
  const p = getProp(n, name);
  return p && p.value.length >= 4 ? new DataView(p.value.buffer, p.value.byteOffset, 4).getUint32(0) : undefined;
}

export function surveyBoard(bytes: Uint8Array, file: string, o: SurveyOptions): BoardRow {
  const row: BoardRow = { file, declared: [], memory: [], memoryRule: '', reserved: [], crash: [] };
  try {
    const parsed = parseFdt(bytes, file);
    if (!parsed.ok) return { ...row, error: formatInputError(parsed.error) };
    const fdt = parsed.value;
    row.model = propString(fdt.root, 'model');
    row.compatible = propStrings(fdt.root, 'compatible')[0];
    const dma = ofDmaGetMaxCpuAddressExplained(fdt);
    row.dmaLimit = dma.limit;
    row.dmaSource = dma.source?.node;
    row.declared = declaredMemory(fdt);
    row.reserved = reservedNodes(fdt);
    let dtb: Uint8Array | undefined;
    if (o.ramBytes !== undefined) {
      const fill = firmwareMemory(fdt, o.ramBytes);
      row.memory = fill.banks;
      row.memoryRule = `${fill.rule}: ${fill.why}`;
      dtb = withMemory(fdt, fill.banks);
    } else {
      row.memory = row.declared.filter((b) => b.size > 0n);
      row.memoryRule = row.memory.length ? 'declared' : 'none declared: firmware fills it in (give --ram)';
      dtb = row.memory.length ? bytes : undefined;
    }
    if (!dtb) return row;
    const at = surveyPlacement(row.memory);
    for (const req of o.requests) {
      const cell: CrashCell = { request: req, ok: false, regions: [], aboveDmaLimit: false };
      const p = predict({ dtb: { bytes: dtb, file }, kernel: o.kernel, loader: { type: 'at', ...at }, cmdline: `crashkernel=${req}` });
      if (!p.ok) {
        cell.error = formatInputError(p.error);
      } else if (p.value.crash) {
        const c = p.value.crash;
        cell.ok = c.ok;
        cell.failure = c.failure;
        if (c.main) cell.regions.push(c.main);
        if (c.low && c.low !== c.main) cell.regions.push(c.low);
        cell.aboveDmaLimit = dma.limit !== PHYS_ADDR_MAX && cell.regions.some((r) => r.base + r.size - 1n > dma.limit);
      }
      row.crash.push(cell);
    }
    return row;
  } catch (e) {
    return { ...row, error: `the model failed on this board: ${(e as Error).message}` };
  }
}
