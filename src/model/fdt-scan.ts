// Models setup_machine_fdt() (arch/arm64/kernel/setup.c) and early_init_dt_scan() (drivers/of/fdt.c):
// the blob's own reservation, /chosen, the root cells and the /memory nodes, 5.10–7.2.
import { getProp, propCells, propString, propStringIs, readNumber, readNumberAt } from '../inputs/fdt/props.ts';
import type { Fdt, FdtNode } from '../inputs/fdt/tree.ts';
import { hex, ModelPanic, note, type ModelContext } from './context.ts';
import { memblockAdd, memblockCapMemoryRange, memblockMarkHotplug, memblockReserve } from './memblock/index.ts';

export interface FdtScanVariant {
  /** 5.10 scans device_type=memory nodes at any depth, ignoring status; 6.1+ only available children of /. */
  memoryNodesAnyDepth: boolean;
  /** 6.1+: early_init_dt_check_for_usable_mem_range() right after the memory nodes (5.10 does it later, in arm64 code). */
  usableRangesInScan?: boolean;
}

export interface ChosenFacts {
  bootargs?: string;
  initrd?: { start: bigint; end: bigint };
  usableMemoryRange: { base: bigint; size: bigint }[];
  elfcorehdr?: { base: bigint; size: bigint };
  /** /chosen/kaslr-seed when it is one u64 (get_kaslr_seed() ignores any other length). */
  kaslrSeed?: bigint;
}

export interface FdtScanResult {
  rootAddrCells: number;
  rootSizeCells: number;
  chosen: ChosenFacts;
  memoryFound: boolean;
}

const DEFAULT_ROOT_CELLS = 1;

/** memblock_reserve(dt_phys, fdt_totalsize()): the exact totalsize, not page-aligned, before any memory exists. */
export function setupMachineFdt(ctx: ModelContext, dtbAddr: bigint, totalsize: number): void {
  memblockReserve(ctx.mb, dtbAddr, BigInt(totalsize));
  note(ctx, 'reserve', 'setup_machine_fdt', { base: dtbAddr, size: BigInt(totalsize) }, `the devicetree blob itself (totalsize ${hex(BigInt(totalsize))})`);
}

const available = (n: FdtNode): boolean => {
  const s = propString(n, 'status');
  return s === undefined || s === 'okay' || s === 'ok';
};

function pairs(n: FdtNode, name: string, ac: number, sc: number): { base: bigint; size: bigint }[] {
  const p = getProp(n, name);
  if (!p) return [];
  const bytes = p.value;
  const nCells = bytes.length >> 2;
  const out: { base: bigint; size: bigint }[] = [];
  // With no cells per entry the kernel's `while ((endp - reg) >= (ac + sc))` never ends: it hangs at boot.
  if (ac + sc === 0 && nCells) throw new ModelPanic('early_init_dt_scan_memory', `${n.path} ${name}: #address-cells + #size-cells = 0, the kernel loops forever`);
  for (let i = 0; i + ac + sc <= nCells; i += ac + sc) out.push({ base: readNumberAt(bytes, i, ac), size: readNumberAt(bytes, i + ac, sc) });
  return out;
}

/** Models early_init_dt_scan_nodes(): chosen, root cells, memory. Memory goes through early_init_dt_add_memory_arch(). */
export function earlyInitDtScan(ctx: ModelContext, v: FdtScanVariant, fdt: Fdt, pageSize: bigint): FdtScanResult {
  const root = fdt.root;
  const ac = propCells(getProp(root, '#address-cells') ?? { name: '', value: new Uint8Array(), offset: 0 })[0] ?? DEFAULT_ROOT_CELLS;
  const sc = propCells(getProp(root, '#size-cells') ?? { name: '', value: new Uint8Array(), offset: 0 })[0] ?? DEFAULT_ROOT_CELLS;
  const chosenNode = root.children.find((c) => c.name === 'chosen') ?? root.children.find((c) => c.name === 'chosen@0');
  const chosen: ChosenFacts = { usableMemoryRange: [] };
  if (chosenNode) {
    const ba = getProp(chosenNode, 'bootargs');
    if (ba) {
      const nul = ba.value.indexOf(0);
      chosen.bootargs = new TextDecoder('latin1').decode(ba.value.subarray(0, nul < 0 ? ba.value.length : nul));
    }
    const is = getProp(chosenNode, 'linux,initrd-start');
    const ie = getProp(chosenNode, 'linux,initrd-end');
    if (is && ie) {
      const start = readNumber(propCells(is), 0, is.value.length / 4);
      const end = readNumber(propCells(ie), 0, ie.value.length / 4);
      chosen.initrd = { start, end };
    }
    chosen.usableMemoryRange = pairs(chosenNode, 'linux,usable-memory-range', ac, sc);
    const ks = getProp(chosenNode, 'kaslr-seed');
    if (ks && ks.value.length === 8) chosen.kaslrSeed = new DataView(ks.value.buffer, ks.value.byteOffset, 8).getBigUint64(0);
    const ech = pairs(chosenNode, 'linux,elfcorehdr', ac, sc);
    if (ech.length) chosen.elfcorehdr = ech[0];
  }
  let memoryFound = false;
  const visit = (n: FdtNode, depth: number): void => {
    const isMemory = propStringIs(n, 'device_type', 'memory');
    if (isMemory && (v.memoryNodesAnyDepth || available(n))) {
      const prop = getProp(n, 'linux,usable-memory') ? 'linux,usable-memory' : 'reg';
      const hot = getProp(n, 'hotpluggable') !== undefined;
      // One trace event per node, not per entry: a node may list thousands of banks.
      let lo: bigint | undefined, hi = 0n, count = 0;
      for (const r of pairs(n, prop, ac, sc)) {
        if (r.size === 0n) continue;
        const added = earlyInitDtAddMemoryArch(ctx, r.base, r.size, pageSize);
        memoryFound = true;
        if (!added) continue;
        count++;
        if (lo === undefined || r.base < lo) lo = r.base;
        if (r.base + r.size > hi) hi = r.base + r.size;
        if (hot) memblockMarkHotplug(ctx.mb, r.base, r.size);
      }
      if (lo !== undefined) note(ctx, 'add', 'early_init_dt_add_memory_arch', { base: lo, size: hi - lo }, `${count} memory range(s) from ${n.path} ${prop}`);
    }
    if (v.memoryNodesAnyDepth || depth === 0) for (const c of n.children) visit(c, depth + 1);
  };
  visit(root, 0);
  if (v.usableRangesInScan && chosenNode) checkForUsableMemRange(ctx, chosenNode, ac, sc);
  return { rootAddrCells: ac, rootSizeCells: sc, chosen, memoryFound };
}

const MAX_USABLE_RANGES = 2;

/**
 * early_init_dt_check_for_usable_mem_range() (6.1+): a kdump kernel keeps only the first range of
 * linux,usable-memory-range (memblock_cap_memory_range) and adds the second (the low crash block) back.
 * The kernel's own check compares the byte length with the cell count: `len % (ac + sc)`.
 */
function checkForUsableMemRange(ctx: ModelContext, chosenNode: FdtNode, ac: number, sc: number): void {
  const p = getProp(chosenNode, 'linux,usable-memory-range');
  if (!p || p.value.length % (ac + sc)) return;
  const rgn = pairs(chosenNode, 'linux,usable-memory-range', ac, sc).slice(0, MAX_USABLE_RANGES);
  if (!rgn.length) return;
  memblockCapMemoryRange(ctx.mb, rgn[0].base, rgn[0].size);
  note(ctx, 'cap', 'early_init_dt_check_for_usable_mem_range', rgn[0], 'linux,usable-memory-range: the kdump kernel may only use this range');
  for (const r of rgn.slice(1)) {
    if (!r.size) break;
    memblockAdd(ctx.mb, r.base, r.size);
    note(ctx, 'add', 'early_init_dt_check_for_usable_mem_range', r, 'the second linux,usable-memory-range (the low crash block)');
  }
}

/** Models early_init_dt_add_memory_arch(): page-align inward, then memblock_add(). */
export function earlyInitDtAddMemoryArch(ctx: ModelContext, base: bigint, size: bigint, pageSize: bigint): boolean {
  const off = base & (pageSize - 1n);
  if (size < pageSize - off) {
    ctx.trace.print('early_init_dt_add_memory_arch', { fmt: 'OF: fdt: Ignoring memory block 0x%llx - 0x%llx\n', args: [base, base + size], level: 'warn', kind: 'fdt' });
    return false;
  }
  if (off) {
    size -= pageSize - off;
    base += pageSize - off;
  }
  size &= ~(pageSize - 1n);
  memblockAdd(ctx.mb, base, size);
  return true;
}
