// Picks the memory lines out of a real kernel console log and names their kind (the fixtures' `lines`).
import type { LineKind } from '../src/trace/events.ts';

/** One memory line of a recorded boot: the kernel's text without the `[    0.000000] ` timestamp. */
export interface MemoryLine {
  readonly kind: LineKind;
  readonly text: string;
}

/** Why a boot's console ended: the `Memory:` line came, the kernel panicked, or the time limit hit. */
export type StopReason = 'memory' | 'panic' | 'timeout';

const TIMESTAMP = /^\[\s*\d+\.\d+\] ?/;

/** Lines that mention a memory word but are not the kernel's account of memory. */
const NEVER: readonly RegExp[] = [
  /^Kernel command line: /,
  /^Unknown kernel command line parameters /,
  // memblock=debug traces name their caller (`… reserve_crashkernel+0x…`): calibration data, not fixture lines
  /^\s*memblock_/,
  /^\s*MEMBLOCK configuration/,
];

/** Ordered: the first rule whose pattern matches gives the kind. */
const RULES: readonly (readonly [LineKind, RegExp])[] = [
  ['crashkernel', /crashkernel|crahskernel/],
  ['elfcorehdr', /elfcorehdr/],
  ['node-data', /^\s*NODE_DATA\(|^NUMA: NODE_DATA/],
  ['numa', /^NUMA: /],
  ['zones', /^Zone ranges:$|^ {2}(DMA|DMA32|Normal|Device|Movable) +(\[mem |empty$)/],
  ['zones', /^Built \d+ zonelists, |^Policy zone: |^Fallback order for Node /],
  ['zone-debug', /^On node \d+ totalpages: |^ {2}\S+ zone: \d+ pages\b|^On node \d+, zone \S+: \d+ pages in unavailable ranges/],
  ['movable', /^Movable zone start for each node$|^ {2}Node \d+: /],
  ['node-ranges', /^Early memory node ranges$|^ {2}node +\d+: \[mem /],
  ['initmem', /^Initmem setup node /],
  ['reserved-mem', /^OF: reserved mem: |^Reserved memory: |^OF: fdt: Reserved memory: /],
  ['cma', /^cma: /],
  ['swiotlb', /^software IO TLB: /],
  ['mem-limit', /^Memory limited to /],
  ['fdt', /^OF: fdt: /],
  ['efi', /^efi: /],
  ['memory', /^Memory: \d+K\/\d+K available/],
  ['percpu', /^percpu: |^pcpu-alloc: /],
  ['hash', / hash table entries: /],
];

/** The kind of a console line (timestamp already removed), or undefined when it is not a memory line. */
export function classifyLine(text: string): LineKind | undefined {
  if (NEVER.some((re) => re.test(text))) return undefined;
  for (const [kind, re] of RULES) if (re.test(text)) return kind;
  return undefined;
}

/** A console line without its `[    0.000000] ` timestamp and trailing carriage return. */
export function stripTimestamp(line: string): string {
  return line.replace(/\r$/, '').replace(TIMESTAMP, '');
}

/**
 * The memory lines of a console log in console order, up to and including the `Memory: …K/…K available`
 * line (what arrives after it depends on when QEMU was stopped, so it is never part of a fixture).
 */
export function extractMemoryLines(log: string): { lines: MemoryLine[]; stop: StopReason } {
  const lines: MemoryLine[] = [];
  for (const raw of log.split('\n')) {
    const text = stripTimestamp(raw);
    const kind = classifyLine(text);
    if (kind) lines.push({ kind, text });
    if (kind === 'memory') return { lines, stop: 'memory' };
    if (/Kernel panic - not syncing/.test(text)) return { lines, stop: 'panic' };
  }
  return { lines, stop: 'timeout' };
}

/** The first console line that starts with `prefix` (timestamp removed), e.g. the `Linux version` banner. */
export function findLine(log: string, prefix: string): string | undefined {
  for (const raw of log.split('\n')) {
    const text = stripTimestamp(raw);
    if (text.startsWith(prefix)) return text;
  }
  return undefined;
}
