// The parameter tables read from an Image (src/inputs/image-params.ts): both pointer styles of a synthetic Image,
// hostile bytes never throw, and — where the Debian Images are in the cache — the committed tables are what they hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { bootParamTables } from '../../src/inputs/image-params.ts';
import { kernelImageBytes } from '../../src/inputs/image.ts';
import { builtinProfile, PROFILE_NAMES } from '../../src/kernels/profiles.ts';
import { imageWithParamTables } from '../../fuzz/seeds.ts';

const SETUP = ['rdinit=', 'init=', '*quiet', '*debug', 'reset_devices', 'rootwait', 'root=', 'rw', 'ro', 'console=', '*mem', '*nokaslr', '*crashkernel', 'irqpoll', '*nr_cpus', 'cgroup_disable=', 'nosmp'];
const PARAMS = ['initcall_debug', 'panic_on_warn', 'pause_on_oops', 'panic', 'nomodule', 'consoleblank', 'printk.time', 'printk.devkmsg', 'workqueue.power_efficient', 'rcupdate.rcu_expedited', 'kfence.sample_interval', 'usbcore.nousb', 'module.sig_enforce', 'sysrq_always_enabled', 'irqtime', 'xen_scrub_pages'];

for (const style of ['relr', 'rela'] as const) {
  test(`parameter tables: pointers ${style === 'relr' ? 'in place (RELR)' : 'as RELA addends'}`, () => {
    const t = bootParamTables(imageWithParamTables(style, SETUP, PARAMS));
    assert.ok(t);
    assert.deepEqual(t.setup, SETUP.map((s) => ({ str: s.replace(/^\*/, ''), early: s.startsWith('*') })));
    assert.deepEqual(t.params, PARAMS);
  });
}

test('parameter tables: an Image without them, or with a broken table, gives undefined', () => {
  assert.equal(bootParamTables(new Uint8Array(4096)), undefined);
  // too short a table to be the kernel's (a stray match)
  assert.equal(bootParamTables(imageWithParamTables('relr', SETUP.slice(0, 4), PARAMS)), undefined);
});

test('parameter tables: random bytes and damaged Images end in a result, never an exception', () => {
  const good = imageWithParamTables('rela', SETUP, PARAMS);
  fc.assert(fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.nat(255)), { maxLength: 64 }), fc.uint8Array({ maxLength: 512 }), (edits, junk) => {
    const b = good.slice();
    for (const [at, v] of edits) b[at] = v;
    for (const img of [b, junk]) {
      const t = bootParamTables(img);
      if (t) for (const n of [...t.setup.map((p) => p.str), ...t.params]) assert.match(n, /^[\x21-\x7e]+$/);
    }
  }), { numRuns: 300 });
});

// The committed tables (src/kernels/data/boot-params.ts) against the Images, when scripts/fetch-kernels.sh fetched them.
const SUITES: Record<string, string> = { 'debian-5.10': 'bullseye', 'debian-6.1': 'bookworm', 'debian-6.12': 'trixie', 'debian-7.2': 'sid' };
const cache = process.env.BOOTMAP_KERNELS ?? join(homedir(), '.cache/arm64-kernels');
for (const name of PROFILE_NAMES) {
  const p = builtinProfile(name)!;
  const file = join(cache, SUITES[name]!, `vmlinuz-${p.banner?.replace('Linux version ', '')}`);
  test(`parameter tables of ${name} match its Image`, { skip: existsSync(file) ? undefined : `no ${file} (scripts/fetch-kernels.sh)` }, () => {
    const raw = kernelImageBytes(new Uint8Array(readFileSync(file)), file);
    assert.ok(raw.ok);
    const t = bootParamTables(raw.value);
    assert.ok(t);
    assert.deepEqual(p.image.bootParams!.setup, t.setup);
    assert.deepEqual(p.image.bootParams!.params, t.params.filter((n) => !n.includes('.')));
  });
}

test('predict with a kernel image uses that image’s own tables', async () => {
  const { predict } = await import('../../src/api/predict.ts');
  const image = imageWithParamTables('relr', [...SETUP, 'frobnicate='], PARAMS);
  const run = (kernel: Parameters<typeof predict>[0]['kernel']) => {
    const r = predict({ machine: { type: 'qemu-virt', ramBytes: 2n << 30n, smp: 2 }, kernel, cmdline: 'frobnicate=1 splash' });
    assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
    return r.value.initWords;
  };
  // this image knows frobnicate=; Debian's 6.12 does not
  assert.deepEqual(run({ bytes: image, file: 'Image' }), { argv: ['splash'], envp: [] });
  assert.deepEqual(run('debian-6.12'), { argv: ['splash'], envp: ['frobnicate=1'] });
});
