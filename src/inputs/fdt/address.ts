// #address-cells/#size-cells lookup (the unflattened-tree rules and the early flat-tree scan) and `reg`-style entries.
import { fail, ok, type Result } from '../errors.ts';
import { fdtError, hex } from './errors.ts';
import { getProp, propU32, readNumber, propCells } from './props.ts';
import type { Fdt, FdtNode } from './tree.ts';

/** OF_ROOT_NODE_ADDR_CELLS_DEFAULT / _SIZE_CELLS_DEFAULT (drivers/of/of_private.h): 1 and 1 on every arch but sparc, 5.10–7.2. */
export const OF_ROOT_NODE_ADDR_CELLS_DEFAULT = 1;
export const OF_ROOT_NODE_SIZE_CELLS_DEFAULT = 1;

/** Models of_bus_n_addr_cells() (drivers/of/base.c): the node's own #address-cells, else the nearest ancestor's, else 1. */
export function ofBusNAddrCells(node: FdtNode): number {
  for (let n: FdtNode | null = node; n; n = n.parent) {
    const v = propU32(n, '#address-cells');
    if (v !== undefined) return v;
  }
  return OF_ROOT_NODE_ADDR_CELLS_DEFAULT;
}

/** Models of_bus_n_size_cells() (drivers/of/base.c). */
export function ofBusNSizeCells(node: FdtNode): number {
  for (let n: FdtNode | null = node; n; n = n.parent) {
    const v = propU32(n, '#size-cells');
    if (v !== undefined) return v;
  }
  return OF_ROOT_NODE_SIZE_CELLS_DEFAULT;
}

/** Models of_n_addr_cells() (drivers/of/base.c): the cells of the bus the node sits on (starts at its parent). */
export function ofNAddrCells(node: FdtNode): number {
  return ofBusNAddrCells(node.parent ?? node);
}

/** Models of_n_size_cells() (drivers/of/base.c). */
export function ofNSizeCells(node: FdtNode): number {
  return ofBusNSizeCells(node.parent ?? node);
}

export interface DtRootCells {
  addrCells: number;
  sizeCells: number;
  /** Root properties that were absent (6.x and 7.2 WARN "No '#size-cells' in root node") or shorter than a cell. */
  missing: string[];
}

/**
 * Models early_init_dt_scan_root() (drivers/of/fdt.c): dt_root_addr_cells / dt_root_size_cells,
 * read from the root only (no walk), default 1/1. The kernel reads the first cell of any-length
 * property; a property shorter than 4 bytes is reported in `missing` and the default kept.
 */
export function dtRootCells(fdt: Fdt): DtRootCells {
  const missing: string[] = [];
  const read = (name: string, dflt: number): number => {
    const v = propU32(fdt.root, name);
    if (v === undefined) missing.push(name);
    return v ?? dflt;
  };
  const sizeCells = read('#size-cells', OF_ROOT_NODE_SIZE_CELLS_DEFAULT);
  const addrCells = read('#address-cells', OF_ROOT_NODE_ADDR_CELLS_DEFAULT);
  return { addrCells, sizeCells, missing };
}

export interface RegEntry {
  base: bigint;
  size: bigint;
}
export interface RegEntries {
  entries: RegEntry[];
  /** Bytes after the last whole entry (5.10–6.12 ignore them; 7.2 ignores a `reg` of the memory scan that has any). */
  trailingBytes: number;
  /** The property's FDT_PROP token offset, for diagnostics. */
  offset: number;
}

/**
 * `reg`-style <base size> entries of a property, read with the given cell counts; values keep the
 * low 64 bits (of_read_number / dt_mem_next_cell). A missing property gives no entries; a non-empty
 * property shorter than one entry is an error at the property's offset.
 */
export function regEntries(fdt: Fdt, node: FdtNode, cells: { addrCells: number; sizeCells: number }, propName = 'reg'): Result<RegEntries> {
  const p = getProp(node, propName);
  if (!p) return ok({ entries: [], trailingBytes: 0, offset: -1 });
  const { addrCells, sizeCells } = cells;
  if (!Number.isInteger(addrCells) || addrCells < 1 || addrCells > 4 || !Number.isInteger(sizeCells) || sizeCells < 0 || sizeCells > 4) {
    return fail(fdtError(fdt.file, 'FDT_ERR_BADNCELLS', p.offset, `${node.path}:${propName}`, '#address-cells 1..4 and #size-cells 0..4', `${addrCells}/${sizeCells}`));
  }
  const entryBytes = (addrCells + sizeCells) * 4;
  const len = p.value.length;
  if (len > 0 && len < entryBytes) {
    return fail(fdtError(fdt.file, 'FDT_ERR_TRUNCATED', p.offset, `${node.path}:${propName}`, `at least one ${entryBytes}-byte <${addrCells} ${sizeCells}> entry`, `${len} bytes`));
  }
  const all = propCells(p);
  const entries: RegEntry[] = [];
  const whole = Math.floor(len / entryBytes);
  for (let i = 0; i < whole; i++) {
    const c = i * (addrCells + sizeCells);
    entries.push({ base: readNumber(all, c, addrCells), size: readNumber(all, c + addrCells, sizeCells) });
  }
  return ok({ entries, trailingBytes: len - whole * entryBytes, offset: p.offset });
}

export const describeReg = (e: RegEntry): string => `<${hex(e.base)} ${hex(e.size)}>`;
