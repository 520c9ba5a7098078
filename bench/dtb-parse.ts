// DTB parsing throughput on the largest devicetrees Debian ships (bash /work/shared/tools/debian-arm64-kernels.sh
// --dtbs trixie), beside `dtc -I dtb -O dts` on the same files in the same run. parseFdt runs in process;
// dtc is a process per file, so its figure includes process start (shown separately as `dtc --version`).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { parseFdt } from '../src/inputs/fdt/check.ts';
import { summarize, type Summary } from './stats.ts';

export interface DtbParseResult {
  files: { name: string; bytes: number }[];
  totalBytes: number;
  /** MB/s (10^6 bytes) over all the files, per round. */
  parseFdtMBps: Summary;
  dtcMBps?: Summary;
  /** dtc's MB/s once its process start (median `dtc --version`) is taken off. */
  dtcMBpsNetOfStart?: Summary;
  dtcStartMs?: Summary;
}

export function largestDebianDtbs(count: number, dir = join(homedir(), '.cache/arm64-kernels/trixie/dtbs')): string[] {
  const all: { p: string; size: number }[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (n.endsWith('.dtb')) all.push({ p, size: st.size });
    }
  };
  try {
    walk(dir);
  } catch {
    return [];
  }
  return all.sort((a, b) => b.size - a.size).slice(0, count).map((f) => f.p);
}

function hasDtc(): boolean {
  return spawnSync('dtc', ['--version']).status === 0;
}

export async function benchDtbParse(paths: string[], rounds: number): Promise<DtbParseResult | undefined> {
  if (!paths.length) return undefined;
  const blobs = paths.map((p) => new Uint8Array(readFileSync(p)));
  for (const [i, b] of blobs.entries()) if (!parseFdt(b, paths[i]).ok) throw new Error(`${paths[i]} does not parse`);
  const totalBytes = blobs.reduce((t, b) => t + b.length, 0);
  const ours: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const bench = new Bench({ time: 300, warmup: r === 0 });
    bench.add('parse all', () => {
      for (const [i, b] of blobs.entries()) parseFdt(b, paths[i]);
    });
    await bench.run();
    const res = bench.tasks[0].result;
    if (res.state !== 'completed') throw new Error('parse bench failed');
    ours.push(totalBytes / 1e6 / (res.latency.mean / 1000));
  }
  const out: DtbParseResult = { files: paths.map((p, i) => ({ name: p.split('/').slice(-2).join('/'), bytes: blobs[i].length })), totalBytes, parseFdtMBps: summarize(ours) };
  if (hasDtc()) {
    const dtc: number[] = [];
    const start: number[] = [];
    for (let r = 0; r < rounds; r++) {
      let t = performance.now();
      spawnSync('dtc', ['--version']);
      start.push(performance.now() - t);
      t = performance.now();
      for (const p of paths) {
        const r2 = spawnSync('dtc', ['-q', '-I', 'dtb', '-O', 'dts', '-o', '/dev/null', p]);
        if (r2.status !== 0) throw new Error(`dtc ${p}: ${r2.stderr}`);
      }
      dtc.push(performance.now() - t);
    }
    out.dtcStartMs = summarize(start);
    out.dtcMBps = summarize(dtc.map((ms) => totalBytes / 1e6 / (ms / 1000)));
    const net = dtc.map((ms) => ms - paths.length * out.dtcStartMs!.median).filter((ms) => ms > 0);
    if (net.length) out.dtcMBpsNetOfStart = summarize(net.map((ms) => totalBytes / 1e6 / (ms / 1000)));
  }
  return out;
}
