// Models memblock_dump_all() / __memblock_dump_all() / memblock_dump() (mm/memblock.c), 5.10–7.2:
// the lines printed under memblock=debug. arm64 has no CONFIG_HAVE_MEMBLOCK_PHYS_MAP, so no physmem.
// The %pa / %#x renderings below are local until render/printk-format.ts offers them.

import { MAX_NUMNODES, type Memblock, type MemblockRegion } from './types.ts';
import { nidIsPrinted, region, sumSizes } from './regions.ts';

const U64 = (1n << 64n) - 1n;

/** %pa of a 64-bit phys_addr_t: "0x" and 16 zero-padded lowercase digits. */
function pa(v: bigint): string {
  return '0x' + (v & U64).toString(16).padStart(16, '0');
}

/** The kernel's %#x (lib/vsprintf.c prints "0x0" for zero, unlike C libraries). */
function hashX(v: number): string {
  return '0x' + v.toString(16);
}

function dumpType(mb: Memblock, name: string, regions: readonly MemblockRegion[]): string[] {
  // 5.10/6.1: an empty type holds one zero-size dummy region
  const shown = regions.length === 0 && mb.emptyTypeKeepsDummy ? [region(0n, 0n, MAX_NUMNODES, 0)] : regions;
  const lines = [` ${name}.cnt  = 0x${shown.length.toString(16)}`];
  shown.forEach((r, idx) => {
    const node = nidIsPrinted(mb, r.nid) ? ` on node ${r.nid}` : '';
    lines.push(` ${name}[${hashX(idx)}]\t[${pa(r.base)}-${pa(r.base + r.size - 1n)}], ${pa(r.size)} bytes${node} flags: ${hashX(r.flags)}`);
  });
  return lines;
}

/** The lines of memblock_dump_all() (each one pr_info, without the newline). */
export function memblockDump(mb: Memblock): string[] {
  return [
    'MEMBLOCK configuration:',
    ` memory size = ${pa(sumSizes(mb.memory))} reserved size = ${pa(sumSizes(mb.reserved))}`,
    ...dumpType(mb, 'memory', mb.memory),
    ...dumpType(mb, 'reserved', mb.reserved),
  ];
}
