// Builds small ACPI tables (an IORT with given DMA limits) with a correct checksum: for the harness's ACPI table
// upgrade boots and for tests. Layout from ACPICA actbl2.h (kernel-notes §2.2).
import { acpiChecksum, ACPI_HEADER_SIZE } from './table-header.ts';
import { NC_MEMORY_ADDRESS_LIMIT, RC_MEMORY_ADDRESS_LIMIT } from './iort.ts';

export type IortNodeSpec =
  | { type: 'named-component'; memoryAddressLimit: number; deviceName?: string }
  | { type: 'root-complex'; memoryAddressLimit: number; revision?: number };

export interface TableIds {
  /** 6 characters (blank-padded); QEMU's is 'BOCHS '. */
  oemId: string;
  /** 8 characters (blank-padded); QEMU's is 'BXPC    '. */
  oemTableId: string;
  oemRevision?: number;
  revision?: number;
}

const ascii = (b: Uint8Array, at: number, s: string, n: number): void => {
  for (let i = 0; i < n; i++) b[at + i] = i < s.length ? s.charCodeAt(i) : 0x20;
};

/** The IORT bytes for these nodes (no ID mappings), checksum fixed. */
export function buildIort(nodes: readonly IortNodeSpec[], ids: TableIds): Uint8Array {
  const bodies = nodes.map((n) => {
    if (n.type === 'named-component') {
      const name = n.deviceName ?? '\\_SB.DEV0';
      const len = (NC_MEMORY_ADDRESS_LIMIT + 1 + name.length + 1 + 3) & ~3;
      const b = new Uint8Array(len);
      b[0] = 1;
      b[3] = 0;
      b[NC_MEMORY_ADDRESS_LIMIT] = n.memoryAddressLimit;
      for (let i = 0; i < name.length; i++) b[NC_MEMORY_ADDRESS_LIMIT + 1 + i] = name.charCodeAt(i);
      return b;
    }
    const b = new Uint8Array(36);
    b[0] = 2;
    b[3] = n.revision ?? 1;
    b[RC_MEMORY_ADDRESS_LIMIT] = n.memoryAddressLimit;
    return b;
  });
  const nodeOffset = ACPI_HEADER_SIZE + 12;
  const length = nodeOffset + bodies.reduce((a, b) => a + b.length, 0);
  const t = new Uint8Array(length);
  const dv = new DataView(t.buffer);
  ascii(t, 0, 'IORT', 4);
  dv.setUint32(4, length, true);
  t[8] = ids.revision ?? 3;
  ascii(t, 10, ids.oemId, 6);
  ascii(t, 16, ids.oemTableId, 8);
  dv.setUint32(24, ids.oemRevision ?? 1, true);
  ascii(t, 28, 'BMAP', 4);
  dv.setUint32(32, 1, true);
  dv.setUint32(36, bodies.length, true);
  dv.setUint32(40, nodeOffset, true);
  let off = nodeOffset;
  for (const b of bodies) {
    new DataView(b.buffer).setUint16(1, b.length, true);
    t.set(b, off);
    off += b.length;
  }
  t[9] = (256 - acpiChecksum(t)) & 0xff;
  return t;
}
