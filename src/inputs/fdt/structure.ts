// The structure block walk: BEGIN_NODE/END_NODE/PROP/NOP/END tokens, balanced, exactly one root, with depth and count budgets.
import { latin1, type ByteReader } from '../bytes/reader.ts';
import { fdtFail, hex } from './errors.ts';
import type { StringsBlock } from './strings.ts';
import type { FdtHeader, FdtNode, FdtProp } from './tree.ts';

export const FDT_BEGIN_NODE = 0x1;
export const FDT_END_NODE = 0x2;
export const FDT_PROP = 0x3;
export const FDT_NOP = 0x4;
export const FDT_END = 0x9;

export interface WalkBudget {
  /**
   * Deepest nesting accepted; the root is depth 1. The kernel's unflatten_dt_nodes() (drivers/of/fdt.c,
   * FDT_MAX_DEPTH 64) keeps parsing deeper blobs but drops nodes at depth >= 63 with a WARN.
   */
  maxDepth: number;
  maxNodes: number;
  maxProps: number;
}
export const DEFAULT_BUDGET: WalkBudget = { maxDepth: 64, maxNodes: 65536, maxProps: 1 << 20 };

const align4 = (n: number): number => (n + 3) & ~3;

/**
 * A property of the blob: its bounds are checked during the walk, its value (a view into the blob, as
 * before) is made when first read. Most properties of a blob are never read, and a typed-array view costs
 * more than the rest of the property.
 */
class BlobProp implements FdtProp {
  private view: Uint8Array | undefined;
  constructor(
    readonly name: string,
    private readonly bytes: Uint8Array,
    private readonly at: number,
    private readonly len: number,
    readonly offset: number,
  ) {}

  get value(): Uint8Array {
    return (this.view ??= this.bytes.subarray(this.at, this.at + this.len));
  }

  set value(v: Uint8Array) {
    this.view = v;
  }
}

/** Walks [off_dt_struct, off_dt_struct + size_dt_struct) (to totalsize in a version-16 blob) and builds the tree. */
export function walkStructure(r: ByteReader, h: FdtHeader, strings: StringsBlock, budget: WalkBudget = DEFAULT_BUDGET): FdtNode {
  const f = r.file;
  const end = h.version >= 17 ? h.offDtStruct + h.sizeDtStruct : h.totalsize;
  const token = (off: number, what: string): number => {
    if (off + 4 > end) fdtFail(f, 'FDT_ERR_TRUNCATED', off, what, `a token before the end of the structure block at ${hex(end)}`);
    return r.u32be(off, what);
  };
  let root: FdtNode | null = null;
  let current: FdtNode | null = null;
  let nodes = 0;
  let props = 0;
  let depth = 0;
  let off = h.offDtStruct;
  for (;;) {
    const tag = token(off, 'token');
    const tagOff = off;
    off += 4;
    switch (tag) {
      case FDT_BEGIN_NODE: {
        if (root && !current) fdtFail(f, 'FDT_ERR_BADSTRUCTURE', tagOff, 'FDT_BEGIN_NODE', 'FDT_END after the root node closes (exactly one root)');
        if (depth >= budget.maxDepth) fdtFail(f, 'FDT_ERR_BADSTRUCTURE', tagOff, 'depth', `nesting at most ${budget.maxDepth} deep`);
        if (nodes >= budget.maxNodes) fdtFail(f, 'FDT_ERR_BADSTRUCTURE', tagOff, 'nodes', `at most ${budget.maxNodes} nodes`);
        let i = off;
        while (i < end && r.bytes[i] !== 0) i++;
        if (i >= end) fdtFail(f, 'FDT_ERR_TRUNCATED', off, 'node name', 'a NUL-terminated node name inside the structure block');
        const name = latin1(r.bytes.subarray(off, i));
        off = align4(i + 1);
        const node: FdtNode = { name: current ? name : '', path: '/', offset: tagOff, props: [], children: [], parent: current, nops: 0 };
        if (current) {
          node.path = current.path === '/' ? `/${name}` : `${current.path}/${name}`;
          current.children.push(node);
        } else {
          root = node;
        }
        current = node;
        depth++;
        nodes++;
        break;
      }
      case FDT_END_NODE:
        if (!current) fdtFail(f, 'FDT_ERR_BADSTRUCTURE', tagOff, 'FDT_END_NODE', 'an FDT_END_NODE inside a node');
        current = current.parent;
        depth--;
        break;
      case FDT_PROP: {
        if (!current) fdtFail(f, 'FDT_ERR_BADSTRUCTURE', tagOff, 'FDT_PROP', 'a property inside a node');
        if (props >= budget.maxProps) fdtFail(f, 'FDT_ERR_BADSTRUCTURE', tagOff, 'properties', `at most ${budget.maxProps} properties`);
        const len = token(off, 'property length');
        const nameoff = token(off + 4, 'nameoff');
        const name = strings.get(nameoff, tagOff);
        const valueOff = off + 8;
        if (len > end - valueOff) {
          fdtFail(f, 'FDT_ERR_TRUNCATED', tagOff + 4, name, `a value ending inside the structure block at ${hex(end)}`, `length ${hex(len)}`);
        }
        r.need(valueOff, len, name);
        current.props.push(new BlobProp(name, r.bytes, valueOff, len, tagOff));
        off = align4(valueOff + len);
        props++;
        break;
      }
      case FDT_NOP:
        if (current) current.nops++;
        break;
      case FDT_END:
        if (!root) fdtFail(f, 'FDT_ERR_BADSTRUCTURE', tagOff, 'FDT_END', 'a root node before FDT_END');
        if (current) fdtFail(f, 'FDT_ERR_BADSTRUCTURE', tagOff, 'FDT_END', `FDT_END_NODE for ${current.path} before FDT_END`);
        return root;
      default:
        fdtFail(f, 'FDT_ERR_BADSTRUCTURE', tagOff, 'token', 'FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP or FDT_END', hex(tag));
    }
  }
}
