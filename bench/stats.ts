// Medians and ranges of repeated measurements (every figure the benchmarks print is one of these).

export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function summarize(values: readonly number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return { median, min: s[0], max: s[n - 1], runs: n };
}

/** "12.3 (11.9–14.0)": median and min–max, with `digits` decimals. */
export function fmt(s: Summary, digits = 1): string {
  const f = (v: number): string => (Math.abs(v) >= 1e5 ? Math.round(v).toLocaleString('en-US') : v.toFixed(digits));
  return `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

/** The host's 1-minute load average and core count, to read noisy figures by. */
export async function hostLoad(): Promise<{ load1: number; cores: number }> {
  const os = await import('node:os');
  return { load1: os.loadavg()[0], cores: os.availableParallelism?.() ?? os.cpus().length };
}
