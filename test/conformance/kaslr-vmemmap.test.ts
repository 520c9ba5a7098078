// KASLR's linear-map randomisation against real boots (conformance/kaslr-vmemmap.ts): for each recorded boot, the
// DTB it got (its kaslr-seed) must make the model take as many vmemmap page-table pages as the kernel did — 1, 2
// or 3 on the same machine, depending only on the seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { predict } from '../../src/api/predict.ts';

const fx = JSON.parse(readFileSync('conformance/kaslr-vmemmap/fixtures.json', 'utf8')) as {
  runs: { profile: string; argv: string[]; dtbGzB64: string; tablePages: number }[];
};

for (const run of fx.runs) {
  const seed = run.argv[run.argv.indexOf('-seed') + 1];
  test(`vmemmap table pages: ${run.profile} -smp ${run.argv[run.argv.indexOf('-smp') + 1]} -m ${run.argv[run.argv.indexOf('-m') + 1]} -seed ${seed} → ${run.tablePages}`, () => {
    const dtb = new Uint8Array(gunzipSync(Buffer.from(run.dtbGzB64, 'base64')));
    const r = predict({ dtb: { bytes: dtb, file: `seed-${seed}.dtb` }, kernel: run.profile, cpu: run.argv[run.argv.indexOf('-cpu') + 1] });
    assert.ok(r.ok);
    const pages = r.value.trace.events.filter((e) => e.site === '__earlyonly_bootmem_alloc').reduce((n, e) => n + Number((e.range?.size ?? 0n) / 4096n), 0);
    assert.equal(pages, run.tablePages);
  });
}

test('the recorded seeds give every count the machines can take (1, 2 and 3 pages)', () => {
  assert.deepEqual([...new Set(fx.runs.map((r) => r.tablePages))].sort(), [1, 2, 3]);
});
