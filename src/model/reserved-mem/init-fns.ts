// Models __reserved_mem_init_node() (drivers/of/of_reserved_mem.c) over the __reservedmem_of_table of a
// Debian arm64 kernel: rmem_cma_setup() (kernel/dma/contiguous.c, linked first) then rmem_dma_setup()
// (kernel/dma/coherent.c), both for "shared-dma-pool" (restricted-dma-pool is not configured), 5.10–7.2;
// plus __rmem_cma_verify_node() / rmem_cma_validate() (7.2) and the undo of a failed init.
import { note, hex, mib, type ModelContext } from '../context.ts';
import { memblockAdd, memblockClearNomap, memblockIsRegionReserved, memblockPhysFree } from '../memblock/index.ts';
import { flatDtIsCompatible, hasProp, rmemPrint, type Errno, type RmemState, type SavedRmem } from './state.ts';
import type { FdtNode } from '../../inputs/fdt/tree.ts';
import type { RmemKind } from './types.ts';

const SHARED_DMA_POOL = 'shared-dma-pool';

/** Models __rmem_cma_verify_node() (7.2): -ENODEV unless reusable without no-map; -EBUSY (and a message) for a default node under `cma=`. */
export function rmemCmaVerifyNode(ctx: ModelContext, st: RmemState, node: FdtNode, site: string): Errno {
  if (!hasProp(node, 'reusable') || hasProp(node, 'no-map')) return 'ENODEV';
  if (st.input.cmaCmdlineGiven && hasProp(node, 'linux,cma-default')) {
    rmemPrint(ctx, site, st.v.formats.cmaSkipDefault, [], `'${node.name}' is linux,cma-default but cma= was given`);
    return 'EBUSY';
  }
  return 0;
}

/**
 * Models fdt_validate_reserved_mem_node() (7.2): the first table entry for the node's compatible with a
 * node_validate hook answers (only CMA has one). Returns the raised alignment through `align` when given.
 */
export function fdtValidateReservedMemNode(ctx: ModelContext, st: RmemState, node: FdtNode, align: { value: bigint } | undefined, site: string): Errno {
  if (!flatDtIsCompatible(node, SHARED_DMA_POOL)) return 'ENODEV';
  const ret = rmemCmaVerifyNode(ctx, st, node, site);
  if (ret) return ret;
  if (align && align.value < st.v.cmaNodeAlign) align.value = st.v.cmaNodeAlign;
  return 0;
}

/** Models rmem_cma_setup() + cma_init_reserved_mem() (mm/cma.c). */
function rmemCmaSetup(ctx: ModelContext, st: RmemState, rmem: SavedRmem): Errno {
  const { v } = st;
  const site = 'rmem_cma_setup';
  const isDefault = hasProp(rmem.node, 'linux,cma-default');
  if (v.cmaDefaultWithCmdline === 'skip-at-verify') {
    const ret = rmemCmaVerifyNode(ctx, st, rmem.node, site);
    if (ret) return ret;
  } else {
    if (st.input.cmaCmdlineGiven && isDefault) {
      rmemPrint(ctx, site, v.formats.cmaBypass, [rmem.name], 'cma= on the command line replaces the DT default CMA node');
      return 'EBUSY';
    }
    if (!hasProp(rmem.node, 'reusable') || hasProp(rmem.node, 'no-map')) return 'EINVAL';
  }
  const mask = v.cmaNodeAlign - 1n;
  if ((rmem.base | rmem.size) & mask) {
    rmemPrint(ctx, site, v.formats.cmaIncorrectAlignment, [], `${hex(rmem.base)} + ${mib(rmem.size)} is not ${mib(v.cmaNodeAlign)} aligned`);
    return 'EINVAL';
  }
  let err: Errno = 0;
  if (st.cmaAreasUsed >= v.cmaAreas) {
    rmemPrint(ctx, 'cma_init_reserved_mem', v.formats.cmaNoSlots, [], `all ${v.cmaAreas} CMA areas are taken`, 'cma');
    err = 'ENOSPC';
  } else if (!rmem.size || !memblockIsRegionReserved(ctx.mb, rmem.base, rmem.size)) {
    err = 'EINVAL';
  }
  if (err) {
    rmemPrint(ctx, site, v.formats.cmaUnableToSetup, [], 'cma_init_reserved_mem() refused the region (not reserved, or no free CMA slot)');
    return err;
  }
  st.cmaAreasUsed++;
  if (isDefault) st.defaultCmaArea = { base: rmem.base, size: rmem.size };
  rmemPrint(ctx, site, v.formats.cmaCreated, [rmem.base, rmem.size >> 20n],
    isDefault ? 'linux,cma-default: this becomes the default CMA area, so no global cma: area is reserved later' : undefined);
  return 0;
}

/** Models rmem_dma_setup() on arm64 (the no-map requirement is CONFIG_ARM only). */
function rmemDmaSetup(ctx: ModelContext, st: RmemState, rmem: SavedRmem): Errno {
  if (hasProp(rmem.node, 'reusable')) return st.v.initLoop === 'until-not-enodev' ? 'ENODEV' : 'EINVAL';
  rmemPrint(ctx, 'rmem_dma_setup', st.v.formats.dmaCreated, [rmem.base, rmem.size >> 20n]);
  return 0;
}

const table: { compat: string; kind: RmemKind; init: (ctx: ModelContext, st: RmemState, rmem: SavedRmem) => Errno }[] = [
  { compat: SHARED_DMA_POOL, kind: 'cma', init: rmemCmaSetup },
  { compat: SHARED_DMA_POOL, kind: 'dma-pool', init: rmemDmaSetup },
];

/** Models __reserved_mem_init_node(): returns the init's answer (ENOENT / 7.2 ENODEV: nothing matched). */
export function reservedMemInitNode(ctx: ModelContext, st: RmemState, rmem: SavedRmem): Errno {
  const untilSuccess = st.v.initLoop === 'until-success';
  let ret: Errno = untilSuccess ? 'ENOENT' : 'ENODEV';
  for (const e of table) {
    if (!untilSuccess && ret !== 'ENODEV') break;
    if (!flatDtIsCompatible(rmem.node, e.compat)) continue;
    ret = e.init(ctx, st, rmem);
    if (ret === 0) {
      rmem.kind = e.kind;
      rmem.compatible = e.compat;
      rmemPrint(ctx, '__reserved_mem_init_node', st.v.formats.initialized, [rmem.name, e.compat]);
      return 0;
    }
  }
  return ret;
}

/**
 * Models the init-and-undo step shared by fdt_init_reserved_mem() (5.10/6.1) and fdt_init_reserved_mem_node()
 * (6.12/7.2): init; on a real failure print, give the memory back; 6.12+ print the summary line otherwise.
 * Returns whether the init failed.
 */
export function initAndUndo(ctx: ModelContext, st: RmemState, rmem: SavedRmem): boolean {
  const { v } = st;
  const nomap = hasProp(rmem.node, 'no-map');
  const err = reservedMemInitNode(ctx, st, rmem);
  const site = v.order === 'save-sort-init' ? 'fdt_init_reserved_mem' : 'fdt_init_reserved_mem_node';
  if (err !== 0 && err !== 'ENOENT' && err !== 'ENODEV') {
    rmemPrint(ctx, site, v.formats.matchingFail, [rmem.name], `init of '${rmem.name}' failed (${err}): its memory is given back`);
    const range = { base: rmem.base, size: rmem.size };
    if (v.undo === 'free-then-add-if-nomap') {
      memblockPhysFree(ctx.mb, rmem.base, rmem.size);
      note(ctx, 'free', site, range, `undo '${rmem.name}': memblock_free`);
      if (nomap) {
        memblockAdd(ctx.mb, rmem.base, rmem.size);
        note(ctx, 'add', site, range, `undo '${rmem.name}': no-map region added back to memory`);
      }
    } else if (nomap) {
      memblockClearNomap(ctx.mb, rmem.base, rmem.size);
      note(ctx, 'clear-nomap', site, range, `undo '${rmem.name}': no-map cleared (the range stays reserved if it was allocated)`);
    } else {
      memblockPhysFree(ctx.mb, rmem.base, rmem.size);
      note(ctx, 'free', site, range, `undo '${rmem.name}': memblock_phys_free`);
    }
    rmem.failed = true;
    return true;
  }
  rmem.kind ??= 'plain';
  if (v.summaryLine) {
    rmemPrint(ctx, site, v.formats.summary, [
      rmem.base, rmem.base + rmem.size - 1n, rmem.size / 1024n, nomap ? 'nomap' : 'map',
      hasProp(rmem.node, 'reusable') ? 'reusable' : 'non-reusable', rmem.name,
    ]);
  }
  return false;
}
