// A recorded real-kernel boot (conformance/fixtures/<scenario>/<profile>.json): its shape, reading and comparing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MemoryLine, StopReason } from './lines.ts';
import { type Profile, type Scenario, validateScenario } from './scenario.ts';

export const CONFORMANCE_DIR = new URL('.', import.meta.url).pathname;
export const SCENARIO_DIR = join(CONFORMANCE_DIR, 'scenarios');
export const FIXTURE_DIR = join(CONFORMANCE_DIR, 'fixtures');
export const CALIBRATION_DIR = join(CONFORMANCE_DIR, 'calibration');

export interface Fixture {
  readonly scenario: string;
  /** sha256 of the scenario file the fixture was recorded from (a mismatch means: re-record). */
  readonly scenarioSha256: string;
  readonly profile: Profile;
  readonly kernel: { readonly image: string; readonly sha256: string; readonly banner: string };
  /** The `Kernel command line:` the kernel printed. */
  readonly cmdline: string;
  readonly qemu: { readonly version: string; readonly argv: readonly string[] };
  /** QEMU's `-cpu` (also in the argv). */
  readonly cpu: string;
  /**
   * How the kernel was entered. `type` is the name the model's `--loader` option uses; `kind` carries the same value
   * (the name of the scenario schema, read by test/conformance/replay.test.ts).
   */
  readonly loader:
    | { readonly type: 'qemu-virt'; readonly kind: 'qemu-virt' }
    | { readonly type: 'at'; readonly kind: 'at'; readonly imageAddr: string; readonly dtbAddr: string; readonly stubAddr: string }
    /** UEFI + ACPI (conformance/uefi.ts): the EFI memory map is in the `efi` lines; `iort` names the upgrade table stored beside. */
    | { readonly type: 'uefi'; readonly kind: 'uefi'; readonly iort?: 'iort.aml'; readonly initrdSize?: string };
  /** The blob the kernel received, stored next to the fixture. */
  readonly dtb: { readonly file: 'machine.dtb'; readonly sha256: string; readonly input?: { readonly file: 'input.dtb'; readonly sha256: string } };
  readonly stop: StopReason;
  /** Wall-clock milliseconds from QEMU's start to the stop. */
  readonly bootMs: number;
  readonly lines: readonly MemoryLine[];
}

export interface LoadedScenario {
  readonly file: string;
  readonly sha256: string;
  readonly scenario: Scenario;
}

/** Every scenario file, validated; problems are returned, not thrown. */
export function loadScenarios(sha: (b: Uint8Array) => string): { scenarios: LoadedScenario[]; errors: string[] } {
  const scenarios: LoadedScenario[] = [];
  const errors: string[] = [];
  for (const name of readdirSync(SCENARIO_DIR).filter((n) => n.endsWith('.json')).sort()) {
    const file = join(SCENARIO_DIR, name);
    const bytes = readFileSync(file);
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch (e) {
      errors.push(`${file}: not JSON: ${(e as Error).message}`);
      continue;
    }
    const r = validateScenario(json, file);
    if (r.ok) scenarios.push({ file, sha256: sha(bytes), scenario: r.value });
    else errors.push(...r.error);
  }
  return { scenarios, errors };
}

export const fixturePath = (id: string, profile: Profile): string => join(FIXTURE_DIR, id, `${profile}.json`);

export function readFixture(id: string, profile: Profile): Fixture | undefined {
  const p = fixturePath(id, profile);
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as Fixture) : undefined;
}

export interface LineDiff {
  readonly index: number;
  readonly want?: MemoryLine;
  readonly got?: MemoryLine;
}

/** Position-by-position differences of two line lists (both in console order). */
export function diffLines(want: readonly MemoryLine[], got: readonly MemoryLine[]): LineDiff[] {
  const out: LineDiff[] = [];
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    const w = want[i];
    const g = got[i];
    if (!w || !g || w.kind !== g.kind || w.text !== g.text) out.push({ index: i, want: w, got: g });
  }
  return out;
}

/** Whether every difference is the `Memory:` line, whose free count drifts by a few KiB between boots. */
export const onlyMemoryDrift = (d: readonly LineDiff[]): boolean => d.every((x) => x.want?.kind === 'memory' && x.got?.kind === 'memory');

const NUMBER = /0x[0-9a-f]+|\d+/g;

/**
 * What changed between two versions of one line when only its numbers did: each changed number as `old→new (±delta)`,
 * in hex for addresses. Undefined when the words differ too (then the lines are simply different).
 */
export function explainLineChange(want: string, got: string): string | undefined {
  if (want.replace(NUMBER, '#') !== got.replace(NUMBER, '#')) return undefined;
  const a = want.match(NUMBER) ?? [];
  const b = got.match(NUMBER) ?? [];
  const parts: string[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    const isHex = a[i].startsWith('0x');
    const d = BigInt(b[i]) - BigInt(a[i]);
    const abs = d < 0n ? -d : d;
    parts.push(`${a[i]}→${b[i]} (${d < 0n ? '-' : '+'}${isHex ? `0x${abs.toString(16)}` : abs})`);
  }
  return parts.join(', ');
}

export function formatDiff(d: readonly LineDiff[]): string {
  return d.map((x) => {
    const why = x.want && x.got ? explainLineChange(x.want.text, x.got.text) : undefined;
    return `    #${x.index}${why ? `  numbers changed: ${why}` : ''}\n      - ${x.want ? x.want.text : '(none)'}\n      + ${x.got ? x.got.text : '(none)'}`;
  }).join('\n');
}
