// Models of_dma_get_max_cpu_address(NULL) (drivers/of/address.c), 5.10–7.2: the highest CPU address every DMA master can reach.
import { ofBusNAddrCells, ofBusNSizeCells, ofNAddrCells } from '../inputs/fdt/address.ts';
import { getProp, propCells, readNumber, U64_MASK } from '../inputs/fdt/props.ts';
import { busGetFlags, ofCheckCounts, ofDeviceIsAvailable, ofMatchBus, ofTranslateDmaAddress, OF_BUS_RULES_LATEST, type OfBusRules } from '../inputs/fdt/translate.ts';
import type { Fdt, FdtNode } from '../inputs/fdt/tree.ts';

/** PHYS_ADDR_MAX on arm64 (phys_addr_t is u64). */
export const PHYS_ADDR_MAX = U64_MASK;

/** One merged range as for_each_of_range() yields it. */
export interface OfDmaRange {
  flags: number;
  busAddr: bigint;
  /** OF_BAD_ADDR (2^64−1) when the parent-bus address does not translate. */
  cpuAddr: bigint;
  size: bigint;
  /** Index of the first dma-ranges entry merged into this range. */
  firstEntry: number;
}

export interface DmaRangesLimit {
  /** Path of the node carrying the dma-ranges. */
  node: string;
  /** FDT_PROP offset of its dma-ranges. */
  offset: number;
  ranges: OfDmaRange[];
  /** Highest CPU address its ranges reach (0 when no whole entry parses, as in the kernel). */
  cpuEnd: bigint;
  /** The range that set cpuEnd (undefined when none did). */
  limitingRange?: OfDmaRange;
}

export interface DmaLimitExplained {
  limit: bigint;
  /** The dma-ranges that produced `limit` (the first in DT order among equals); null when nothing limits. */
  source: DmaRangesLimit | null;
  /** Every non-empty dma-ranges considered, in DT order. */
  considered: DmaRangesLimit[];
  /** Nodes skipped: disabled subtrees, or parser_init() failures (7.2). */
  skipped: { node: string; why: string }[];
}

/**
 * Models of_dma_range_parser_init() + for_each_of_range() (of_pci_range_parser_one(), drivers/of/address.c), 5.10–7.2: entries of
 * <child-bus-addr parent-bus-addr size>, contiguous entries with equal flags merged. Returns
 * an error when 7.2's parser_init() refuses the node (or the cell counts would hang the kernel's loop).
 */
export function ofDmaRanges(np: FdtNode, rules: OfBusRules = OF_BUS_RULES_LATEST): OfDmaRange[] | { error: string } {
  const prop = getProp(np, 'dma-ranges');
  const cells = prop ? propCells(prop) : [];
  const pna = ofNAddrCells(np);
  const na = ofBusNAddrCells(np);
  const ns = ofBusNSizeCells(np);
  const bus = ofMatchBus(np, rules);
  if (!bus) return { error: 'no bus matches (7.2: #address-cells missing)' };
  if (rules.parserChecksCounts && (!ofCheckCounts(na, ns) || !ofCheckCounts(pna, 1))) {
    return { error: `bad cell counts na=${na} ns=${ns} pna=${pna}` };
  }
  const np_ = pna + na + ns;
  // With zero cells per entry the kernel's loop never advances; treat it as "no ranges" instead of hanging.
  if (np_ <= 0 || na > 16 || ns > 16 || pna > 16) return { error: `unusable cell counts na=${na} ns=${ns} pna=${pna}` };
  const busflag = bus.flagCells;
  const entry = (at: number) => ({
    flags: busGetFlags(bus, cells, at),
    busAddr: readNumber(cells, at + busflag, na - busflag),
    cpuAddr: ofTranslateDmaAddress(np, cells.slice(at + na, at + na + pna), rules),
    size: readNumber(cells, at + pna + na, ns),
  });
  const out: OfDmaRange[] = [];
  let at = 0;
  while (at + np_ <= cells.length) {
    const r: OfDmaRange = { ...entry(at), firstEntry: at / np_ };
    at += np_;
    while (at + np_ <= cells.length) {
      const next = entry(at);
      if (next.flags !== r.flags) break;
      if (next.busAddr !== ((r.busAddr + r.size) & U64_MASK) || next.cpuAddr !== ((r.cpuAddr + r.size) & U64_MASK)) break;
      r.size = (r.size + next.size) & U64_MASK;
      at += np_;
    }
    out.push(r);
  }
  return out;
}

/** of_dma_get_max_cpu_address(NULL) with the reasoning kept: which node and range set the limit. */
export function ofDmaGetMaxCpuAddressExplained(fdt: Fdt, rules: OfBusRules = OF_BUS_RULES_LATEST): DmaLimitExplained {
  const considered: DmaRangesLimit[] = [];
  const skipped: { node: string; why: string }[] = [];
  let best: DmaRangesLimit | null = null;
  let limit = PHYS_ADDR_MAX;
  const visit = (np: FdtNode): void => {
    const prop = getProp(np, 'dma-ranges');
    // An empty "dma-ranges;" is a 1:1 mapping: no limit.
    if (prop && prop.value.length > 0) {
      const ranges = ofDmaRanges(np, rules);
      if ('error' in ranges) {
        skipped.push({ node: np.path, why: ranges.error });
      } else {
        let cpuEnd = 0n;
        let limitingRange: OfDmaRange | undefined;
        for (const r of ranges) {
          const end = (r.cpuAddr + r.size) & U64_MASK;
          if (end > cpuEnd) {
            cpuEnd = (end - 1n) & U64_MASK;
            limitingRange = r;
          }
        }
        const d: DmaRangesLimit = { node: np.path, offset: prop.offset, ranges, cpuEnd, limitingRange };
        considered.push(d);
        if (cpuEnd < limit) {
          limit = cpuEnd;
          best = d;
        }
      }
    }
    for (const c of np.children) {
      if (ofDeviceIsAvailable(c, rules)) visit(c);
      else skipped.push({ node: c.path, why: 'status is not "okay"/"ok"' });
    }
  };
  visit(fdt.root);
  return { limit, source: best, considered, skipped };
}

/** Models of_dma_get_max_cpu_address(NULL) (drivers/of/address.c), 5.10–7.2 (rules per generation): PHYS_ADDR_MAX when nothing limits. */
export function ofDmaGetMaxCpuAddress(fdt: Fdt, rules: OfBusRules = OF_BUS_RULES_LATEST): bigint {
  return ofDmaGetMaxCpuAddressExplained(fdt, rules).limit;
}
