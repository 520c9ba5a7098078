// `bootmap explain` and `bootmap diff`: the decisions behind a prediction, and what moves between two.
import type { Command } from 'commander';
import { predict, type PredictOptions } from '../../api/predict.ts';
import { InputFailure } from '../../inputs/errors.ts';
import type { Prediction } from '../../kernels/boot.ts';
import { diffPredictions, renderDiff } from '../../render/diff.ts';
import { explainPrediction, renderExplain } from '../../render/explain.ts';
import { EXIT_OK, EXIT_RESERVATION_FAILS } from '../exit-codes.ts';
import { addInputOptions, optionsFromFlags, type InputFlags } from './predict.ts';

const run = (o: PredictOptions): Prediction => {
  const r = predict(o);
  if (!r.ok) throw new InputFailure(r.error);
  return r.value;
};

/** Smallest changes of crashkernel= that would reserve on this machine, by re-running the (fast) model. */
function findFixes(o: PredictOptions, p: Prediction): { cmdline: string; result: string }[] {
  const m = /(^|\s)crashkernel=(\S+)/.exec(p.cmdline);
  if (!m) return [];
  const size = p.crash?.main?.size ?? 0n;
  const parts = m[2].split('@')[0].replace(/,(high|low)$/, '');
  const base = p.cmdline.replace(/(^|\s)\S*crashkernel=\S*/g, '').trim();
  const candidates = [`crashkernel=${parts}`, `crashkernel=${parts},high`];
  for (const mb of [1024, 512, 384, 256, 192, 128, 96, 64]) candidates.push(`crashkernel=${mb}M`);
  const out: { cmdline: string; result: string }[] = [];
  for (const c of candidates) {
    if (c === m[0].trim()) continue;
    const q = predict({ ...o, cmdline: `${base} ${c}`.trim() });
    if (q.ok && q.value.crash?.ok) {
      const r = q.value.crash.main!;
      out.push({ cmdline: c, result: `${Number(r.size) / 2 ** 20} MiB at 0x${r.base.toString(16)}` });
      if (out.length >= 2) break;
    }
  }
  void size;
  return out;
}

export function registerExplain(program: Command, out: (s: string) => void, setExit: (c: number) => void): void {
  addInputOptions(program.command('explain'))
    .description('the chain of decisions behind each placement, in plain words with the numbers')
    .option('--json', 'the decisions (and the fixes) as JSON')
    .addHelpText('after', `
Examples:
  bootmap explain --machine qemu-virt --ram 2G --cmdline crashkernel=1G --kernel debian-6.1
  bootmap explain --dtb rpi4.dtb --loader at --image-addr 0x80000 --dtb-addr 0x2eff0000 --cmdline crashkernel=256M
  bootmap explain --dtb - --json < board.dtb`)
    .action((f: InputFlags & { json?: boolean }) => {
      const o = optionsFromFlags(f);
      const p = run(o);
      const fixes = p.crash && !p.crash.ok ? findFixes(o, p) : [];
      out(f.json ? JSON.stringify({ schema: 'bootmap.explain/1', kernel: p.profile.name, cmdline: p.cmdline, decisions: explainPrediction(p, fixes), fixes }, null, 2) + '\n' : renderExplain(p, fixes));
      setExit(p.crash && !p.crash.ok ? EXIT_RESERVATION_FAILS : EXIT_OK);
    });
  addInputOptions(program.command('diff'))
    .description('two predictions side by side: what moved and why')
    .option('--vs <kernel>', 'the other kernel (profile or image)')
    .option('--vs-cmdline <string>', 'the other command line')
    .option('--vs-dtb <file>', 'the other devicetree blob')
    .option('--json', 'what moved, as JSON')
    .addHelpText('after', `
Examples:
  bootmap diff --machine qemu-virt --ram 2G --cmdline crashkernel=256M --kernel debian-6.1 --vs debian-7.2
  bootmap diff --machine qemu-virt --ram 8G --cmdline crashkernel=3G --vs-cmdline "crashkernel=3G,high" --json`)
    .action((f: InputFlags & { vs?: string; vsCmdline?: string; vsDtb?: string; json?: boolean }) => {
      if (!f.vs && f.vsCmdline === undefined && !f.vsDtb) throw new InputFailure({ kind: 'option', code: 'DIFF_NOTHING', file: 'diff', expected: '--vs KERNEL, --vs-cmdline STRING or --vs-dtb FILE' });
      const a = run(optionsFromFlags(f));
      const b = run(optionsFromFlags({ ...f, kernel: f.vs ?? f.kernel, cmdline: f.vsCmdline ?? f.cmdline, dtb: f.vsDtb ?? f.dtb }));
      const labels: [string, string] = [`${a.profile.name} ${a.cmdline}`, `${b.profile.name} ${b.cmdline}`];
      out(f.json ? JSON.stringify({ schema: 'bootmap.diff/1', a: labels[0], b: labels[1], moved: diffPredictions(a, b) }, null, 2) + '\n' : renderDiff(a, b, labels));
    });
}
