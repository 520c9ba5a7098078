// The working state of early_init_fdt_scan_reserved_mem() (the reserved_mem[] array and the counters of
// drivers/of/of_reserved_mem.c), the flat-DT property helpers it uses, and its printk helper.
import type { FdtNode } from '../../inputs/fdt/tree.ts';
import { getProp, propCells, propStrings, readNumber } from '../../inputs/fdt/props.ts';
import type { LineKind } from '../../trace/events.ts';
import type { ModelContext } from '../context.ts';
import type { ReservedMemInput, ReservedMemVariant, RmemFormat, RmemKind } from './types.ts';

/** One struct reserved_mem. `failed`: its init failed and its memory was given back (6.12 keeps the slot). */
export interface SavedRmem {
  node: FdtNode;
  name: string;
  base: bigint;
  size: bigint;
  kind?: RmemKind;
  compatible?: string;
  failed?: boolean;
}

export interface RmemState {
  readonly v: ReservedMemVariant;
  readonly input: ReservedMemInput;
  readonly saved: SavedRmem[];
  /** total_reserved_mem_cnt (6.12/7.2): the capacity of reserved_mem[]. */
  capacity: number;
  cmaAreasUsed: number;
  defaultCmaArea?: { base: bigint; size: bigint };
}

/** Error codes the kernel functions return, as names (0 is success). */
export type Errno = 0 | 'ENOENT' | 'ENODEV' | 'EINVAL' | 'EBUSY' | 'ENOMEM' | 'ENOSPC';

export const hasProp = (node: FdtNode, name: string): boolean => getProp(node, name) !== undefined;

/** Models of_fdt_device_is_available() (drivers/of/fdt.c): no status, or "ok" / "okay". */
export function fdtDeviceIsAvailable(node: FdtNode): boolean {
  const p = getProp(node, 'status');
  if (!p) return true;
  const nul = p.value.indexOf(0);
  const s = String.fromCharCode(...p.value.subarray(0, nul < 0 ? p.value.length : nul));
  return s === 'ok' || s === 'okay';
}

/** Models of_flat_dt_is_compatible(): any entry of "compatible" equal, ignoring case (of_compat_cmp). */
export function flatDtIsCompatible(node: FdtNode, compat: string): boolean {
  const want = compat.toLowerCase();
  return propStrings(node, 'compatible').some((c) => c.toLowerCase() === want);
}

/** A property read as consecutive <cellsA cellsB> pairs with dt_mem_next_cell() (low 64 bits kept). */
export function cellPairs(node: FdtNode, name: string, cellsA: number, cellsB: number): { len: number; pairs: { a: bigint; b: bigint }[] } | undefined {
  const p = getProp(node, name);
  if (!p) return undefined;
  const cells = propCells(p);
  const per = cellsA + cellsB;
  const pairs: { a: bigint; b: bigint }[] = [];
  for (let i = 0; per > 0 && i + per <= cells.length; i += per) pairs.push({ a: readNumber(cells, i, cellsA), b: readNumber(cells, i + cellsA, cellsB) });
  return { len: p.value.length, pairs };
}

/** A single number of exactly `cells` cells, or 'bad-length' (the kernel's `len != cells * sizeof(__be32)` check). */
export function cellNumber(node: FdtNode, name: string, cells: number): bigint | 'bad-length' | undefined {
  const p = getProp(node, name);
  if (!p) return undefined;
  if (p.value.length !== cells * 4) return 'bad-length';
  return readNumber(propCells(p), 0, cells);
}

/** Records a printk of this unit with the generation's exact format. */
export function rmemPrint(ctx: ModelContext, site: string, f: RmemFormat | undefined, args: readonly (bigint | number | string)[], why?: string, kind: LineKind = 'reserved-mem'): void {
  if (!f) return;
  ctx.trace.print(site, { fmt: f.fmt, args, level: f.level, kind }, why);
}

export function createRmemState(v: ReservedMemVariant, input: ReservedMemInput): RmemState {
  return { v, input, saved: [], capacity: v.maxRegions, cmaAreasUsed: input.cmaAreasUsed ?? 0 };
}
