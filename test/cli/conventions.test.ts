// The CLI's conventions, command by command: --help shows an example of the command itself, --json (or
// --format json) gives JSON where output is data, `-` reads a file input from stdin, and nothing is coloured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { commands } from '../../src/cli/commands/index.ts';
import { main } from '../../src/cli/main.ts';

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => ((out += s), true), err: (s) => ((err += s), true) });
  return { code, out, err };
}

// Every registered command, read from the registrations themselves: a new command is checked without editing this file.
const program = new Command('bootmap');
for (const register of commands) register(program, { out: () => {}, err: () => {}, setExit: () => {} });
const names = program.commands.map((c) => c.name());

test('every command is registered once', () => {
  assert.ok(names.length >= 12, names.join(' '));
  assert.equal(new Set(names).size, names.length);
  for (const n of ['predict', 'explain', 'diff', 'check', 'advise', 'serve', 'demo']) assert.ok(names.includes(n), n);
});

for (const name of names) {
  test(`${name} --help: exit 0 and an example of \`bootmap ${name}\``, async () => {
    const r = await run([name, '--help']);
    assert.equal(r.code, 0, r.err);
    const help = r.out + r.err;
    assert.match(help, new RegExp(`^Usage: bootmap ${name} `, 'm'));
    const at = help.search(/^Examples?:/m);
    assert.ok(at >= 0, `${name}: no Example(s): section`);
    assert.match(help.slice(at), new RegExp(`^\\s+.*\\bbootmap ${name}\\b`, 'm'), `${name}: the example runs the command`);
    assert.doesNotMatch(help, /\x1b\[/);
  });
}

const jsonCases: [string, string[]][] = [
  ['predict', ['predict', '--machine', 'qemu-virt', '--ram', '2G', '--cmdline', 'crashkernel=256M', '--format', 'json']],
  ['explain', ['explain', '--machine', 'qemu-virt', '--ram', '2G', '--cmdline', 'crashkernel=3G', '--kernel', 'debian-6.1', '--json']],
  ['diff', ['diff', '--machine', 'qemu-virt', '--ram', '2G', '--cmdline', 'crashkernel=256M', '--kernel', 'debian-6.1', '--vs', 'debian-7.2', '--json']],
  ['check', ['check', '--machine', 'qemu-virt', '--ram', '2G', '--cmdline', 'crashkernel=256M', '--json']],
  ['demo', ['demo', '--ram', '2G', '--json']],
  ['linear-map', ['linear-map', '--machine', 'qemu-virt', '--ram', '2G', '--format', 'json']],
  ['advise', ['advise', '--machine', 'qemu-virt', '--ram', '2G', '--json']],
];

for (const [name, args] of jsonCases) {
  test(`${name}: JSON output parses and carries its data`, async () => {
    const r = await run(args);
    assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.err}`);
    const doc = JSON.parse(r.out);
    assert.ok(typeof doc === 'object' && doc !== null);
    if (name === 'explain') {
      assert.equal(doc.schema, 'bootmap.explain/1');
      assert.ok(doc.decisions.length > 3);
      assert.ok(doc.fixes.length > 0, 'crashkernel=3G on 2 GiB fails: the fixes are in the JSON too');
    }
    if (name === 'diff') assert.ok(doc.moved.some((e: { kind: string }) => e.kind === 'crashkernel' || e.kind === 'node-data'));
    if (name === 'demo') assert.deepEqual(doc.map((p: { kernel: { profile: string } }) => p.kernel.profile), ['debian-5.10', 'debian-6.1', 'debian-6.12', 'debian-7.2']);
  });
}

test('`-` reads a DTB from stdin, and NO_COLOR output has no escape sequences', () => {
  const dtb = readFileSync('conformance/fixtures/virt-2g-ck256m/machine.dtb');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bin/bootmap.mjs', 'predict', '--dtb', '-', '--kernel', 'debian-6.12', '--format', 'text'], {
    input: dtb, encoding: 'utf8', env: { ...process.env, BOOTMAP_NO_BUNDLE: '1', NO_COLOR: '1' },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /crashkernel: 256 MiB at/);
  assert.doesNotMatch(r.stdout + r.stderr, /\x1b\[/);
});
