// CI's slice of the fuzzer: each target for a fixed number of inputs with a fixed seed, in-process, and a replay of every saved regression input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { loadRegressions, loadSeeds } from '../../fuzz/corpus.ts';
import { fuzzLoop, runOne, signatureOf, type Finding } from '../../fuzz/engine.ts';
import { Rng } from '../../fuzz/rng.ts';
import { TARGET_NAMES, TARGETS, type TargetName } from '../../fuzz/targets.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SEED = 20240601;
/** Inputs per target: a few seconds in all. */
const RUNS: Record<TargetName, number> = { fdt: 1500, image: 1500, kconfig: 1500, cmdline: 1500, predict: 150, iomem: 1500, acpi: 1500, 'efi-memmap': 800, snapshot: 60, sweep: 300, kexec: 100 };
/** A slice input may take this long (ms) before it counts as a hang; generous, the CI machine is shared. */
const BUDGET_MS = 2000;

/**
 * Bugs found by the fuzzer and not fixed yet (fuzz/regressions/KNOWN.md): a crash whose message matches
 * is reported as a todo, not a failure, until its owner fixes it.
 */
const KNOWN: { id: string; pattern: RegExp }[] = [
  { id: 'KNOWN.md #1', pattern: /Cannot convert -0x[0-9a-f]* to a BigInt/i },
  { id: 'KNOWN.md #2', pattern: /early_pgtable_alloc: out of memory/ },
  { id: 'KNOWN.md #5', pattern: /error message spans lines/ },
  { id: 'KNOWN.md #6', pattern: /NODE_DATA allocation failed/ },
];
const knownOf = (message: string): string | undefined => KNOWN.find((k) => k.pattern.test(message))?.id;

for (const name of TARGET_NAMES) {
  const findings: Finding[] = [];
  const seeds = loadSeeds(name, ROOT);
  const stats = fuzzLoop(TARGETS[name], seeds, { rng: new Rng(SEED), runs: RUNS[name], budgetMs: BUDGET_MS, onFinding: (f) => findings.push(f) });
  const unknown = findings.filter((f) => !(f.kind === 'crash' && knownOf(f.message)));
  const known = [...new Set(findings.map((f) => knownOf(f.message)).filter(Boolean))];

  test(`fuzz slice: ${name}, ${RUNS[name]} inputs from ${seeds.length} seeds, seed ${SEED}: every input ends in a result or a typed error`, () => {
    assert.ok(seeds.length > 0, 'no seeds');
    assert.ok(stats.runs >= RUNS[name]);
    assert.ok(stats.ok > 0, 'no input parsed: the seeds or the target are broken');
    assert.deepEqual(unknown.map((f) => `${f.kind}: ${f.message}`), []);
  });
  if (known.length) test(`fuzz slice: ${name} hits known bugs`, { todo: known.join(', ') }, () => assert.fail(known.join(', ')));
}

/** KNOWN.md sections ('## #N …'): a regression file named in one stays a todo until that bug is fixed and its section removed. */
const sections = readFileSync(join(ROOT, 'fuzz/regressions/KNOWN.md'), 'utf8').split(/^(?=## #\d+)/m).filter((s) => s.startsWith('## #'));
const sectionOf = (file: string): string | undefined => sections.find((s) => s.includes(file))?.match(/^## (#\d+)/)?.[1];

for (const name of TARGET_NAMES) {
  for (const { file, bytes } of loadRegressions(name, ROOT)) {
    const base = basename(file);
    const entry = sectionOf(`${name}/${base}`);
    test(`regression ${name}/${base}: a result or a typed error within ${BUDGET_MS} ms`, entry ? { todo: `KNOWN.md ${entry}` } : {}, () => {
      const r = runOne(TARGETS[name], bytes);
      if (r.outcome === 'crash') assert.fail(signatureOf(r.error).message);
      assert.ok(r.ms < BUDGET_MS, `took ${r.ms.toFixed(0)} ms`);
    });
  }
}
