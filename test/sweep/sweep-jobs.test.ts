// `bootmap sweep --jobs N`: worker threads give the same lines, in the same order, as one thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => ((out += s), true), err: (s) => ((err += s), true) });
  return { code, out, err };
}

test('sweep --jobs 2 equals --jobs 1, line for line, over several batches and a bad line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bootmap-sweep-jobs-'));
  const lines = Array.from({ length: 150 }, (_, i) => (i === 77
    ? '{"id": 77, "machine": {"type": "qemu-virt", "ram": "lots"}}'
    : JSON.stringify({ id: i, kernel: ['debian-5.10', 'debian-6.1', 'debian-6.12', 'debian-7.2'][i % 4], machine: { type: 'qemu-virt', ram: `${(i % 6) + 1}G`, smp: 2 }, cmdline: `crashkernel=${64 * ((i % 5) + 1)}M` })));
  const file = join(dir, 'in.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const one = await run(['sweep', file, '--jobs', '1']);
  const two = await run(['sweep', file, '--jobs', '2']);
  assert.equal(one.code, 0);
  assert.equal(two.code, 0);
  const ids = two.out.trim().split('\n').map((l) => JSON.parse(l).id);
  assert.deepEqual(ids, lines.map((_, i) => i));
  assert.equal(two.out, one.out);
  assert.match(two.out.split('\n')[77], /"ok":false/);
});

test('sweep --jobs 0 is one line and exit 2', async () => {
  const r = await run(['sweep', '-', '--jobs', '0']);
  assert.equal(r.code, 2);
  assert.match(r.err, /--jobs/);
});
