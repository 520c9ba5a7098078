// Replays the recorded kexec-lifecycle guests (conformance/lifecycle/fixtures) through the model: the crash region
// after every shrink, load and unload (/proc/iomem's "Crash kernel" lines, kexec_crash_size, kexec_crash_loaded),
// each write's error, every segment kexec-tools placed and the DTB's size, and the kdump kernel's memory lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareLines, COMPARED_KINDS } from '../../conformance/compare.ts';
import { extractMemoryLines } from '../../conformance/lines.ts';
import { runModel } from '../../conformance/lifecycle/replay.ts';
import { LIFECYCLE_DIR } from '../../conformance/lifecycle/scenario.ts';
import { type IomemState, readLifecycleRecord } from '../../conformance/lifecycle/transcript.ts';
import type { CrashState } from '../../src/model/kexec/lifecycle.ts';
import { dmesgLines } from '../../src/render/dmesg.ts';
import type { Prediction } from '../../src/kernels/boot.ts';
import { predictKdump } from '../../src/model/kexec/lifecycle.ts';
import { kdumpVerdict } from '../../src/model/kexec/kdump-verdict.ts';

const gaps = new Map<string, string>(
  (JSON.parse(readFileSync('conformance/lifecycle/known-gaps.json', 'utf8')).gaps as { case: string; reason: string }[]).map((g) => [g.case, g.reason]),
);
const cases: { id: string; profile: string }[] = [];
if (existsSync(LIFECYCLE_DIR)) {
  for (const id of readdirSync(LIFECYCLE_DIR).sort()) {
    for (const f of readdirSync(join(LIFECYCLE_DIR, id)).sort()) if (f.endsWith('.json')) cases.push({ id, profile: f.slice(0, -5) });
  }
}

const hex = (v: bigint): string => v.toString(16);
function sameState(where: string, model: CrashState, rec: IomemState): void {
  assert.deepEqual(model.iomem, rec.iomem.filter((l) => / : Crash kernel$/.test(l)), `${where}: /proc/iomem "Crash kernel" lines`);
  assert.equal(String(model.size), rec.size, `${where}: kexec_crash_size`);
  assert.equal(model.loaded ? '1' : '0', rec.loaded, `${where}: kexec_crash_loaded`);
}

const tally = { cases: 0, steps: 0, segments: 0, kdumpLines: 0, kdumpMatched: 0, kaslrAlternatives: 0, verdicts: 0 };
/**
 * Seeds whose low and high 16 bits sweep the linear-map randomisation in 255 steps (6.1+ read the low bits, 5.10 the
 * high), and whose bits 21–45 scatter the kernel image's 2 MiB slot (a Weyl sequence over 2^25: the image's place in
 * its 1 GiB, which decides one map_kernel() table page on 5.10/6.1).
 */
const KASLR_SEEDS = Array.from({ length: 255 }, (_, k) => {
  const lin = BigInt(k + 1) * 0x101n;
  const slot = (BigInt(k + 1) * 0x9e3779n) & ((1n << 25n) - 1n);
  return lin | (slot << 21n) | (lin << 48n);
});

for (const c of cases) {
  const key = `${c.id}/${c.profile}`;
  const gap = [...gaps].find(([k]) => k === key || k === `${key}:kdump`);
  test(`lifecycle ${key}`, { todo: gap ? `known gap: ${gap[1]}` : undefined }, () => {
    const rec = readLifecycleRecord(c.id, c.profile);
    const t = rec.transcript;
    const m = runModel(rec);
    tally.cases++;
    // The first kernel booted with the guest's initrd: its memory lines too.
    const firstWant = extractMemoryLines(t.firstBoot.join('\n')).lines;
    const firstMemory = m.first.profile.behaviours.bootSteps.includes('memInitPrintInfo');
    const first = compareLines(firstWant, dmesgLines(m.first.trace), firstMemory ? [...COMPARED_KINDS, 'memory'] : COMPARED_KINDS);
    assert.ok(first.equal, `${key} first kernel: first difference at compared line ${first.firstDiff?.index}\n  kernel: ${first.firstDiff?.expected ?? '(no line)'}\n  model:  ${first.firstDiff?.got ?? '(no line)'}`);
    sameState(`${key} after boot`, m.boot, t.boot);
    const recSteps = t.steps;
    const modelSteps = m.steps.filter((s) => s.kind !== 'crash');
    assert.equal(modelSteps.length, recSteps.length, `${key}: number of recorded steps`);
    modelSteps.forEach((s, k) => {
      const r = recSteps[k];
      const where = `${key} step ${k + 1} (${s.kind})`;
      assert.equal(s.kind, r.kind, where);
      tally.steps++;
      if (s.kind === 'shrink' && r.kind === 'shrink') {
        assert.equal(s.ret === 0, r.ok, `${where}: write accepted`);
        if (!r.ok) assert.equal(s.error, r.error, `${where}: the shell's message`);
      }
      if (s.kind === 'load' && r.kind === 'load') {
        assert.equal(s.result.ok, r.rc === 0, `${where}: kexec -p succeeds`);
        if (!s.result.ok) {
          // What kexec-tools printed must contain the model's lines, in order (among its -d debug lines).
          let at = 0;
          for (const line of s.result.printed) {
            const k = r.output.indexOf(line, at);
            assert.ok(k >= 0, `${where}: kexec should print "${line}"; it printed:\n  ${r.output.filter((o) => !/^(sym|machine_apply_elf_rel)/.test(o)).slice(-8).join('\n  ')}`);
            at = k + 1;
          }
        }
        if (s.result.ok) {
          const got = [...s.result.segments].sort((a, b) => (a.mem < b.mem ? -1 : 1))
            .map((x) => `${hex(x.mem)}+${hex(x.memsz)}${x.name === 'kernel' ? '' : ` (${hex(x.bufsz)})`}`);
          const kernelAt = got.findIndex((g) => !g.includes('('));
          const wantWithBuf = [...r.segments].sort((a, b) => (a.mem < b.mem ? -1 : 1))
            .map((x, k2) => (k2 === kernelAt ? `${hex(x.mem)}+${hex(x.memsz)}` : `${hex(x.mem)}+${hex(x.memsz)} (${hex(x.bufsz)})`));
          assert.deepEqual(got, wantWithBuf, `${where}: segments (mem+memsz (bufsz))`);
          assert.equal(Number(s.dtbBytes), r.dtbSize, `${where}: the DTB's packed size`);
          tally.segments += got.length;
        }
      }
      sameState(where, s.state, r.after);
    });
    const crash = m.steps.find((s) => s.kind === 'crash');
    if (t.crashed && crash?.kind === 'crash') {
      // Without a loaded crash kernel nothing boots; a kdump kernel that dies before its console prints nothing to compare.
      if (!crash.kdump) {
        assert.equal(t.kdumpBoot.length, 0, `${key}: a kdump kernel booted in the guest, the model loads none`);
        return;
      }
      if (!t.kdumpBoot.length) return;
      const want = extractMemoryLines(t.kdumpBoot.join('\n')).lines;
      const memory = crash.kdump.profile.behaviours.bootSteps.includes('memInitPrintInfo');
      const compare = (p: Prediction) => compareLines(want, dmesgLines(p.trace), memory ? [...COMPARED_KINDS, 'memory'] : COMPARED_KINDS);
      let cmp = compare(crash.kdump);
      // The kdump kernel's kaslr-seed came from getrandom() in the guest: the model predicts with the linear map
      // unmoved, and where that differs, the recorded run must be one of the outcomes other seeds give.
      const loaded = [...m.steps].reverse().find((s) => s.kind === 'load' && s.result.ok);
      if (!cmp.equal && loaded?.kind === 'load' && loaded.result.ok) {
        for (const seed of KASLR_SEEDS) {
          const alt = compare(predictKdump(m.input, loaded.result, seed));
          if (alt.equal) {
            cmp = alt;
            tally.kaslrAlternatives++;
            break;
          }
        }
      }
      for (const tk of cmp.byKind.values()) { tally.kdumpLines += tk.expected; tally.kdumpMatched += tk.matched; }
      // Held out from the grid the thresholds come from: does the verdict say what happened?
      if (!c.id.startsWith('grid-')) {
        const v = kdumpVerdict(loaded?.kind === 'load' ? loaded.result : undefined, crash.kdump);
        if (v.lives !== undefined) assert.equal(v.lives, !!t.kdump, `${key}: kdump verdict (${v.reasons.join('; ')})`);
        tally.verdicts++;
      }
      assert.ok(cmp.equal, `${key} kdump kernel: first difference at compared line ${cmp.firstDiff?.index}\n  kernel: ${cmp.firstDiff?.expected ?? '(no line)'}\n  model:  ${cmp.firstDiff?.got ?? '(no line)'}`);
    }
  });
}

test('lifecycle agreement', () => {
  if (!cases.length) return;
  console.log(`lifecycle: ${tally.cases} runs, ${tally.steps} steps, ${tally.segments} segments; kdump kernel memory lines ${tally.kdumpMatched}/${tally.kdumpLines}; ${tally.kaslrAlternatives} kdump boot(s) matched with another KASLR seed than 0; ${tally.verdicts} held-out kdump verdicts right`);
});
