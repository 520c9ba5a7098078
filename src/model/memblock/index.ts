// The memblock model (mm/memblock.c, include/linux/memblock.h), 5.10–7.2: re-exports only.

export * from './types.ts';
export { memblockSearch, type MemblockTypeName } from './regions.ts';
export * from './isolate.ts';
export * from './add.ts';
export * from './remove.ts';
export * from './reserve.ts';
export * from './flags.ts';
export * from './query.ts';
export * from './find.ts';
export * from './alloc.ts';
export * from './debug.ts';
export * from './double-array.ts';
