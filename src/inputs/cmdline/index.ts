// The command-line parsers (re-exports only).
export * from './variants.ts';
export * from './memparse.ts';
export * from './crashkernel.ts';
export * from './params.ts';
