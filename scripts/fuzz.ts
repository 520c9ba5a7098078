// npm run fuzz -- [--minutes N] [--seed S] [--parser NAME] [--runs N] [--budget MS] [--no-coverage] [--no-save] [--replay FILE...]: mutation fuzzing of every parser and of predict().
import { resolve } from 'node:path';
import { Command } from 'commander';
import { fuzzTarget, type TargetReport } from '../fuzz/driver.ts';
import { TARGET_NAMES, type TargetName } from '../fuzz/targets.ts';

const cmd = new Command('fuzz')
  .description('Mutation fuzzing of the parsers and of predict(): every input must end in a result or a typed InputError within the budget.')
  .option('--minutes <n>', 'minutes per target (default 1 unless --runs is given)')
  .option('--runs <n>', 'inputs per target')
  .option('--seed <s>', 'PRNG seed', '1')
  .option('--parser <names>', `comma-separated targets (${TARGET_NAMES.join(', ')})`, TARGET_NAMES.join(','))
  .option('--budget <ms>', 'time budget per input; slower inputs are re-run in a fresh worker and reported as hangs', '200')
  .option('--hard <ms>', 'an input still running after this long is killed and saved as a hang', '10000')
  .option('--no-coverage', 'plain mutation fuzzing (no V8 block coverage feedback)')
  .option('--no-save', 'do not write findings to fuzz/regressions/')
  .option('--replay <files...>', 'run these saved inputs (fuzz/regressions/<target>/*) through --parser in this process and print each outcome, with the stack of a crash')
  .parse();
const f = cmd.opts<{ minutes?: string; runs?: string; seed: string; parser: string; budget: string; hard: string; coverage: boolean; save: boolean; replay?: string[] }>();

if (f.replay) {
  // One target: named by --parser, or by the regressions folder the file sits in.
  const { readFileSync } = await import('node:fs');
  const { basename, dirname } = await import('node:path');
  const { TARGETS } = await import('../fuzz/targets.ts');
  let failed = 0;
  for (const file of f.replay) {
    const name = (f.parser.includes(',') ? basename(dirname(resolve(file))) : f.parser) as TargetName;
    if (!(TARGET_NAMES as readonly string[]).includes(name)) cmd.error(`${file}: give --parser (the folder '${name}' names no target)`);
    const t0 = performance.now();
    try {
      const outcome = TARGETS[name].run(new Uint8Array(readFileSync(file)));
      process.stdout.write(`${file}: ${name}: ${outcome} in ${(performance.now() - t0).toFixed(1)} ms\n`);
    } catch (e) {
      failed++;
      process.stdout.write(`${file}: ${name}: CRASH in ${(performance.now() - t0).toFixed(1)} ms\n${(e as Error).stack}\n`);
    }
  }
  process.exit(failed ? 1 : 0);
}

const targets = f.parser.split(',').map((s) => s.trim()).filter(Boolean);
for (const t of targets) if (!(TARGET_NAMES as readonly string[]).includes(t)) cmd.error(`unknown parser '${t}' (expected one of ${TARGET_NAMES.join(', ')})`);
const runs = f.runs !== undefined ? Number(f.runs) : undefined;
const minutes = f.minutes !== undefined ? Number(f.minutes) : runs === undefined ? 1 : undefined;
for (const [k, v] of [['--runs', runs], ['--minutes', minutes]] as const) if (v !== undefined && !(v > 0)) cmd.error(`${k} expects a positive number`);

const root = resolve(import.meta.dirname, '..');
const reports: TargetReport[] = [];
const log = (s: string): void => void process.stdout.write(`${s}\n`);
log(`fuzz: seed ${f.seed}, ${minutes !== undefined ? `${minutes} min` : ''}${minutes !== undefined && runs !== undefined ? ' or ' : ''}${runs !== undefined ? `${runs} inputs` : ''} per target, budget ${f.budget} ms, coverage ${f.coverage ? 'on' : 'off'}`);
for (const t of targets as TargetName[]) {
  log(`${t}: running…`);
  const r = await fuzzTarget({
    root, targets: [t], seed: Number(f.seed) >>> 0, runs, durationMs: minutes !== undefined ? minutes * 60000 : undefined,
    budgetMs: Number(f.budget), hardMs: Number(f.hard), coverage: f.coverage, save: f.save, log,
  }, t);
  reports.push(r);
  const rate = r.runs / (r.ms / 1000);
  log(`${t}: ${r.runs} inputs in ${(r.ms / 1000).toFixed(1)} s (${rate.toFixed(0)}/s), ${r.ok} ok, ${r.errors} typed errors, ${r.crashes.length} crash kinds, ${r.hangs.length} hangs, slowest ${r.maxMs.toFixed(1)} ms, ${r.seeds} seeds, ${r.kept} kept for new coverage (${r.blocks} blocks)`);
  for (const c of r.crashes) log(`  crash ×${c.count}: ${c.message}${c.saved ? ` → ${c.saved}` : ''}\n    ${c.signature}`);
  for (const h of r.hangs) log(`  hang: ${h.how}${h.saved ? ` → ${h.saved}` : ''}`);
}
log('\n| target | inputs | time (s) | inputs/s | crashes | hangs | kept | slowest (ms) |');
log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of reports) log(`| ${r.target} | ${r.runs} | ${(r.ms / 1000).toFixed(1)} | ${(r.runs / (r.ms / 1000)).toFixed(0)} | ${r.crashes.reduce((n, c) => n + c.count, 0)} | ${r.hangs.length} | ${r.kept} | ${r.maxMs.toFixed(1)} |`);
process.exitCode = reports.some((r) => r.crashes.length || r.hangs.length) ? 1 : 0;
