// `bootmap sweep FILE.jsonl|-`: one scenario per line in, one JSON result per line out, in order, streaming.
import type { Command } from 'commander';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { availableParallelism } from 'node:os';
import { InputFailure } from '../../inputs/errors.ts';
import { readInput } from '../io.ts';
import { sweepLine } from '../sweep-line.ts';

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function registerSweep(program: Command, out: (s: string) => void, err: (s: string) => void): void {
  program
    .command('sweep <file>')
    .description('predict many scenarios: JSONL in (one scenario per line, - for stdin), one JSON result per line out')
    .option('--csv', 'a CSV summary instead of JSON lines')
    .option('--jobs <n>', 'worker threads (default: one per core but one; 1 predicts in this thread)')
    .addHelpText('after', `
Each line: {"id": "a", "kernel": "debian-6.12", "machine": {"type": "qemu-virt", "ram": "4G", "smp": 2}, "cmdline": "crashkernel=512M"}
       or: {"id": "b", "kernel": "debian-7.2", "dtb": "board.dtb", "cmdline": "crashkernel=256M"}
Example:
  printf '%s\\n' '{"id":1,"machine":{"type":"qemu-virt","ram":"2G"},"cmdline":"crashkernel=256M"}' | bootmap sweep -`)
    .action(async (file: string, f: { csv?: boolean; jobs?: string }) => {
      if (file !== '-') readInput(file, 'JSONL sweep'); // a missing or unreadable file is a one-line error before any output
      if (f.csv) out('id,ok,kernel,crash_ok,crash_base,crash_size,crash_low_base,error\n');
      let n = 0, done = 0;
      const tty = process.stderr.isTTY && !process.env.NO_COLOR;
      const write = (json: string): void => {
        if (f.csv) {
          const result = JSON.parse(json) as Record<string, unknown>;
          const c = result.crashkernel as { ok: boolean; base: string | null; size: string | null; low: { base: string } | null } | null | undefined;
          out([result.id, result.ok, result.kernel, c?.ok, c?.base, c?.size, c?.low?.base, result.error].map(csvCell).join(',') + '\n');
        } else out(json + '\n');
        done++;
        if (tty && done % 100 === 0) err(`\rsweep: ${done} scenarios`);
      };
      // Default: a worker per core but one, which reads and writes (on 2 cores that is this thread alone: measured
      // faster there, docs/PERFORMANCE.md).
      const jobs = f.jobs === undefined ? Math.max(1, availableParallelism() - 1) : Number(f.jobs);
      if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) throw new InputFailure({ kind: 'option', code: 'BAD_JOBS', file: '--jobs', expected: 'a number of worker threads from 1 to 256', found: String(f.jobs) });
      // One job: predict in this thread (no worker start-up); more: a pool of worker threads, results in input order.
      const pool = jobs > 1 ? await (await import('../sweep-pool.ts')).createSweepPool(jobs, write) : undefined;
      // The reader starts only now: lines read during an await before the loop would be lost.
      const input = file === '-' ? process.stdin : createReadStream(file);
      const rl = createInterface({ input, crlfDelay: Infinity });
      for await (const text of rl) {
        n++;
        if (!text.trim()) continue;
        if (pool) await pool.push(text, n);
        else write(JSON.stringify(sweepLine(text, n)));
      }
      await pool?.close();
      if (tty && done >= 100) err(`\rsweep: ${done} scenarios, done\n`);
    });
}
