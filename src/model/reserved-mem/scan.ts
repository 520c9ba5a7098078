// Models early_init_fdt_scan_reserved_mem() (drivers/of/fdt.c) and the /reserved-memory passes it drives
// (drivers/of/of_reserved_mem.c: fdt_init_reserved_mem, fdt_scan_reserved_mem, fdt_scan_reserved_mem_reg_nodes
// / fdt_scan_reserved_mem_late), in each generation's order, 5.10–7.2 (kernel-notes §1.6).
import type { FdtNode } from '../../inputs/fdt/tree.ts';
import { findNode, walkNodes } from '../../inputs/fdt/tree.ts';
import { propU32 } from '../../inputs/fdt/props.ts';
import { hex, mib, note, type ModelContext } from '../context.ts';
import { memblockAlloc, memblockIsRegionReserved, memblockReserve } from '../memblock/index.ts';
import { SMP_CACHE_BYTES } from '../memblock/types.ts';
import { fdtValidateReservedMemNode, initAndUndo } from './init-fns.ts';
import { reservedMemAllocSize, reservedMemReserveReg } from './regions.ts';
import { libSort } from './sort.ts';
import { cellPairs, createRmemState, fdtDeviceIsAvailable, hasProp, rmemPrint, type RmemState, type SavedRmem } from './state.ts';
import type { ReservedMemInput, ReservedMemResult, ReservedMemVariant } from './types.ts';

/** Models early_init_fdt_scan_reserved_mem() (5.10: plus arm64 reserve_elfcorehdr() right after it). */
export function earlyInitFdtScanReservedMem(ctx: ModelContext, v: ReservedMemVariant, input: ReservedMemInput): ReservedMemResult {
  const st = createRmemState(v, input);
  const result: ReservedMemResult = { regions: [], cmaAreasUsed: st.cmaAreasUsed };
  const publish = (): void => {
    result.regions = st.saved.filter((r) => !r.failed && r.size > 0n).map((r) => ({
      name: r.name, base: r.base, size: r.size, nomap: hasProp(r.node, 'no-map'), reusable: hasProp(r.node, 'reusable'),
      ...(r.compatible ? { compatible: r.compatible } : {}), kind: r.kind ?? 'plain',
    }));
    result.defaultCmaArea = st.defaultCmaArea;
    result.cmaAreasUsed = st.cmaAreasUsed;
  };
  if (v.order === 'save-sort-init') {
    memreserve(ctx, input);
    scanSave(ctx, st);
    if (v.elfcorehdr === 'between-scan-and-init') reserveElfcorehdr(ctx, st);
    initSaved(ctx, st);
    if (v.elfcorehdr === 'after') reserveElfcorehdr(ctx, st);
  } else {
    reserveElfcorehdr(ctx, st);
    scanStaticThenDynamic(ctx, st);
    memreserve(ctx, input);
    result.late = (lateCtx) => {
      scanLate(lateCtx, st);
      publish();
    };
  }
  publish();
  return result;
}

/** The header /memreserve/ entries, up to the first of size 0: plain memblock_reserve(). */
function memreserve(ctx: ModelContext, input: ReservedMemInput): void {
  for (const [i, e] of input.fdt.memreserve.entries()) {
    if (!e.size) break;
    memblockReserve(ctx.mb, e.address, e.size);
    note(ctx, 'reserve', 'early_init_fdt_scan_reserved_mem', { base: e.address, size: e.size }, `/memreserve/ entry ${i}: ${mib(e.size)} at ${hex(e.address)}`);
  }
}

/** Models fdt_reserve_elfcorehdr() (6.1+) / arm64 reserve_elfcorehdr() (5.10). */
function reserveElfcorehdr(ctx: ModelContext, st: RmemState): void {
  const e = st.input.elfcorehdr;
  if (!e || !e.size) return;
  const site = st.v.elfcorehdr === 'after' ? 'reserve_elfcorehdr' : 'fdt_reserve_elfcorehdr';
  if (memblockIsRegionReserved(ctx.mb, e.base, e.size)) {
    rmemPrint(ctx, site, st.v.formats.elfcorehdrOverlapped, [], `[${hex(e.base)}, ${hex(e.base + e.size)}) is already reserved`, 'elfcorehdr');
    return;
  }
  memblockReserve(ctx.mb, e.base, e.size);
  note(ctx, 'reserve', site, e, `elfcorehdr of the crashed kernel, ${mib(e.size)} at ${hex(e.base)}`);
  rmemPrint(ctx, site, st.v.formats.elfcorehdrReserved, [e.size >> 10n, e.base], undefined, 'elfcorehdr');
}

/** Models __reserved_mem_check_root(): #size-cells and #address-cells equal the root's, and a ranges property. */
function checkRoot(node: FdtNode, input: ReservedMemInput): boolean {
  return propU32(node, '#size-cells') === input.rootSizeCells && propU32(node, '#address-cells') === input.rootAddrCells && hasProp(node, 'ranges');
}

/** The /reserved-memory node and the nodes each generation visits below it. */
function reservedMemoryNode(st: RmemState): { root: FdtNode; nodes: FdtNode[] } | undefined {
  if (st.v.rootLookup === 'path') {
    const root = findNode(st.input.fdt, '/reserved-memory');
    return root && { root, nodes: root.children };
  }
  // 5.10 of_scan_flat_dt(): the first depth-1 node named exactly "reserved-memory"; then every deeper node until depth < 2.
  const root = st.input.fdt.root.children.find((c) => c.name === 'reserved-memory');
  return root && { root, nodes: [...walkNodes(root)].slice(1) };
}

/** Models fdt_reserved_mem_save_node(). Returns the entry, or undefined when the array is full. */
function saveNode(ctx: ModelContext, st: RmemState, node: FdtNode, base: bigint, size: bigint): SavedRmem | undefined {
  if (st.saved.length === st.capacity) {
    rmemPrint(ctx, 'fdt_reserved_mem_save_node', st.v.formats.notEnoughSpace, [], `reserved_mem[] holds ${st.capacity} entries; '${node.name}' is dropped`);
    return undefined;
  }
  const r: SavedRmem = { node, name: node.name, base, size };
  st.saved.push(r);
  return r;
}

/** 5.10/6.1 __fdt_scan_reserved_mem / fdt_scan_reserved_mem(): static regs reserved; every node saved. */
function scanSave(ctx: ModelContext, st: RmemState): void {
  const found = reservedMemoryNode(st);
  if (!found) return;
  if (!checkRoot(found.root, st.input)) {
    rmemPrint(ctx, 'fdt_scan_reserved_mem', st.v.formats.unsupportedFormat, [], '/reserved-memory cells differ from the root\'s, or it has no ranges');
    return;
  }
  for (const node of found.nodes) {
    if (!fdtDeviceIsAvailable(node)) continue;
    const { err, first } = reservedMemReserveReg(ctx, st, node);
    if (err === 0 && first) saveNode(ctx, st, node, first.base, first.size);
    else if (err === 'ENOENT' && hasProp(node, 'size')) saveNode(ctx, st, node, 0n, 0n);
  }
}

/** Models __rmem_cmp() and __rmem_check_for_overlap(): sort reserved_mem[] (lib/sort.c), report neighbours that overlap. */
function checkForOverlap(ctx: ModelContext, st: RmemState, entries: SavedRmem[], offsets: Map<SavedRmem, number>): void {
  if (entries.length < 2) return;
  const cmp = (a: SavedRmem, b: SavedRmem): number => {
    if (a.base !== b.base) return a.base < b.base ? -1 : 1;
    if (a.size !== b.size) return a.size < b.size ? -1 : 1;
    if (!st.v.sortByNodeOffset) return 0;
    return Math.sign(offsets.get(a)! - offsets.get(b)!);
  };
  libSort(entries, cmp, st.v.sort);
  for (let i = 0; i + 1 < entries.length; i++) {
    const a = entries[i], b = entries[i + 1];
    if (a.base + a.size > b.base) {
      rmemPrint(ctx, '__rmem_check_for_overlap', st.v.formats.overlap, [a.name, a.base, a.base + a.size, b.name, b.base, b.base + b.size], 'a diagnostic only: both regions stay');
    }
  }
}

/** 5.10/6.1 fdt_init_reserved_mem(): sort, then in sorted order allocate the dynamic nodes and init every node. */
function initSaved(ctx: ModelContext, st: RmemState): void {
  checkForOverlap(ctx, st, st.saved, new Map(st.saved.map((r) => [r, r.node.offset])));
  for (const r of st.saved) {
    if (r.size === 0n) {
      const a = reservedMemAllocSize(ctx, st, r.node);
      if (a.err) continue;
      r.base = a.base!;
      r.size = a.size!;
    }
    initAndUndo(ctx, st, r);
  }
}

/**
 * 6.12/7.2 fdt_scan_reserved_mem(): pass A reserves static regs in DT order and remembers dynamic nodes; pass B
 * allocates them in DT order, saving and initing each at once. Sets total_reserved_mem_cnt.
 */
function scanStaticThenDynamic(ctx: ModelContext, st: RmemState): void {
  const { v } = st;
  const site = 'fdt_scan_reserved_mem';
  const found = reservedMemoryNode(st);
  if (!found) {
    if (!v.failedInitKeepsSlot) st.capacity = 0;
    return;
  }
  if (!checkRoot(found.root, st.input)) {
    rmemPrint(ctx, site, v.formats.unsupportedFormat, [], '/reserved-memory cells differ from the root\'s, or it has no ranges');
    if (!v.failedInitKeepsSlot) st.capacity = 0;
    return;
  }
  let count = 0;
  const dynamic: FdtNode[] = [];
  for (const node of found.nodes) {
    if (!fdtDeviceIsAvailable(node)) continue;
    const { err } = reservedMemReserveReg(ctx, st, node);
    if (!err) count++;
    if (err !== 'ENOENT' || !hasProp(node, 'size')) continue;
    if (dynamic.length === v.maxRegions) {
      rmemPrint(ctx, site, v.formats.tooManyDynamic, [node.name], `more than ${v.maxRegions} dynamic nodes`);
      continue;
    }
    dynamic.push(node);
  }
  for (const node of dynamic) {
    const a = reservedMemAllocSize(ctx, st, node);
    if (a.err) continue;
    count++;
    const r = saveNode(ctx, st, node, a.base!, a.size!);
    if (r) initAndUndoCounted(ctx, st, r);
  }
  st.capacity = count;
}

/** 6.12 keeps a failed node's slot; 7.2 (fdt_init_reserved_mem_node) does not count it. */
function initAndUndoCounted(ctx: ModelContext, st: RmemState, r: SavedRmem): void {
  if (initAndUndo(ctx, st, r) && !st.v.failedInitKeepsSlot) st.saved.splice(st.saved.indexOf(r), 1);
}

/**
 * Models fdt_scan_reserved_mem_reg_nodes() (6.12) / fdt_scan_reserved_mem_late() (7.2), at unflatten time:
 * memblock_alloc() the reserved_mem[] array for total_reserved_mem_cnt entries, then save and init each static
 * node (first reg entry only), then sort and check overlaps.
 */
function scanLate(ctx: ModelContext, st: RmemState): void {
  const { v, input } = st;
  const site = v.formats.lateIgnores ? 'fdt_scan_reserved_mem_reg_nodes' : 'fdt_scan_reserved_mem_late';
  const found = reservedMemoryNode(st);
  if (!found) {
    rmemPrint(ctx, site, v.formats.noNode, [], 'the DT has no /reserved-memory node');
    return;
  }
  if (st.capacity) {
    const size = BigInt(st.capacity) * v.reservedMemEntrySize;
    const base = memblockAlloc(ctx.mb, size, SMP_CACHE_BYTES);
    if (base === undefined) {
      note(ctx, 'alloc-failed', 'alloc_reserved_mem_array', undefined, `no room for the reserved_mem array (${size} bytes)`);
      rmemPrint(ctx, 'alloc_reserved_mem_array', v.formats.arrayAllocFailed, [-12]);
      st.saved.length = 0;
      return;
    }
    note(ctx, 'alloc', 'alloc_reserved_mem_array', { base, size },
      `reserved_mem array: ${st.capacity} entries × ${v.reservedMemEntrySize} bytes (total_reserved_mem_cnt) → ${hex(base)}`);
  }
  if (!checkRoot(found.root, input)) {
    rmemPrint(ctx, site, v.formats.unsupportedFormat, [], 'checked again at unflatten time');
    return;
  }
  const tLen = (input.rootAddrCells + input.rootSizeCells) * 4;
  for (const node of found.nodes) {
    let reg = cellPairs(node, 'reg', input.rootAddrCells, input.rootSizeCells);
    if (v.invalidReg === 'skip-node') {
      if (!reg || !fdtDeviceIsAvailable(node)) continue;
      if (reg.len && (tLen === 0 || reg.len % tLen !== 0)) {
        rmemPrint(ctx, site, v.formats.invalidReg, [node.name], 'reported again at unflatten time');
        continue;
      }
      if (reg.pairs.length > 1) rmemPrint(ctx, site, v.formats.lateIgnores, [site, reg.pairs.length - 1, node.name], 'only the first reg entry is saved');
    } else {
      if (!fdtDeviceIsAvailable(node)) continue;
      if (reg && (tLen === 0 || reg.len % tLen !== 0)) reg = undefined;
      if (!reg || !reg.pairs.length) continue;
      const ret = fdtValidateReservedMemNode(ctx, st, node, undefined, site);
      if (ret && ret !== 'ENODEV') continue;
    }
    // An empty reg would make the kernel read past the property; treated here as size 0 (skipped).
    const first = reg.pairs[0];
    if (!first || !first.b) continue;
    const r = saveNode(ctx, st, node, first.a, first.b);
    if (r) initAndUndoCounted(ctx, st, r);
  }
  checkForOverlap(ctx, st, st.saved, new Map(st.saved.map((r) => [r, r.node.offset])));
}
