// The IO Remapping Table (Arm DEN 0049, ACPICA actbl2.h): its nodes, each bounded by its own length, and the
// memory_address_limit fields that acpi_iort_dma_get_max_cpu_address() reads (kernel-notes §2.2).
import { fail, InputFailure, ok, type Result } from '../errors.ts';
import { ByteReader } from '../bytes/reader.ts';
import { ACPI_HEADER_SIZE, parseAcpiTable, type AcpiTableHeader } from './table-header.ts';

export const IORT_NODE_TYPES = ['its-group', 'named-component', 'root-complex', 'smmu', 'smmu-v3', 'pmcg', 'rmr'] as const;
export type IortNodeKind = (typeof IORT_NODE_TYPES)[number] | 'unknown';

/** The node header is 16 bytes (type, length, revision, identifier/reserved, mapping_count, mapping_offset). */
export const IORT_NODE_HEADER_SIZE = 16;
/** Offsets of memory_address_limit inside a node (ACPICA: acpi_iort_named_component, acpi_iort_root_complex). */
export const NC_MEMORY_ADDRESS_LIMIT = 28;
export const RC_MEMORY_ADDRESS_LIMIT = 32;

export interface IortNode {
  /** Offset of the node in the table. */
  offset: number;
  type: number;
  kind: IortNodeKind;
  length: number;
  revision: number;
  /** Named component and root complex: the memory_address_limit byte (bits); 0 means "no limit". */
  memoryAddressLimit?: number;
  /** Named component: the device object name, e.g. "\\_SB.DEV0". */
  deviceName?: string;
}

export interface Iort {
  header: AcpiTableHeader;
  nodeCount: number;
  nodeOffset: number;
  nodes: IortNode[];
  file: string;
}

/**
 * Parses an IORT: the table header checks (length, checksum), then node_count/node_offset, then each node: its
 * 16-byte header and its `length` must lie inside the table, and the limit byte inside the node. The kernel's own
 * walk stops silently at the table end; a node running past it is reported here (IORT_NODE_TRUNCATED) with its offset.
 */
export function parseIort(bytes: Uint8Array, file: string): Result<Iort> {
  const t = parseAcpiTable(bytes, file, 'IORT');
  if (!t.ok) return t;
  const tb = t.value.bytes;
  try {
    const r = new ByteReader(tb, file, 'acpi');
    const end = tb.length;
    if (end < ACPI_HEADER_SIZE + 12) r.fail('ACPI_TRUNCATED', 4, 'length', 'an IORT of at least 48 bytes (header, node_count, node_offset, reserved)', String(end));
    const nodeCount = r.u32le(36, 'node_count');
    const nodeOffset = r.u32le(40, 'node_offset');
    if (nodeCount > 0 && (nodeOffset < ACPI_HEADER_SIZE + 12 || nodeOffset > end)) {
      r.fail('IORT_BAD_NODE_OFFSET', 40, 'node_offset', `an offset in [0x30, 0x${end.toString(16)}]`, `0x${nodeOffset.toString(16)}`);
    }
    const nodes: IortNode[] = [];
    let off = nodeOffset;
    for (let i = 0; i < nodeCount; i++) {
      // The kernel: `if (iort_node >= iort_end) break` (fewer nodes than node_count is tolerated).
      if (off >= end) break;
      if (end - off < IORT_NODE_HEADER_SIZE) r.fail('IORT_NODE_TRUNCATED', off, `node[${i}]`, `a 16-byte node header inside the 0x${end.toString(16)}-byte table`, `${end - off} bytes left`);
      const type = r.u8(off, `node[${i}].type`);
      const length = r.u16le(off + 1, `node[${i}].length`);
      const revision = r.u8(off + 3, `node[${i}].revision`);
      if (length < IORT_NODE_HEADER_SIZE) r.fail('IORT_BAD_NODE_LENGTH', off + 1, `node[${i}].length`, 'a node length of at least 16 (the walk would not advance)', String(length));
      if (length > end - off) r.fail('IORT_NODE_TRUNCATED', off, `node[${i}].length`, `a node ending inside the 0x${end.toString(16)}-byte table`, `0x${length.toString(16)} bytes at 0x${off.toString(16)}`);
      const node: IortNode = { offset: off, type, kind: IORT_NODE_TYPES[type] ?? 'unknown', length, revision };
      const limitAt = type === 1 ? NC_MEMORY_ADDRESS_LIMIT : type === 2 ? RC_MEMORY_ADDRESS_LIMIT : -1;
      if (limitAt >= 0) {
        if (length <= limitAt) r.fail('IORT_NODE_TRUNCATED', off, `node[${i}].memory_address_limit`, `a ${node.kind} node long enough for its memory_address_limit (> ${limitAt} bytes)`, String(length));
        node.memoryAddressLimit = r.u8(off + limitAt, `node[${i}].memory_address_limit`);
      }
      if (type === 1 && length > NC_MEMORY_ADDRESS_LIMIT + 1) {
        const s = off + NC_MEMORY_ADDRESS_LIMIT + 1;
        let e = s;
        while (e < off + length && tb[e] !== 0) e++;
        node.deviceName = String.fromCharCode(...tb.subarray(s, e));
      }
      nodes.push(node);
      off += length;
    }
    return ok({ header: t.value.header, nodeCount, nodeOffset, nodes, file });
  } catch (e) {
    if (e instanceof InputFailure) return fail(e.error.code === 'TRUNCATED' ? { ...e.error, code: 'IORT_NODE_TRUNCATED' } : e.error);
    throw e;
  }
}
