// bootmap sweep: results in input order, malformed lines reported and skipped over, CSV summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { parseSweepLine } from '../../src/sweep/scenario.ts';

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => ((out += s), true), err: (s) => ((err += s), true) });
  return { code, out, err };
}

test('sweep: one result per line, in order; bad lines become ok:false and the sweep goes on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bootmap-sweep-'));
  const f = join(dir, 's.jsonl');
  const lines = [
    { id: 'a', kernel: 'debian-6.1', machine: { type: 'qemu-virt', ram: '2G', smp: 2 }, cmdline: 'crashkernel=256M' },
    'not json',
    { id: 'b', kernel: 'debian-7.2', machine: { type: 'qemu-virt', ram: '2G', smp: 2 }, cmdline: 'crashkernel=256M' },
    { id: 'c', machine: { type: 'qemu-virt', ram: 'lots' } },
    { id: 'd', dtb: join(dir, 'missing.dtb') },
  ];
  writeFileSync(f, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  const r = await run(['sweep', f]);
  assert.equal(r.code, 0, r.err);
  const res = r.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(res.map((x) => [x.id, x.ok]), [['a', true], [null, false], ['b', true], ['c', false], ['d', false]]);
  assert.equal(res[0].crashkernel.base, '0xa9a00000');
  assert.equal(res[2].crashkernel.base, '0xaba00000');
  assert.match(res[1].error, /^line 2: /);
  const csv = await run(['sweep', '--csv', f]);
  assert.equal(csv.out.trim().split('\n').length, 6);
});

test('parseSweepLine: exactly one of dtb and machine', () => {
  assert.equal(parseSweepLine('{"id":1}', 1).ok, false);
  assert.equal(parseSweepLine('{"id":1,"dtb":"x","machine":{"type":"qemu-virt","ram":"1G"}}', 1).ok, false);
  assert.equal(parseSweepLine('{"id":1,"dtb":"x"}', 1).ok, true);
});
