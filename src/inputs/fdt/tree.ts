// The parsed devicetree: header, memory reservation map and the node tree (types and path lookup).

export interface FdtHeader {
  magic: number;
  totalsize: number;
  offDtStruct: number;
  offDtStrings: number;
  offMemRsvmap: number;
  version: number;
  lastCompVersion: number;
  bootCpuidPhys: number;
  sizeDtStrings: number;
  /** 0 in a version-16 header, which has no such field. */
  sizeDtStruct: number;
}

export interface FdtProp {
  name: string;
  value: Uint8Array;
  /** Byte offset of the FDT_PROP token in the blob. */
  offset: number;
}

export interface FdtNode {
  /** Name with unit address, e.g. 'memory@40000000'; the root is ''. */
  name: string;
  /** '/', '/memory@40000000', … */
  path: string;
  /** Byte offset of the FDT_BEGIN_NODE token in the blob. */
  offset: number;
  props: FdtProp[];
  children: FdtNode[];
  parent: FdtNode | null;
  /**
   * FDT_NOP tokens met directly inside this node (between its BEGIN_NODE and END_NODE, not in
   * children). A property the kernel overwrote with NOPs (fdt_nop_property(), e.g. /chosen/rng-seed)
   * is not in `props`; this count keeps it visible.
   */
  nops: number;
}

export interface MemReserveEntry {
  address: bigint;
  size: bigint;
}

export interface Fdt {
  header: FdtHeader;
  memreserve: MemReserveEntry[];
  root: FdtNode;
  file: string;
}

/**
 * libfdt's fdt_nodename_eq_(): a path component without '@' also matches a node name that has
 * a unit address ('memory' matches 'memory@40000000'); the first match in DT order wins.
 */
export function nodeNameMatches(nodeName: string, component: string): boolean {
  if (nodeName === component) return true;
  return !component.includes('@') && nodeName.startsWith(component) && nodeName[component.length] === '@';
}

/** Looks a node up by absolute path ('/', '/chosen', '/soc/dma@7e007000'), like fdt_path_offset() without aliases. */
export function findNode(fdt: Fdt, path: string): FdtNode | undefined {
  if (!path.startsWith('/')) return undefined;
  let node: FdtNode | undefined = fdt.root;
  for (const component of path.split('/')) {
    if (component === '') continue;
    node = node.children.find((c) => nodeNameMatches(c.name, component));
    if (!node) return undefined;
  }
  return node;
}

/** Every node in DT (pre-)order, the root first. */
export function* walkNodes(node: FdtNode): Generator<FdtNode> {
  yield node;
  for (const c of node.children) yield* walkNodes(c);
}
