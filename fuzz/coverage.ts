// Block coverage of src/ through V8's precise coverage (node:inspector), sampled per batch of inputs so it stays cheap. Node only.
import { Session } from 'node:inspector';
import type { CoverageProbe } from './engine.ts';

interface Range { startOffset: number; endOffset: number; count: number }
interface ScriptCoverage { scriptId: string; url: string; functions: { ranges: Range[] }[] }

export function startCoverage(filter = '/src/'): CoverageProbe & { blocks(): number; stop(): void } {
  const s = new Session();
  s.connect();
  // A same-thread session answers synchronously.
  const post = <T>(method: string, params: object = {}): T => {
    let out: T | undefined;
    let err: Error | null = null;
    s.post(method, params, (e, r) => {
      err = e;
      out = r as T;
    });
    if (err) throw err;
    return out!;
  };
  post('Profiler.enable');
  post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  const seen = new Set<string>();
  return {
    take(commit: boolean): number {
      const r = post<{ result: ScriptCoverage[] }>('Profiler.takePreciseCoverage');
      let fresh = 0;
      for (const sc of r.result) {
        if (!sc.url.includes(filter)) continue;
        for (const f of sc.functions) {
          for (const rg of f.ranges) {
            if (rg.count === 0) continue;
            const k = `${sc.url}:${rg.startOffset}:${rg.endOffset}`;
            if (seen.has(k)) continue;
            fresh++;
            if (commit) seen.add(k);
          }
        }
      }
      return fresh;
    },
    blocks: () => seen.size,
    stop(): void {
      post('Profiler.stopPreciseCoverage');
      s.disconnect();
    },
  };
}
