// The command-line words each kernel hands to init, against every recorded console: after each
// `Kernel command line: …` line of a real boot (first kernels and kdump kernels, every fixture and lifecycle
// transcript), the `Unknown kernel command line parameters "…"` line that followed it, or its absence, must be
// what src/model/unknown-bootoptions.ts predicts from that command line and the kernel's own parameter tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { predict } from '../../src/api/predict.ts';
import { EARLY_SIZES } from '../../src/kernels/behaviors/early-sizes.ts';
import { builtinProfile, PROFILE_NAMES } from '../../src/kernels/profiles.ts';
import { unknownBootOptions } from '../../src/model/unknown-bootoptions.ts';
import { dmesgLines } from '../../src/render/dmesg.ts';
import { predictionJson } from '../../src/render/json.ts';
import { printkLine } from '../../src/render/printk-format.ts';

const TIMESTAMP = /^\[\s*\d+\.\d+\] ?/;
const CMDLINE = 'Kernel command line: ';
const UNKNOWN = /^Unknown kernel command line parameters /;

/** The builtin profile whose banner starts a boot's `Linux version …` line (a kdump kernel may be another generation). */
const profileOfBanner = (line: string): string | undefined =>
  PROFILE_NAMES.find((n) => line.startsWith(`${builtinProfile(n)!.banner} `));

/** Each boot in a console log: its kernel, its command line and the unknown-parameters line printed before the next boot. */
function bootsOf(log: string): { profile: string | undefined; cmdline: string; unknown: string | undefined }[] {
  const boots: { profile: string | undefined; cmdline: string; unknown: string | undefined }[] = [];
  let profile: string | undefined;
  for (const raw of log.split('\n')) {
    const line = raw.replace(/\r$/, '').replace(TIMESTAMP, '');
    if (line.startsWith('Linux version ')) profile = profileOfBanner(line);
    if (line.startsWith(CMDLINE)) boots.push({ profile, cmdline: line.slice(CMDLINE.length), unknown: undefined });
    else if (UNKNOWN.test(line) && boots.length) boots[boots.length - 1]!.unknown = line;
  }
  return boots;
}

function logs(root: string): { path: string; profile: string }[] {
  if (!existsSync(root)) return [];
  const out: { path: string; profile: string }[] = [];
  for (const s of readdirSync(root).sort()) {
    for (const n of readdirSync(join(root, s)).sort()) {
      const m = /^(debian-[\d.]+)\.log\.gz$/.exec(n);
      if (m && (PROFILE_NAMES as readonly string[]).includes(m[1]!)) out.push({ path: join(root, s, n), profile: m[1]! });
    }
  }
  return out;
}

const all = [...logs('conformance/fixtures'), ...logs('conformance/lifecycle/fixtures')];
let boots = 0;
let printed = 0;
for (const profile of PROFILE_NAMES) {
  const mine = all.filter((l) => l.profile === profile);
  if (!mine.length) continue;
  test(`unknown command-line parameters: every recorded boot of logs named ${profile}`, () => {
    for (const { path } of mine) {
      for (const b of bootsOf(gunzipSync(readFileSync(path)).toString('latin1'))) {
        assert.ok(b.profile, `${path}: a boot whose banner names no builtin profile`);
        const p = builtinProfile(b.profile)!;
        const u = unknownBootOptions(b.cmdline, p.image.bootParams!, EARLY_SIZES[p.generation].unknownOptions);
        const got = u.printk ? printkLine(u.printk.fmt, u.printk.args) : undefined;
        assert.equal(got?.replace(/\n$/, ''), b.unknown, `${path}: ${b.cmdline}`);
        boots++;
        if (b.unknown) printed++;
      }
    }
  });
}

test('the recorded boots include unknown words on 6.1, 6.12 and 7.2', () => {
  assert.ok(boots >= 100 && printed >= 9, `${boots} boots, ${printed} with the line`);
});

test('predict prints the line where the kernel does, and 33 words for init panic the boot', () => {
  const words = 'BOOT_IMAGE=/vmlinuz root=/dev/vda1 ro quiet splash nousb xx=aaa kexec init=/bin/sh LANG=C foo';
  for (const kernel of PROFILE_NAMES) {
    const r = predict({ machine: { type: 'qemu-virt', ramBytes: 2n << 30n, smp: 2 }, kernel, cmdline: words });
    assert.ok(r.ok);
    const lines = dmesgLines(r.value.trace).map((l) => l.text).filter((t) => UNKNOWN.test(t));
    assert.deepEqual(lines, kernel === 'debian-5.10' ? [] : ['Unknown kernel command line parameters "foo xx=aaa LANG=C", will be passed to user space.']);
    // 5.10 prints nothing and, without the boot loader check, hands init BOOT_IMAGE= too (splash went with init=)
    assert.deepEqual((predictionJson(r.value) as { initWords: unknown }).initWords, {
      arguments: ['foo'], environment: kernel === 'debian-5.10' ? ['BOOT_IMAGE=/vmlinuz', 'xx=aaa', 'LANG=C'] : ['xx=aaa', 'LANG=C'],
    });
    const many = predict({ machine: { type: 'qemu-virt', ramBytes: 2n << 30n, smp: 2 }, kernel, cmdline: Array.from({ length: 33 }, (_, i) => `a${i + 1}`).join(' ') });
    assert.ok(!many.ok && many.error.code === 'KERNEL_PANIC' && /Too many boot init vars at `a33'/.test(many.error.found ?? ''));
  }
});
