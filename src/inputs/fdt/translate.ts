// Bus address translation up the tree: models of_busses[], of_translate_one() and __of_translate_address() (drivers/of/address.c).
import { latin1 } from '../bytes/reader.ts';
import { ofBusNAddrCells, ofNAddrCells, ofNSizeCells } from './address.ts';
import { getProp, propCells, propString, readNumber, U64_MASK } from './props.ts';
import type { FdtNode } from './tree.ts';

/** OF_BAD_ADDR (include/linux/of_address.h): (u64)-1. */
export const OF_BAD_ADDR = U64_MASK;
/** OF_MAX_ADDR_CELLS (drivers/of/of_private.h). */
export const OF_MAX_ADDR_CELLS = 4;

const IORESOURCE_IO = 0x100;
const IORESOURCE_MEM = 0x200;
const IORESOURCE_PREFETCH = 0x2000;
const IORESOURCE_MEM_64 = 0x100000;

/**
 * What changed in drivers/of/address.c and base.c across the four generations (the kernels'
 * profiles choose the value; the OF_BUS_RULES_* constants below hold each generation's):
 * - defaultFlagsBus: 5.10 'none'; 6.1 and 6.12 'cells3' (of_bus_default_flags_match():
 *   of_bus_n_addr_cells(np) == 3, walking up); 7.2 'declared-cells3' (#address-cells present and 3).
 * - defaultBusNeedsCells: 7.2 only: the default bus matches only a node with #address-cells, so
 *   of_match_bus() can return NULL (translation fails, parser_init() fails).
 * - parserChecksCounts: 7.2 only: parser_init() rejects na/ns/pna outside OF_CHECK_COUNTS.
 * - identityKeepsFlags: 6.1+: an empty/missing (dma-)ranges keeps the parent bus's flags cell (5.10 zeroes it).
 * - statusNeedsNul: 7.2 only: `status` must be NUL-terminated inside the property (__of_device_is_status()).
 */
export interface OfBusRules {
  defaultFlagsBus: 'none' | 'cells3' | 'declared-cells3';
  defaultBusNeedsCells: boolean;
  parserChecksCounts: boolean;
  identityKeepsFlags: boolean;
  statusNeedsNul: boolean;
}
/** Debian 7.2: the default buses match only declared #address-cells; parser_init() checks the counts. */
export const OF_BUS_RULES_7_2: OfBusRules = {
  defaultFlagsBus: 'declared-cells3',
  defaultBusNeedsCells: true,
  parserChecksCounts: true,
  identityKeepsFlags: true,
  statusNeedsNul: true,
};
/** Debian 6.12: the default bus always matches, parser_init() does not check, `status` is compared with strcmp(). */
export const OF_BUS_RULES_6_12: OfBusRules = { ...OF_BUS_RULES_7_2, defaultFlagsBus: 'cells3', defaultBusNeedsCells: false, parserChecksCounts: false, statusNeedsNul: false };
/** Debian 6.1: as 6.12 (6.1.176 has the default-flags bus too). */
export const OF_BUS_RULES_6_1: OfBusRules = { ...OF_BUS_RULES_6_12 };
/** Debian 5.10: no "default-flags" bus; an identity step zeroes every parent address cell. */
export const OF_BUS_RULES_5_10: OfBusRules = { ...OF_BUS_RULES_6_1, defaultFlagsBus: 'none', identityKeepsFlags: false };
/** The newest generation's rules, the default of every function here. */
export const OF_BUS_RULES_LATEST: OfBusRules = OF_BUS_RULES_7_2;

export type OfBusName = 'pci' | 'isa' | 'default-flags' | 'default';
export interface OfBus {
  name: OfBusName;
  /** 1 for buses whose first address cell is flags (flag_cells / has_flags). */
  flagCells: number;
}

/** of_node_name_eq(): the node name up to '@'. */
const nameEq = (n: FdtNode, name: string): boolean => n.name.split('@')[0] === name;

/** Models of_match_bus(): the first of pci, isa, default-flags, default that matches the bus node. */
export function ofMatchBus(np: FdtNode, rules: OfBusRules): OfBus | null {
  const type = propString(np, 'device_type');
  if (type === 'pci' || type === 'pciex' || type === 'vci' || type === 'ht' || nameEq(np, 'pcie')) return { name: 'pci', flagCells: 1 };
  if (nameEq(np, 'isa')) return { name: 'isa', flagCells: 1 };
  const declared = getProp(np, '#address-cells') !== undefined;
  if (rules.defaultFlagsBus === 'cells3' && ofBusNAddrCells(np) === 3) return { name: 'default-flags', flagCells: 1 };
  if (rules.defaultFlagsBus === 'declared-cells3' && declared && ofBusNAddrCells(np) === 3) return { name: 'default-flags', flagCells: 1 };
  if (rules.defaultBusNeedsCells && !declared) return null;
  return { name: 'default', flagCells: 0 };
}

/** The bus's count_cells() for a device on it. */
export function busCountCells(bus: OfBus, dev: FdtNode): [number, number] {
  if (bus.name === 'pci') return [3, 2];
  if (bus.name === 'isa') return [2, 1];
  return [ofNAddrCells(dev), ofNSizeCells(dev)];
}

/** OF_CHECK_COUNTS(na, ns). */
export const ofCheckCounts = (na: number, ns: number): boolean => na > 0 && na <= OF_MAX_ADDR_CELLS && ns > 0;

/** The bus's get_flags() on the first cell of an address. */
export function busGetFlags(bus: OfBus, cells: readonly number[], at: number): number {
  const w = (cells[at] ?? 0) >>> 0;
  if (bus.name === 'default') return IORESOURCE_MEM;
  if (bus.name === 'default-flags') return w;
  if (bus.name === 'isa') return w & 1 ? IORESOURCE_IO : IORESOURCE_MEM;
  let flags = 0;
  const space = (w >>> 24) & 3;
  if (space === 1) flags |= IORESOURCE_IO;
  else if (space === 2) flags |= IORESOURCE_MEM;
  else if (space === 3) flags |= IORESOURCE_MEM | IORESOURCE_MEM_64;
  if (w & 0x40000000) flags |= IORESOURCE_PREFETCH;
  return flags;
}

/** The bus's map(): offset of `addr` inside the range entry at `ranges[at]`, or OF_BAD_ADDR. */
function busMap(bus: OfBus, addr: number[], ranges: readonly number[], at: number, na: number, ns: number, pna: number): bigint {
  if (bus.name === 'pci') {
    const differ = busGetFlags(bus, addr, 0) ^ busGetFlags(bus, ranges, at);
    if (differ & (IORESOURCE_MEM | IORESOURCE_IO)) return OF_BAD_ADDR;
  } else if (bus.name === 'isa') {
    if (((addr[0] ^ (ranges[at] ?? 0)) & 1) !== 0) return OF_BAD_ADDR;
  } else if (bus.name === 'default-flags') {
    if (addr[0] >>> 0 !== (ranges[at] ?? 0) >>> 0) return OF_BAD_ADDR;
  }
  const fna = bus.flagCells;
  const cp = readNumber(ranges, at + fna, na - fna);
  const s = readNumber(ranges, at + na + pna, ns);
  const da = readNumber(addr, fna, na - fna);
  if (da < cp || da >= ((cp + s) & U64_MASK)) return OF_BAD_ADDR;
  return da - cp;
}

/** The bus's translate(): adds offset to the address cells (after the flags cell, which is kept). */
function busTranslate(bus: OfBus, addr: number[], offset: bigint, na: number): void {
  const start = bus.flagCells;
  const n = na - start;
  let a = readNumber(addr, start, n);
  for (let i = start; i < start + n; i++) addr[i] = 0;
  a = (a + offset) & U64_MASK;
  if (n > 1) addr[start + n - 2] = Number(a >> 32n);
  addr[start + n - 1] = Number(a & 0xffffffffn);
}

/** Models of_translate_one(): one level up through `dev`'s ranges property; false when it cannot translate. */
function ofTranslateOne(dev: FdtNode, bus: OfBus, pbus: OfBus, addr: number[], na: number, ns: number, pna: number, rprop: string, rules: OfBusRules): boolean {
  const ranges = getProp(dev, rprop);
  // A missing "ranges" is a non-translatable boundary; a missing "dma-ranges" is 1:1 ("--RobH" quirk).
  if (!ranges && rprop !== 'dma-ranges') return false;
  let offset: bigint;
  if (!ranges || ranges.value.length === 0) {
    offset = readNumber(addr, 0, na);
    for (let i = rules.identityKeepsFlags ? pbus.flagCells : 0; i < pna; i++) addr[i] = 0;
  } else {
    const cells = propCells(ranges);
    const rone = na + pna + ns;
    let at = 0;
    offset = OF_BAD_ADDR;
    for (; rone > 0 && cells.length - at >= rone; at += rone) {
      offset = busMap(bus, addr, cells, at, na, ns, pna);
      if (offset !== OF_BAD_ADDR) break;
    }
    if (offset === OF_BAD_ADDR) return false;
    for (let i = 0; i < pna; i++) addr[i] = cells[at + na + i] ?? 0;
  }
  busTranslate(pbus, addr, offset, pna);
  return true;
}

/**
 * Models __of_translate_address() (drivers/of/address.c) with the parent as the DMA parent
 * (__of_get_dma_parent()'s "interconnects"/"dma-mem" redirection is not modelled).
 * `inAddr` holds the address cells in the bus space of `node`'s parent; returns OF_BAD_ADDR on failure.
 */
export function ofTranslate(node: FdtNode, inAddr: readonly number[], rprop: 'ranges' | 'dma-ranges', rules: OfBusRules = OF_BUS_RULES_LATEST): bigint {
  let dev = node;
  let parent = dev.parent;
  if (!parent) return OF_BAD_ADDR;
  let bus = ofMatchBus(parent, rules);
  if (!bus) return OF_BAD_ADDR;
  let [na, ns] = busCountCells(bus, dev);
  if (!ofCheckCounts(na, ns)) return OF_BAD_ADDR;
  const addr = [0, 0, 0, 0];
  for (let i = 0; i < na; i++) addr[i] = (inAddr[i] ?? 0) >>> 0;
  for (;;) {
    dev = parent;
    parent = dev.parent;
    if (!parent) return readNumber(addr, 0, na);
    const pbus = ofMatchBus(parent, rules);
    if (!pbus) return OF_BAD_ADDR;
    const [pna, pns] = busCountCells(pbus, dev);
    if (!ofCheckCounts(pna, pns)) return OF_BAD_ADDR;
    if (!ofTranslateOne(dev, bus, pbus, addr, na, ns, pna, rprop, rules)) return OF_BAD_ADDR;
    na = pna;
    ns = pns;
    bus = pbus;
  }
}

/** Models of_translate_address(): a `reg` address of `node` (in its parent's bus space) to a CPU address. */
export const ofTranslateAddress = (node: FdtNode, inAddr: readonly number[], rules?: OfBusRules): bigint => ofTranslate(node, inAddr, 'ranges', rules);

/** Models of_translate_dma_address(): a bus address seen by `node`'s children's DMA, up through ancestors' dma-ranges. */
export const ofTranslateDmaAddress = (node: FdtNode, inAddr: readonly number[], rules?: OfBusRules): bigint => ofTranslate(node, inAddr, 'dma-ranges', rules);

/** Models __of_device_is_available(): no status, or "okay"/"ok". */
export function ofDeviceIsAvailable(node: FdtNode, rules: OfBusRules = OF_BUS_RULES_LATEST): boolean {
  const p = getProp(node, 'status');
  if (!p) return true;
  if (p.value.length === 0) return false;
  const nul = p.value.indexOf(0);
  if (nul < 0 && rules.statusNeedsNul) return false;
  const s = latin1(p.value.subarray(0, nul < 0 ? p.value.length : nul));
  return s === 'okay' || s === 'ok';
}
