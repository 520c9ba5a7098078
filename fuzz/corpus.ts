// Loads the seed corpus of each target (sample files in the repository plus synthetic seeds) and the saved regressions. Node only.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'fflate';
import { trimFdt } from './mutators/fdt.ts';
import { encodePredictInput } from './predict-input.ts';
import { fdtSeeds, imageSeeds, predictSeeds } from './seeds.ts';
import type { TargetName } from './targets.ts';

const enc = (s: string): Uint8Array => Uint8Array.from([...s].map((c) => c.charCodeAt(0) & 0xff));

function filesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().map((n) => join(dir, n)).filter((p) => statSync(p).isFile() && !p.endsWith('.md'));
}

function dedupe(xs: Uint8Array[]): Uint8Array[] {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const h = hashOf(x);
    if (seen.has(h)) return false;
    seen.add(h);
    return true;
  });
}

export const hashOf = (b: Uint8Array): string => createHash('sha1').update(b).digest('hex').slice(0, 16);

/** The real machine DTBs: test/data/fdt/*.dtb.gz and conformance/fixtures/<id>/machine.dtb (with the scenario's command line). */
function machineDtbs(root: string): { dtb: Uint8Array; cmdline: string }[] {
  const out: { dtb: Uint8Array; cmdline: string }[] = [];
  for (const p of filesIn(join(root, 'test/data/fdt'))) if (p.endsWith('.dtb.gz')) out.push({ dtb: trimFdt(gunzipSync(readFileSync(p))), cmdline: '' });
  const fx = join(root, 'conformance/fixtures');
  if (existsSync(fx)) {
    for (const id of readdirSync(fx).sort()) {
      const p = join(fx, id, 'machine.dtb');
      if (!existsSync(p)) continue;
      let cmdline = '';
      const sc = join(root, 'conformance/scenarios', `${id}.json`);
      if (existsSync(sc)) cmdline = String((JSON.parse(readFileSync(sc, 'utf8')) as { cmdline?: string }).cmdline ?? '');
      out.push({ dtb: trimFdt(new Uint8Array(readFileSync(p))), cmdline });
    }
  }
  return out;
}

function scenarioCmdlines(root: string): string[] {
  const dir = join(root, 'conformance/scenarios');
  return filesIn(dir).filter((p) => p.endsWith('.json')).map((p) => String((JSON.parse(readFileSync(p, 'utf8')) as { cmdline?: string }).cmdline ?? ''));
}

/** Text corpus files hold one seed per line (command lines) or one seed per file (configs). */
function textSeeds(dir: string, perLine: boolean): Uint8Array[] {
  return filesIn(dir).flatMap((p) => {
    const t = readFileSync(p, 'latin1');
    return perLine ? t.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')).map(enc) : [enc(t)];
  });
}

export function loadSeeds(name: TargetName, root: string): Uint8Array[] {
  const own = (sub: string): string => join(root, 'fuzz/corpus', sub);
  const bin = (sub: string): Uint8Array[] => filesIn(own(sub)).map((p) => new Uint8Array(readFileSync(p)));
  switch (name) {
    case 'fdt':
      return dedupe([...bin('fdt').map(trimFdt), ...fdtSeeds(), ...machineDtbs(root).map((m) => m.dtb)]);
    case 'image':
      return dedupe([...bin('image'), ...imageSeeds()]);
    case 'kconfig':
      return dedupe([...textSeeds(own('kconfig'), false), ...textSeeds(join(root, 'test/data/kconfig'), false)]);
    case 'cmdline':
      return dedupe([...textSeeds(own('cmdline'), true), ...scenarioCmdlines(root).filter((s) => s).map(enc)]);
    case 'predict':
    case 'kexec':
      return dedupe([
        ...bin(name), ...predictSeeds(),
        ...machineDtbs(root).map((m, i) => encodePredictInput({ flags: (i & 3) | (m.cmdline ? 4 : 0) | (i % 7 === 0 ? 8 : 0), dtb: m.dtb, cmdline: m.cmdline })),
      ]);
    case 'iomem':
      return dedupe(filesIn(join(root, 'test/data/iomem')).filter((p) => p.endsWith('.iomem')).map((p) => new Uint8Array(readFileSync(p))));
    case 'acpi':
      return dedupe(filesIn(join(root, 'test/data/acpi')).map((p) => new Uint8Array(readFileSync(p))));
    case 'efi-memmap':
      return dedupe(filesIn(join(root, 'test/data/efi')).map((p) => new Uint8Array(readFileSync(p))));
    case 'snapshot':
      return dedupe(filesIn(join(root, 'test/data/snapshot/bundles')).filter((p) => p.endsWith('.json')).map((p) => new Uint8Array(readFileSync(p))));
    case 'sweep':
      return [enc('{"id":1,"kernel":"debian-6.1","machine":{"type":"qemu-virt","ram":"2G","smp":2},"cmdline":"crashkernel=256M"}'), enc('{"id":"b","machine":{"type":"qemu-virt","ram":"512M"}}')];
  }
}

/** Every saved regression input of a target: fuzz/regressions/<name>/*. */
export function loadRegressions(name: TargetName, root: string): { file: string; bytes: Uint8Array }[] {
  return filesIn(join(root, 'fuzz/regressions', name)).map((file) => ({ file, bytes: new Uint8Array(readFileSync(file)) }));
}

/** Saves a finding under fuzz/regressions/<name>/<kind>-<hash>.bin; returns the path. */
export function saveRegression(name: TargetName, root: string, kind: string, bytes: Uint8Array): string {
  const dir = join(root, 'fuzz/regressions', name);
  mkdirSync(dir, { recursive: true });
  const p = join(dir, `${kind}-${hashOf(bytes)}.bin`);
  if (!existsSync(p)) writeFileSync(p, bytes);
  return p;
}
