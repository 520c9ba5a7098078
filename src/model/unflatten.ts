// Models the memblock requests of unflatten_device_tree() (drivers/of/fdt.c, drivers/of/base.c), 5.10–7.2:
// the sizing pass of __unflatten_device_tree() (unflatten_dt_nodes → populate_node → populate_properties),
// which ends in one memblock_alloc(ALIGN(size, 4) + 4, __alignof__(struct device_node)) (the +4 holds the
// 0xdeadbeef guard), then of_alias_scan(), which makes one allocation per usable /aliases property.
// The per-build struct sizes are in src/kernels/behaviors/early-sizes.ts; they were pinned by QEMU virt boots
// with -smp 1/2/4/8 (each CPU adds a node) and hand-edited DTBs (test/model/early-sizes-observed.test.ts).
import type { FdtNode } from '../inputs/fdt/tree.ts';
import { alignUp, type EarlyRequest } from './early-sizes/types.ts';

export interface UnflattenConsts {
  /** sizeof(struct device_node). */
  deviceNode: number;
  /** sizeof(struct property). */
  property: number;
  /** __alignof__(struct device_node) = __alignof__(struct property) = 8 on arm64. */
  align: number;
  /** sizeof(struct alias_prop) (drivers/of/of_private.h): list_head + 2 pointers + int, padded: 40. */
  aliasProp: number;
  /** The caller name memblock=debug prints for early_init_dt_alloc_memory_arch's allocations. */
  site: string;
}

// Names come from the blob decoded one byte per character (latin1), so the length is the byte count.
const utf8Len = (s: string): number => s.length;

/**
 * Whether /chosen/rng-seed (non-empty) is to be left out: early_init_dt_scan_chosen() overwrote it with FDT_NOPs
 * (5.10–7.2). A tree parsed after that already lacks it.
 */
function seedWiped(node: FdtNode, depth: number): boolean {
  if (depth !== 1 || (node.name !== 'chosen' && node.name !== 'chosen@0')) return false;
  const seed = node.props.find((p) => p.name === 'rng-seed');
  return !!seed && seed.value.length > 0;
}

/**
 * Models unflatten_dt_nodes(blob, NULL, NULL, NULL), the dry run (drivers/of/fdt.c), 5.10–7.2: every
 * unflatten_dt_alloc() aligns the running offset, so the size is the sum of aligned pieces, the last unpadded.
 * CONFIG_OF_KOBJ is set in every Debian build, so disabled nodes are unflattened too. Nodes deeper than
 * FDT_MAX_DEPTH - 2 (62) are skipped by the kernel's WARN_ON_ONCE.
 */
export function unflattenDtNodesSize(root: FdtNode, c: UnflattenConsts): number {
  let mem = 0;
  const align = c.align;
  const alloc = (size: number) => {
    const r = mem % align;
    if (r) mem += align - r;
    mem += size;
  };
  const walk = (n: FdtNode, depth: number) => {
    if (depth < 63) {
      // populate_node(): struct device_node followed by full_name, which is the node's own name plus NUL.
      alloc(c.deviceNode + utf8Len(n.name) + 1);
      let hasName = false;
      const skipSeed = seedWiped(n, depth);
      for (const p of n.props) {
        if (skipSeed && p.name === 'rng-seed') continue;
        if (p.name === 'name') hasName = true;
        alloc(c.property);
      }
      if (!hasName) {
        // The synthesised "name": the unit name up to '@' (after the last '/'), NUL-terminated.
        const at = n.name.lastIndexOf('@');
        const slash = n.name.lastIndexOf('/');
        alloc(c.property + (at > slash ? at - slash - 1 : n.name.length - slash - 1) + 1);
      }
    }
    for (const ch of n.children) walk(ch, depth + 1);
  };
  walk(root, 0);
  return mem;
}

/** Models __unflatten_device_tree()'s single allocation (drivers/of/fdt.c), 5.10–7.2. */
export function unflattenSize(root: FdtNode, c: UnflattenConsts): { size: bigint; align: bigint } {
  const size = alignUp(BigInt(unflattenDtNodesSize(root, c)), 4n);
  return { size: size + 4n, align: BigInt(c.align) };
}

const cString = (v: Uint8Array): string => {
  const nul = v.indexOf(0);
  return new TextDecoder('latin1').decode(nul < 0 ? v : v.subarray(0, nul));
};

/** __of_find_node_by_full_path(): each component must equal a child's full name (unit address included). */
function findByFullPath(root: FdtNode, path: string): FdtNode | undefined {
  const sep = path.indexOf(':');
  let node: FdtNode | undefined = root;
  let p = path;
  while (node && p.startsWith('/')) {
    p = p.slice(1);
    const len = p.search(/[/:]/) < 0 ? p.length : p.search(/[/:]/);
    if (len === 0) return undefined;
    const comp = p.slice(0, len);
    node = node.children.find((ch) => ch.name === comp);
    p = p.slice(p.indexOf('/') < 0 ? p.length : p.indexOf('/'));
    if (sep >= 0 && sep < path.length - p.length) break;
  }
  return node;
}

/** of_find_node_opts_by_path() as of_alias_scan() uses it (drivers/of/base.c), 5.10–7.2. */
function ofFindNodeByPath(root: FdtNode, aliases: FdtNode | undefined, path: string, depth = 0): FdtNode | undefined {
  if (path === '/') return root;
  let start: FdtNode = root;
  let rest = path;
  if (!path.startsWith('/')) {
    if (!aliases || depth > 8) return undefined;
    const slash = path.indexOf('/');
    const colon = path.indexOf(':');
    let end = slash < 0 ? path.length : slash;
    if (colon >= 0 && colon < end) end = colon;
    const name = path.slice(0, end);
    const ap = aliases.props.find((p) => p.name === name);
    const np = ap ? ofFindNodeByPath(root, aliases, cString(ap.value), depth + 1) : undefined;
    if (!np) return undefined;
    start = np;
    rest = path.slice(end);
  }
  return findByFullPath(start, rest);
}

/**
 * Models of_alias_scan(early_init_dt_alloc_memory_arch) (drivers/of/base.c), 5.10–7.2: for each /aliases
 * property other than name/phandle/linux,phandle whose value resolves to a node and whose name ends in a
 * decimal id, one dt_alloc(sizeof(struct alias_prop) + strlen(stem) + 1, __alignof__(struct alias_prop)).
 */
export function ofAliasScanRequests(root: FdtNode, c: UnflattenConsts): EarlyRequest[] {
  const aliases = root.children.find((n) => n.name === 'aliases');
  if (!aliases) return [];
  const out: EarlyRequest[] = [];
  for (const p of aliases.props) {
    if (p.name === 'name' || p.name === 'phandle' || p.name === 'linux,phandle') continue;
    if (!ofFindNodeByPath(root, aliases, cString(p.value))) continue;
    const m = /^(.*?)(\d*)$/.exec(p.name)!;
    const digits = m[2];
    if (digits === '' || Number(digits) > 0x7fffffff) continue; // kstrtoint() fails
    out.push({
      kind: 'alloc', site: c.site, size: BigInt(c.aliasProp + utf8Len(m[1]) + 1), align: 8n,
      why: `of_alias_scan(): alias ${p.name} (stem "${m[1]}", id ${Number(digits)})`,
    });
  }
  return out;
}

/** The requests of unflatten_device_tree() in order: the tree, then the aliases. */
export function unflattenRequests(root: FdtNode, c: UnflattenConsts): EarlyRequest[] {
  const { size, align } = unflattenSize(root, c);
  return [
    { kind: 'alloc', site: c.site, size, align, why: '__unflatten_device_tree(): the expanded tree (+4 B 0xdeadbeef guard)' },
    ...ofAliasScanRequests(root, c),
  ];
}
