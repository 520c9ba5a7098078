// The modelled kernel generations and how an upstream version maps onto one of them.
// Version comparisons live only under src/kernels/ (STYLE §5).

export type Generation = '5.10' | '6.1' | '6.12' | '7.2';
export const GENERATIONS: readonly Generation[] = ['5.10', '6.1', '6.12', '7.2'];

export interface KernelVersion {
  major: number;
  minor: number;
  patch: number;
}

export function compareVersions(a: KernelVersion, b: KernelVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export function parseVersion(s: string): KernelVersion | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(s);
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) } : undefined;
}

/** `'>=6.9 <7.0'`-style range test. */
export function inRange(v: KernelVersion, range: string): boolean {
  return range.split(/\s+/).filter(Boolean).every((term) => {
    const m = /^(>=|<=|>|<|=)?(\d+\.\d+(?:\.\d+)?)$/.exec(term);
    if (!m) throw new Error(`bad version range term ${term}`);
    const c = compareVersions(v, parseVersion(m[2])!);
    switch (m[1] ?? '=') {
      case '>=': return c >= 0;
      case '<=': return c <= 0;
      case '>': return c > 0;
      case '<': return c < 0;
      default: return c === 0;
    }
  });
}

/**
 * Which generation's behaviour a kernel of a given upstream version gets. The boundaries are the
 * releases where the behaviours this project models changed most (crashkernel=X reimplemented in 5.19,
 * "arm64: kdump: use generic interface to simplify crashkernel reservation" in 6.9, the mm init
 * consolidation "arch, mm: consolidate initialization of nodes, zones and memory map" in the 7.x
 * series). A kernel between two modelled releases gets the older neighbour's behaviour except
 * across those boundaries; that is an approximation, reported with every prediction for such a kernel.
 */
export const GENERATION_RANGES: readonly { range: string; generation: Generation; exact: string }[] = [
  { range: '<5.19', generation: '5.10', exact: '5.10' },
  { range: '>=5.19 <6.9', generation: '6.1', exact: '6.1' },
  { range: '>=6.9 <7.0', generation: '6.12', exact: '6.12' },
  { range: '>=7.0', generation: '7.2', exact: '7.2' },
];

export function generationOf(v: KernelVersion): { generation: Generation; approximate: boolean } {
  const row = GENERATION_RANGES.find((r) => inRange(v, r.range))!;
  const exact = parseVersion(row.exact)!;
  return { generation: row.generation, approximate: !(v.major === exact.major && v.minor === exact.minor) };
}
