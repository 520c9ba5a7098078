// Parses /proc/iomem as r_show() (kernel/resource.c) prints it, 5.10–7.2: one resource a line,
// `%*s%0*llx-%0*llx : %s`, indented two spaces a level, children inside their parent, siblings sorted.
import { fail, ok, type InputError, type Result } from './errors.ts';

/** One resource; `start`/`end` are inclusive as printed, `base`/`size` the half-open form. */
export interface IomemNode {
  start: bigint;
  end: bigint;
  base: bigint;
  size: bigint;
  name: string;
  depth: number;
  /** 1-based line number in the file. */
  line: number;
  children: IomemNode[];
}

export interface Iomem {
  file: string;
  roots: IomemNode[];
  /** Every address printed as zero: r_show() prints 0-0 to readers without CAP_SYS_ADMIN (kernel/resource.c). */
  zeroed: boolean;
}

export interface PhysRange {
  base: bigint;
  size: bigint;
}

// The kernel prints the name verbatim; it may be empty (a resource with a NULL name prints "<BAD>").
const MAX_IORES_LEVEL = 5;
const LINE = /^( *)([0-9a-f]+)-([0-9a-f]+) : (.*)$/;

export function parseIomem(text: string, file = '/proc/iomem'): Result<Iomem> {
  const err = (code: string, line: number, offset: number, expected: string, found?: string): Result<never> =>
    fail<InputError>({ kind: 'iomem', code, file, offset, field: `line ${line}`, expected, found });
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const roots: IomemNode[] = [];
  const stack: IomemNode[] = [];
  let allZero = true;
  let offset = 0;
  for (let i = 0; i < lines.length; offset += lines[i].length + 1, i++) {
    const raw = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    const lineNo = i + 1;
    const m = LINE.exec(raw);
    if (!m) return err('IOMEM_BAD_LINE', lineNo, offset, '"start-end : name" with hexadecimal start and end', JSON.stringify(raw.slice(0, 60)));
    const indent = m[1].length;
    if (indent % 2 !== 0) return err('IOMEM_BAD_INDENT', lineNo, offset, 'an indentation of two spaces a level', `${indent} spaces`);
    const depth = indent / 2;
    if (depth > stack.length) return err('IOMEM_BAD_INDENT', lineNo, offset, `depth at most ${stack.length} (one below the line above)`, `depth ${depth}`);
    if (m[2].length > 16 || m[3].length > 16) return err('IOMEM_BAD_RANGE', lineNo, offset, 'addresses of at most 64 bits', `${m[2]}-${m[3]}`);
    const start = BigInt(`0x${m[2]}`);
    const end = BigInt(`0x${m[3]}`);
    if (start !== 0n || end !== 0n) allZero = false;
    if (end < start) return err('IOMEM_BAD_RANGE', lineNo, offset + indent, 'end ≥ start', `${m[2]}-${m[3]}`);
    const node: IomemNode = { start, end, base: start, size: end - start + 1n, name: m[4], depth, line: lineNo, children: [] };
    stack.length = depth;
    const siblings = depth === 0 ? roots : stack[depth - 1].children;
    const parent = depth === 0 ? undefined : stack[depth - 1];
    // Zeroed files (unprivileged readers) keep the shape but every range is 0-0: skip the geometry checks.
    if (start !== 0n || end !== 0n) {
      if (parent && !(parent.start === 0n && parent.end === 0n) && (start < parent.start || end > parent.end)) {
        return err('IOMEM_NOT_NESTED', lineNo, offset + indent, `a range inside its parent ${hexRange(parent)} (line ${parent.line})`, `${m[2]}-${m[3]}`);
      }
      const prev = siblings[siblings.length - 1];
      // r_show() stops indenting at MAX_IORES_LEVEL (5): deeper resources print as siblings of their ancestors.
      if (depth < MAX_IORES_LEVEL && prev && !(prev.start === 0n && prev.end === 0n) && start <= prev.end) {
        return err('IOMEM_OVERLAP', lineNo, offset + indent, `a range after its sibling ${hexRange(prev)} (line ${prev.line})`, `${m[2]}-${m[3]}`);
      }
    }
    siblings.push(node);
    stack.push(node);
  }
  if (roots.length === 0) return fail({ kind: 'iomem', code: 'IOMEM_EMPTY', file, expected: 'at least one resource line' });
  return ok({ file, roots, zeroed: allZero });
}

const hexRange = (n: IomemNode): string => `${n.start.toString(16)}-${n.end.toString(16)}`;

/** Every node, depth first, in file order. */
export function* iomemWalk(nodes: readonly IomemNode[]): Generator<IomemNode> {
  for (const n of nodes) {
    yield n;
    yield* iomemWalk(n.children);
  }
}

const rangesNamed = (nodes: Iterable<IomemNode>, name: string): PhysRange[] =>
  [...nodes].filter((n) => n.name === name).map((n) => ({ base: n.base, size: n.size }));

/** Top-level "System RAM": memblock.memory minus NOMAP (request_standard_resources(), arch/arm64/kernel/setup.c). */
export const iomemSystemRam = (io: Iomem): PhysRange[] => rangesNamed(io.roots, 'System RAM');

/** "Crash kernel" resources (one, or two with a low one below 4 GiB), wherever they sit. */
export const iomemCrashRegions = (io: Iomem): PhysRange[] => rangesNamed(iomemWalk(io.roots), 'Crash kernel');

/** "reserved" inside System RAM: memblock.reserved as request_standard_resources() saw it (5.x–6.x; absent on some kernels). */
export const iomemReserved = (io: Iomem): PhysRange[] => io.roots.filter((r) => r.name === 'System RAM').flatMap((r) => rangesNamed(r.children, 'reserved'));

/** Top-level "reserved": memblock regions marked NOMAP (arm64 names them "reserved" and keeps them out of System RAM). */
export const iomemNomap = (io: Iomem): PhysRange[] => rangesNamed(io.roots, 'reserved');

/** "Kernel code" and "Kernel data" (kernel_code / kernel_data in arch/arm64/kernel/setup.c). */
export function iomemKernel(io: Iomem): { code?: PhysRange; data?: PhysRange } {
  const all = [...iomemWalk(io.roots)];
  const pick = (name: string): PhysRange | undefined => {
    const n = all.find((x) => x.name === name);
    return n && { base: n.base, size: n.size };
  };
  return { code: pick('Kernel code'), data: pick('Kernel data') };
}
