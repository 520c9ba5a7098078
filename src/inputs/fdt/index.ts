// The FDT input: parser, accessors, address helpers and writer (re-exports only).
export type { Fdt, FdtHeader, FdtNode, FdtProp, MemReserveEntry } from './tree.ts';
export { findNode, walkNodes, nodeNameMatches } from './tree.ts';
export { parseFdt } from './check.ts';
export type { FdtErrorCode } from './errors.ts';
export { FDT_MAGIC, HEADER_FIELD } from './header.ts';
export { DEFAULT_BUDGET, type WalkBudget } from './structure.ts';
export { getProp, propU32, propString, propStrings, propCells, readCells, readNumber } from './props.ts';
export {
  ofBusNAddrCells, ofBusNSizeCells, ofNAddrCells, ofNSizeCells, dtRootCells, regEntries,
  OF_ROOT_NODE_ADDR_CELLS_DEFAULT, OF_ROOT_NODE_SIZE_CELLS_DEFAULT,
  type DtRootCells, type RegEntry, type RegEntries,
} from './address.ts';
export {
  ofTranslate, ofTranslateAddress, ofTranslateDmaAddress, ofMatchBus, ofDeviceIsAvailable,
  OF_BAD_ADDR, OF_BUS_RULES_LATEST, OF_BUS_RULES_7_2, OF_BUS_RULES_6_12, OF_BUS_RULES_6_1, OF_BUS_RULES_5_10, type OfBusRules,
} from './translate.ts';
export { buildFdt, fdtValue, type FdtBuildNode, type FdtBuildOptions } from './writer.ts';
