// The memory reservation map (/memreserve/): 16-byte <address, size> entries ending with a zero entry (libfdt fdt_get_mem_rsv()).
import type { ByteReader } from '../bytes/reader.ts';
import { fdtFail, hex } from './errors.ts';
import { FDT_RESERVE_ENTRY_SIZE } from './header.ts';
import type { FdtHeader, MemReserveEntry } from './tree.ts';

/** Count budget: a hostile map cannot make us build an unbounded array. */
export const MAX_MEMRESERVE_ENTRIES = 4096;

export function readMemReserve(r: ByteReader, h: FdtHeader): MemReserveEntry[] {
  const out: MemReserveEntry[] = [];
  for (let off = h.offMemRsvmap; ; off += FDT_RESERVE_ENTRY_SIZE) {
    if (off + FDT_RESERVE_ENTRY_SIZE > h.totalsize) {
      fdtFail(r.file, 'FDT_ERR_TRUNCATED', off, 'memreserve', `a 16-byte entry (or the terminating zero entry) inside totalsize ${hex(h.totalsize)}`);
    }
    const address = r.u64be(off, 'memreserve address');
    const size = r.u64be(off + 8, 'memreserve size');
    if (address === 0n && size === 0n) return out;
    if (out.length >= MAX_MEMRESERVE_ENTRIES) {
      fdtFail(r.file, 'FDT_ERR_BADSTRUCTURE', off, 'memreserve', `at most ${MAX_MEMRESERVE_ENTRIES} entries before the zero entry`);
    }
    out.push({ address, size });
  }
}
