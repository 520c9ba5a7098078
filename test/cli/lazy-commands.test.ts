// bootmap loads only the command it runs (src/cli/commands/lazy.ts): the lazy table must name exactly the
// commands index.ts registers, and each entry must register that command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { commands } from '../../src/cli/commands/index.ts';
import { lazyCommands } from '../../src/cli/commands/lazy.ts';

const io = { out: () => {}, err: () => {}, setExit: () => {} };

test('the lazy table names every registered command, and only those', () => {
  const all = new Command('bootmap');
  for (const register of commands) register(all, io);
  assert.deepEqual(Object.keys(lazyCommands).sort(), all.commands.map((c) => c.name()).sort());
});

test('each lazy entry registers its own command', async () => {
  for (const [name, load] of Object.entries(lazyCommands)) {
    const p = new Command('bootmap');
    (await load())(p, io);
    assert.ok(p.commands.some((c) => c.name() === name), name);
  }
});
