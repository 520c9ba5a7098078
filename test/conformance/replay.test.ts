// Replays every recorded real-kernel fixture through `bootmap predict` and compares the memory lines.
// Prints a per-kernel, per-line-kind agreement table and the first differing line of each failing case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { predict } from '../../src/api/predict.ts';
import { parseSize } from '../../src/api/sizes.ts';
import { dmesgLines } from '../../src/render/dmesg.ts';
import { builtinProfile } from '../../src/kernels/profiles.ts';
import { compareLines, COMPARED_KINDS, type KindTally, type Line } from '../../conformance/compare.ts';

/** The parts of a fixture (conformance/fixture.ts) that the replay reads. */
interface Fixture {
  scenario: string;
  profile: string;
  qemu: { argv: string[] };
  loader: { kind: 'qemu-virt' } | { kind: 'at'; imageAddr: string; dtbAddr: string } | { kind: 'uefi'; iort?: string; initrdSize?: string | number };
  cmdline: string;
  dtb?: { file: string };
  lines: Line[];
  stop: 'memory' | 'panic' | 'timeout';
}

const root = 'conformance/fixtures';
const fixtures: { path: string; f: Fixture }[] = [];
if (existsSync(root)) {
  for (const s of readdirSync(root).sort()) {
    const dir = join(root, s);
    for (const n of readdirSync(dir).sort()) {
      if (!n.endsWith('.json')) continue;
      fixtures.push({ path: join(dir, n), f: JSON.parse(readFileSync(join(dir, n), 'utf8')) });
    }
  }
}
const gaps = new Map<string, string>(
  (JSON.parse(readFileSync('conformance/known-gaps.json', 'utf8')).gaps as { scenario: string; profile: string; reason: string }[]).map((g) => [`${g.scenario}/${g.profile}`, g.reason]),
);
const minimum: number = JSON.parse(readFileSync('conformance/agreement.json', 'utf8')).minimumLineAgreement;

const table = new Map<string, Map<string, KindTally>>();
let totalLines = 0;
let totalMatched = 0;

function replay(fx: Fixture, dir: string): Line[] {
  if (fx.loader.kind === 'uefi') {
    // UEFI boots: the fixture's own `efi:` lines are the memory map; the IORT came through the ACPI table upgrade.
    const argv = fx.qemu.argv;
    const iortFile = fx.loader.iort ? join(dir, fx.loader.iort) : undefined;
    const r = predict({
      kernel: fx.profile, cmdline: fx.cmdline, cpu: argv.includes('-cpu') ? argv[argv.indexOf('-cpu') + 1] : undefined,
      efi: {
        memmap: { text: fx.lines.map((l) => l.text).join('\n'), file: 'efi lines' },
        iort: iortFile ? { bytes: new Uint8Array(readFileSync(iortFile)), file: iortFile } : undefined, iortUpgraded: true,
        cpus: Number(argv[argv.indexOf('-smp') + 1]), initrdSize: fx.loader.initrdSize ? BigInt(fx.loader.initrdSize) : undefined,
      },
    });
    if (!r.ok) throw new Error(`prediction failed: ${JSON.stringify(r.error)}`);
    return dmesgLines(r.value.trace);
  }
  const dtbPath = join(dir, fx.dtb!.file);
  const argv = fx.qemu.argv;
  const cpu = argv.includes('-cpu') ? argv[argv.indexOf('-cpu') + 1] : undefined;
  const loader = fx.loader.kind === 'at'
    ? { type: 'at' as const, imageAddr: unwrap(parseSize(fx.loader.imageAddr, 'imageAddr')), dtbAddr: unwrap(parseSize(fx.loader.dtbAddr, 'dtbAddr')) }
    : { type: 'qemu-virt' as const };
  const r = predict({ dtb: { bytes: new Uint8Array(readFileSync(dtbPath)), file: dtbPath }, kernel: fx.profile, loader, cpu });
  // A panic the model predicts comes before any console driver registers (no earlycon here): the console stays empty,
  // and the recorded boot must have ended without its memory lines.
  if (!r.ok && r.error.code === 'KERNEL_PANIC' && fx.stop !== 'memory') return [];
  if (!r.ok) throw new Error(`prediction failed: ${JSON.stringify(r.error)}`);
  return dmesgLines(r.value.trace);
}
function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

for (const { path, f } of fixtures) {
  const key = `${f.scenario}/${f.profile}`;
  const gap = gaps.get(key);
  test(`replay ${key}`, { todo: gap ? `known gap: ${gap}` : undefined }, () => {
    const got = replay(f, join(root, f.scenario));
    // The `Memory:` line is compared where the model prints it (generations that print it before deferred init).
    const memory = builtinProfile(f.profile)?.behaviours.bootSteps.includes('memInitPrintInfo');
    const c = compareLines(f.lines, got, memory ? [...COMPARED_KINDS, 'memory'] : COMPARED_KINDS);
    const row = table.get(f.profile) ?? new Map<string, KindTally>();
    table.set(f.profile, row);
    for (const [k, t] of c.byKind) {
      const acc = row.get(k) ?? { expected: 0, matched: 0 };
      acc.expected += t.expected;
      acc.matched += t.matched;
      row.set(k, acc);
      totalLines += t.expected;
      totalMatched += t.matched;
    }
    assert.ok(c.equal, `${path}: first difference at compared line ${c.firstDiff?.index}\n  kernel: ${c.firstDiff?.expected ?? '(no line)'}\n  model:  ${c.firstDiff?.got ?? '(no line)'}`);
  });
}

test('conformance agreement table and minimum', () => {
  if (!fixtures.length) return;
  const kinds = [...COMPARED_KINDS, 'memory' as const].filter((k) => [...table.values()].some((r) => r.has(k)));
  const pad = (s: string, n: number) => s.padEnd(n);
  const lines = [`${pad('kernel', 12)}${kinds.map((k) => pad(k, 13)).join('')}`];
  for (const [profile, row] of [...table.entries()].sort()) {
    lines.push(`${pad(profile, 12)}${kinds.map((k) => { const t = row.get(k); return pad(t ? `${t.matched}/${t.expected}` : '-', 13); }).join('')}`);
  }
  const share = totalLines ? totalMatched / totalLines : 1;
  lines.push(`line agreement: ${totalMatched}/${totalLines} = ${(share * 100).toFixed(1)} % (minimum ${(minimum * 100).toFixed(1)} %)`);
  console.log(lines.join('\n'));
  assert.ok(share >= minimum, `agreement ${(share * 100).toFixed(1)} % is below the stated minimum ${(minimum * 100).toFixed(1)} %`);
});
