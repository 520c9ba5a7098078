// Issue #11's survival grid, replayed: for every recorded cell (generation × crash size × kdump command line) the
// model's verdict must match whether the real kdump kernel reached init, and its predicted `Memory: …K available`
// must be within 2 % or 1 MiB of the kdump kernel's own line. The two thresholds per generation are the least that
// lived on the grid (src/kernels/behaviors/generations.ts): what this checks is that two numbers separate every
// cell; the runs of scenarios.json, which they were not taken from, check them in lifecycle.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gridCells } from '../../conformance/lifecycle/grid-report.ts';
import { runModel } from '../../conformance/lifecycle/replay.ts';
import { readLifecycleRecord } from '../../conformance/lifecycle/transcript.ts';
import { kdumpVerdict } from '../../src/model/kexec/kdump-verdict.ts';

const cells = gridCells();
const summary = new Map<string, { lived: number[]; died: string[] }>();

for (const c of cells) {
  test(`grid ${c.profile} ${c.variant} ${c.sizeMiB}M: ${c.outcome}`, () => {
    const m = runModel(readLifecycleRecord(c.id, c.profile));
    const load = m.steps.find((s) => s.kind === 'load');
    const crash = m.steps.find((s) => s.kind === 'crash');
    const v = kdumpVerdict(load?.kind === 'load' ? load.result : undefined, crash?.kind === 'crash' ? crash.kdump : undefined, crash?.kind === 'crash' ? crash.panic : undefined);
    const row = summary.get(`${c.profile} ${c.variant}`) ?? { lived: [], died: [] };
    summary.set(`${c.profile} ${c.variant}`, row);
    if (c.outcome === 'init') row.lived.push(c.sizeMiB);
    else row.died.push(`${c.sizeMiB}M (${c.outcome === 'not loaded' ? 'kexec -p fails' : c.death})`);
    assert.equal(v.lives, c.outcome === 'init', `verdict: ${v.reasons.join('; ')}`);
    if (c.memory && v.availableBytes !== undefined) {
      const got = v.availableBytes / 1024;
      const tol = Math.max(0.02 * c.memory.availableK, 1024);
      assert.ok(Math.abs(got - c.memory.availableK) <= tol, `Memory: ${c.memory.availableK}K available; the model says ${got}K`);
    }
  });
}

test('grid summary', () => {
  for (const [k, r] of [...summary].sort()) console.log(`${k}: lives from ${Math.min(...r.lived)}M; dies at ${r.died.join(', ') || 'none'}`);
});
