// `bootmap sweep FILE.jsonl|-`: one scenario per line in, one JSON result per line out, in order, streaming.
import type { Command } from 'commander';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { predict } from '../../api/predict.ts';
import { formatInputError, InputFailure } from '../../inputs/errors.ts';
import { parseSweepLine, sweepOptions, sweepResult } from '../../sweep/scenario.ts';
import { readInput } from '../io.ts';

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function registerSweep(program: Command, out: (s: string) => void, err: (s: string) => void): void {
  program
    .command('sweep <file>')
    .description('predict many scenarios: JSONL in (one scenario per line, - for stdin), one JSON result per line out')
    .option('--csv', 'a CSV summary instead of JSON lines')
    .addHelpText('after', `
Each line: {"id": "a", "kernel": "debian-6.12", "machine": {"type": "qemu-virt", "ram": "4G", "smp": 2}, "cmdline": "crashkernel=512M"}
       or: {"id": "b", "kernel": "debian-7.2", "dtb": "board.dtb", "cmdline": "crashkernel=256M"}
Example:
  printf '%s\\n' '{"id":1,"machine":{"type":"qemu-virt","ram":"2G"},"cmdline":"crashkernel=256M"}' | bootmap sweep -`)
    .action(async (file: string, f: { csv?: boolean }) => {
      const input = file === '-' ? process.stdin : createReadStream(file);
      if (file !== '-') readInput(file, 'JSONL sweep'); // a missing or unreadable file is a one-line error before any output
      const rl = createInterface({ input, crlfDelay: Infinity });
      if (f.csv) out('id,ok,kernel,crash_ok,crash_base,crash_size,crash_low_base,error\n');
      let n = 0, done = 0;
      const tty = process.stderr.isTTY && !process.env.NO_COLOR;
      for await (const text of rl) {
        n++;
        if (!text.trim()) continue;
        let result: Record<string, unknown>;
        const l = parseSweepLine(text, n);
        if (!l.ok) result = { id: l.id, ok: false, error: l.error };
        else {
          try {
            const o = sweepOptions(l.value, (p) => readInput(p, 'devicetree blob'));
            if (typeof o === 'string') result = { id: l.value.id, ok: false, error: `line ${n}: ${o}` };
            else {
              const p = predict(o);
              result = p.ok ? (sweepResult(l.value.id, p.value) as Record<string, unknown>) : { id: l.value.id, ok: false, error: `line ${n}: ${formatInputError(p.error)}` };
            }
          } catch (e) {
            if (!(e instanceof InputFailure)) throw e;
            result = { id: l.value.id, ok: false, error: `line ${n}: ${formatInputError(e.error)}` };
          }
        }
        if (f.csv) {
          const c = result.crashkernel as { ok: boolean; base: string | null; size: string | null; low: { base: string } | null } | null | undefined;
          out([result.id, result.ok, result.kernel, c?.ok, c?.base, c?.size, c?.low?.base, result.error].map(csvCell).join(',') + '\n');
        } else out(JSON.stringify(result) + '\n');
        done++;
        if (tty && done % 100 === 0) err(`\rsweep: ${done} scenarios`);
      }
      if (tty && done >= 100) err(`\rsweep: ${done} scenarios, done\n`);
    });
}
