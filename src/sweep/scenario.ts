// One line of a sweep file: a scenario to predict, validated into PredictOptions (files are read by the caller).
import type { PredictOptions } from '../api/predict.ts';
import { parseSize } from '../api/sizes.ts';
import type { Prediction } from '../kernels/boot.ts';
import { dmesgLines } from '../render/dmesg.ts';

export interface SweepLine {
  id: string | number | null;
  kernel?: string;
  dtb?: string;
  machine?: { type: 'qemu-virt'; ram: string; smp?: number; cpu?: string };
  cmdline?: string;
}

/** Parses and checks one JSONL line; the error says what was expected. */
export function parseSweepLine(text: string, n: number): { ok: true; value: SweepLine } | { ok: false; id: unknown; error: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false, id: null, error: `line ${n}: expected a JSON object` };
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return { ok: false, id: null, error: `line ${n}: expected a JSON object` };
  const o = v as Record<string, unknown>;
  const id = (typeof o.id === 'string' || typeof o.id === 'number') ? o.id : null;
  const bad = (what: string) => ({ ok: false as const, id, error: `line ${n}: ${what}` });
  if (o.kernel !== undefined && typeof o.kernel !== 'string') return bad('"kernel" must be a profile name or an image path');
  if (o.cmdline !== undefined && typeof o.cmdline !== 'string') return bad('"cmdline" must be a string');
  if (o.dtb !== undefined && typeof o.dtb !== 'string') return bad('"dtb" must be a file path');
  if (o.machine !== undefined) {
    const m = o.machine as Record<string, unknown>;
    if (!m || typeof m !== 'object' || m.type !== 'qemu-virt' || typeof m.ram !== 'string') return bad('"machine" must be {"type":"qemu-virt","ram":"4G","smp":2}');
    if (m.smp !== undefined && (typeof m.smp !== 'number' || !Number.isInteger(m.smp) || m.smp < 1 || m.smp > 8)) return bad('"machine.smp" must be 1–8');
  }
  if ((o.dtb === undefined) === (o.machine === undefined)) return bad('exactly one of "dtb" and "machine" is needed');
  return { ok: true, value: o as unknown as SweepLine };
}

export function sweepOptions(l: SweepLine, readDtb: (path: string) => Uint8Array): PredictOptions | string {
  const o: PredictOptions = { kernel: l.kernel, cmdline: l.cmdline };
  if (l.dtb) o.dtb = { bytes: readDtb(l.dtb), file: l.dtb };
  if (l.machine) {
    const ram = parseSize(l.machine.ram, 'machine.ram');
    if (!ram.ok) return `machine.ram: expected a size such as 4G`;
    o.machine = { type: 'qemu-virt', ramBytes: ram.value, smp: l.machine.smp ?? 1, cpu: l.machine.cpu };
  }
  return o;
}

const hex = (v: bigint) => '0x' + v.toString(16);

/** The result object of one scenario. */
export function sweepResult(id: SweepLine['id'], p: Prediction): object {
  const c = p.crash;
  return {
    id, ok: true, kernel: p.profile.name,
    dmesg: dmesgLines(p.trace).map((l) => l.text),
    crashkernel: c ? { ok: c.ok, base: c.main ? hex(c.main.base) : null, size: c.main ? hex(c.main.size) : null, low: c.low ? { base: hex(c.low.base), size: hex(c.low.size) } : null, failure: c.failure ?? null } : null,
    zones: Object.fromEntries((p.zones ?? []).map((z) => [z.name, z.startPfn === z.endPfn ? null : [hex(z.startPfn * p.profile.config.pageSize), hex(z.endPfn * p.profile.config.pageSize)]])),
  };
}
