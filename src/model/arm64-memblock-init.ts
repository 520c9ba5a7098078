// Models arm64_memblock_init() (arch/arm64/mm/init.c), 5.10–7.2: PA/linear-range trims, mem=, the initrd
// and the kernel image reservations. /reserved-memory is handed to the caller's hook (model/reserved-mem).
import { emit, hex, mib, note, type ModelContext } from './context.ts';
import {
  memblockAdd, memblockCapMemoryRange, memblockClearNomap, memblockEndOfDRAM, memblockMemLimitRemoveMap, memblockRemove,
  memblockReserve, memblockStartOfDRAM,
} from './memblock/index.ts';

const ULLONG_MAX = (1n << 64n) - 1n;

export interface Arm64MemblockInitInput {
  physMaskShift: number;
  vabitsActual: number;
  memstartAlign: bigint;
  /** `mem=` (memory_limit), already PAGE_MASKed. */
  memoryLimit?: bigint;
  kernel: { text: bigint; end: bigint; reserveFrom: bigint };
  initrd?: { start: bigint; size: bigint };
  pageSize: bigint;
  /** 5.10: the first linux,usable-memory-range is applied here. */
  usableRangeHere?: { base: bigint; size: bigint };
}

export interface Arm64MemblockInitResult {
  memstartAddr: bigint;
  linearRegionSize: bigint;
  initrdKept: boolean;
}

export function arm64MemblockInit(ctx: ModelContext, i: Arm64MemblockInitInput): Arm64MemblockInitResult {
  const site = 'arm64_memblock_init';
  if (i.usableRangeHere && i.usableRangeHere.size) {
    memblockCapMemoryRange(ctx.mb, i.usableRangeHere.base, i.usableRangeHere.size);
    note(ctx, 'cap', 'fdt_enforce_memory_region', i.usableRangeHere, 'linux,usable-memory-range: the kdump kernel may only use this range');
  }
  const linearRegionSize = 1n << BigInt(i.vabitsActual - 1);
  memblockRemove(ctx.mb, 1n << BigInt(i.physMaskShift), ULLONG_MAX);
  const alignDown = (v: bigint, a: bigint) => v - (v % a);
  let memstart = alignDown(memblockStartOfDRAM(ctx.mb), i.memstartAlign);
  const removeFrom = memstart + linearRegionSize > i.kernel.end ? memstart + linearRegionSize : i.kernel.end;
  memblockRemove(ctx.mb, removeFrom, ULLONG_MAX);
  if (memstart + linearRegionSize < memblockEndOfDRAM(ctx.mb)) {
    memstart = alignDown(memblockEndOfDRAM(ctx.mb) - linearRegionSize + i.memstartAlign - 1n, i.memstartAlign);
    memblockRemove(ctx.mb, 0n, memstart);
    note(ctx, 'remove', site, { base: 0n, size: memstart }, 'memory below this could not be reached by the linear map');
  }
  if (i.memoryLimit !== undefined) {
    memblockMemLimitRemoveMap(ctx.mb, i.memoryLimit);
    memblockAdd(ctx.mb, i.kernel.text, i.kernel.end - i.kernel.text);
    note(ctx, 'cap', site, { base: 0n, size: i.memoryLimit }, `mem=${mib(i.memoryLimit)}: memory beyond the first ${mib(i.memoryLimit)} removed (the kernel image is added back)`);
  }
  let initrdKept = false;
  if (i.initrd && i.initrd.size) {
    const base = i.initrd.start & ~(i.pageSize - 1n);
    const end = (i.initrd.start + i.initrd.size + i.pageSize - 1n) & ~(i.pageSize - 1n);
    const start = memblockStartOfDRAM(ctx.mb);
    if (base < start || end > start + linearRegionSize) {
      ctx.trace.print(site, { fmt: 'initrd not fully accessible via the linear mapping -- please check your bootloader ...\n', args: [], level: 'warn', kind: 'other' });
    } else {
      memblockAdd(ctx.mb, base, end - base);
      memblockClearNomap(ctx.mb, base, end - base);
      memblockReserve(ctx.mb, base, end - base);
      note(ctx, 'reserve', site, { base, size: end - base }, 'the initrd');
      initrdKept = true;
    }
  }
  memblockReserve(ctx.mb, i.kernel.reserveFrom, i.kernel.end - i.kernel.reserveFrom);
  note(ctx, 'reserve', site, { base: i.kernel.reserveFrom, size: i.kernel.end - i.kernel.reserveFrom }, `the kernel image [${hex(i.kernel.reserveFrom)}, ${hex(i.kernel.end)})`);
  void emit;
  return { memstartAddr: memstart, linearRegionSize, initrdKept };
}
