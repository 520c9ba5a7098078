// The scenario schema of conformance/scenarios/*.json: what to boot, and its validation (docs/CONFORMANCE.md).
import type { Result } from '../src/inputs/errors.ts';

export const PROFILES = ['debian-5.10', 'debian-6.1', 'debian-6.12', 'debian-7.2'] as const;
export type Profile = (typeof PROFILES)[number];

/** The Debian suite whose kernel stands for each profile (its Image lives in ~/.cache/arm64-kernels/<suite>/). */
export const SUITE_OF: Readonly<Record<Profile, string>> = {
  'debian-5.10': 'bullseye',
  'debian-6.1': 'bookworm',
  'debian-6.12': 'trixie',
  'debian-7.2': 'sid',
};

/** Every scenario's command line starts with this; the scenario's own part is appended. */
export const CONSOLE_PREFIX = 'console=ttyAMA0 ignore_loglevel panic=-1';
/** Added to the command line by `--calibrate` (every memblock call, on the console from the first line). */
export const CALIBRATION_ARGS = 'memblock=debug earlycon=pl011,0x9000000';
/** Where QEMU's virt machine puts RAM. */
export const VIRT_RAM_BASE = 0x40000000n;

export interface MemoryBank {
  readonly base: bigint;
  readonly size: bigint;
}

export type Loader =
  | { readonly kind: 'qemu-virt' }
  /** UEFI + ACPI (conformance/uefi.ts): edk2 firmware, the EFI stub, optionally an IORT given by ACPI table upgrade. */
  | {
      readonly kind: 'uefi';
      readonly iort?: readonly (
        | { readonly type: 'named-component'; readonly memoryAddressLimit: number }
        | { readonly type: 'root-complex'; readonly memoryAddressLimit: number; readonly revision?: number }
      )[];
    }
  | {
      readonly kind: 'at';
      /** Where the uncompressed Image is loaded (the kernel runs from here). */
      readonly imageAddr: bigint;
      /** Where the DTB is loaded; x0 of the boot stub. */
      readonly dtbAddr: bigint;
      /** Where the boot stub is loaded (default 0: the first flash bank, outside RAM). */
      readonly stubAddr: bigint;
      /** The /memory nodes of the DTB (they replace the one of QEMU's dump). */
      readonly memory: readonly MemoryBank[];
      /** The DTB's totalsize; default 0x100000, the size of QEMU's own virt DTBs. */
      readonly dtbTotalSize: number;
    };

export interface Scenario {
  readonly id: string;
  readonly description: string;
  readonly machine: {
    readonly memory: string; readonly memoryBytes: bigint; readonly smp: number; readonly cpu: string;
    /** QEMU's -seed: the guest randomness (kaslr-seed, rng-seed), so a boot repeats exactly. */
    readonly seed: number;
  };
  /** The scenario's part of the command line (after CONSOLE_PREFIX); may be empty. */
  readonly cmdline: string;
  /** A DTS fragment appended to the decompiled dumpdtb output ('' for none). */
  readonly dts: string;
  /** /memreserve/ entries, inserted after `/dts-v1/;`. */
  readonly memreserve: readonly MemoryBank[];
  readonly loader: Loader;
  readonly kernels: readonly Profile[];
}

/** The full command line the kernel is given. */
export function fullCmdline(s: Scenario, extra = ''): string {
  return [CONSOLE_PREFIX, s.cmdline, extra].filter((p) => p !== '').join(' ');
}

/** Whether the scenario's DTB differs from the one QEMU would write by itself. */
export function hasDtbEdits(s: Scenario): boolean {
  return s.dts !== '' || s.memreserve.length > 0 || s.loader.kind === 'at';
}

const ID = /^[a-z0-9][a-z0-9-]{2,63}$/;
const MEM = /^(\d+)([MG])$/;
const CPU = /^[a-z0-9-]+(,[a-z0-9-]+=[a-z0-9]+)*$/;
const NUM = /^(0x[0-9a-fA-F]+|\d+)$/;
const KEYS = ['id', 'description', 'machine', 'cmdline', 'dts', 'memreserve', 'loader', 'kernels', '$comment'];

/** Checks one parsed scenario file; every problem is reported as `field: expected …, found …`. */
export function validateScenario(json: unknown, file: string): Result<Scenario, string[]> {
  const errs: string[] = [];
  const bad = (field: string, expected: string, found: unknown): void => {
    errs.push(`${file}: ${field}: expected ${expected}, found ${JSON.stringify(found)}`);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    bad('(root)', 'an object', json);
    return { ok: false, error: errs };
  }
  const o = json as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) bad(k, `one of ${KEYS.join(', ')}`, k);

  const id = typeof o.id === 'string' && ID.test(o.id) ? o.id : (bad('id', 'lower-case letters, digits and dashes (3–64)', o.id), '');
  const base = file.replace(/^.*\//, '').replace(/\.json$/, '');
  if (id && base !== file && base !== id) bad('id', `the file name (${base})`, id);
  const description = typeof o.description === 'string' && o.description.length > 0 ? o.description : (bad('description', 'a non-empty string', o.description), '');

  const m = (o.machine ?? {}) as Record<string, unknown>;
  if (typeof m !== 'object' || Array.isArray(m)) bad('machine', 'an object', o.machine);
  for (const k of Object.keys(m)) if (!['memory', 'smp', 'cpu', 'seed'].includes(k)) bad(`machine.${k}`, 'memory, smp, cpu or seed', k);
  const mm = typeof m.memory === 'string' ? MEM.exec(m.memory) : null;
  if (!mm) bad('machine.memory', 'a QEMU -m size such as "512M" or "4G"', m.memory);
  const memoryBytes = mm ? BigInt(mm[1]) << (mm[2] === 'G' ? 30n : 20n) : 0n;
  const smp = m.smp === undefined ? 1 : m.smp;
  if (typeof smp !== 'number' || !Number.isInteger(smp) || smp < 1 || smp > 8) bad('machine.smp', 'an integer 1–8', m.smp);
  const cpu = m.cpu === undefined ? 'cortex-a57' : m.cpu;
  if (typeof cpu !== 'string' || !CPU.test(cpu)) bad('machine.cpu', 'a QEMU -cpu name', m.cpu);

  const seed = m.seed === undefined ? 1 : m.seed;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) bad('machine.seed', 'an integer 0–0xffffffff', m.seed);
  const cmdline = o.cmdline === undefined ? '' : o.cmdline;
  if (typeof cmdline !== 'string' || /["\n\\]/.test(cmdline)) bad('cmdline', 'a string without quotes, backslashes or newlines', o.cmdline);

  let dts = '';
  if (typeof o.dts === 'string') dts = o.dts;
  else if (Array.isArray(o.dts) && o.dts.every((l) => typeof l === 'string')) dts = o.dts.join('\n');
  else if (o.dts !== undefined) bad('dts', 'a DTS fragment (a string or an array of lines)', o.dts);
  if (/\/dts-v1\/|\/memreserve\//.test(dts)) bad('dts', 'a fragment without /dts-v1/ or /memreserve/ (use "memreserve")', dts);

  const memreserve = banks(o.memreserve, 'memreserve', bad);

  const loader = parseLoader(o.loader, memoryBytes, bad);

  let kernels: Profile[] = [...PROFILES];
  if (o.kernels !== undefined) {
    if (!Array.isArray(o.kernels) || o.kernels.length === 0 || !o.kernels.every((k) => (PROFILES as readonly unknown[]).includes(k))) {
      bad('kernels', `a non-empty list of ${PROFILES.join(', ')}`, o.kernels);
    } else kernels = PROFILES.filter((p) => (o.kernels as unknown[]).includes(p));
  }
  if (errs.length) return { ok: false, error: errs };
  return {
    ok: true,
    value: {
      id, description, cmdline: cmdline as string, dts, memreserve, loader, kernels,
      machine: { memory: m.memory as string, memoryBytes, smp: smp as number, cpu: cpu as string, seed: seed as number },
    },
  };
}

function num(v: unknown): bigint | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && NUM.test(v)) return BigInt(v);
  return undefined;
}

function banks(v: unknown, field: string, bad: (f: string, e: string, x: unknown) => void): MemoryBank[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    bad(field, 'a list of { "base": "0x…", "size": "0x…" }', v);
    return [];
  }
  const out: MemoryBank[] = [];
  v.forEach((e, i) => {
    const b = num((e as Record<string, unknown>)?.base);
    const s = num((e as Record<string, unknown>)?.size);
    if (b === undefined || s === undefined || s === 0n) bad(`${field}[${i}]`, '{ "base": "0x…", "size": "0x…" } with size > 0', e);
    else out.push({ base: b, size: s });
  });
  return out;
}

function parseLoader(v: unknown, ram: bigint, bad: (f: string, e: string, x: unknown) => void): Loader {
  if (v === undefined) return { kind: 'qemu-virt' };
  const o = v as Record<string, unknown>;
  if (typeof v !== 'object' || v === null || (o.kind !== 'qemu-virt' && o.kind !== 'at' && o.kind !== 'uefi')) {
    bad('loader', '{ "kind": "qemu-virt" }, { "kind": "at", … } or { "kind": "uefi", "iort"?: […] }', v);
    return { kind: 'qemu-virt' };
  }
  if (o.kind === 'uefi') return parseUefiLoader(o, bad);
  if (o.kind === 'qemu-virt') {
    for (const k of Object.keys(o)) if (k !== 'kind') bad(`loader.${k}`, 'no other key for qemu-virt', k);
    return { kind: 'qemu-virt' };
  }
  for (const k of Object.keys(o)) {
    if (!['kind', 'imageAddr', 'dtbAddr', 'stubAddr', 'memory', 'dtbTotalSize'].includes(k)) bad(`loader.${k}`, 'kind, imageAddr, dtbAddr, stubAddr, memory or dtbTotalSize', k);
  }
  const imageAddr = num(o.imageAddr);
  const dtbAddr = num(o.dtbAddr);
  const stubAddr = o.stubAddr === undefined ? 0n : num(o.stubAddr);
  const dtbTotalSize = o.dtbTotalSize === undefined ? 0x100000 : Number(num(o.dtbTotalSize) ?? -1);
  if (imageAddr === undefined || imageAddr % 0x200000n !== 0n) bad('loader.imageAddr', 'a 2 MiB-aligned address', o.imageAddr);
  if (dtbAddr === undefined || dtbAddr % 8n !== 0n) bad('loader.dtbAddr', 'an 8-byte-aligned address', o.dtbAddr);
  if (stubAddr === undefined || stubAddr % 4n !== 0n) bad('loader.stubAddr', 'a 4-byte-aligned address', o.stubAddr);
  if (!(dtbTotalSize >= 0x1000 && dtbTotalSize <= 0x200000)) bad('loader.dtbTotalSize', 'a size 0x1000–0x200000', o.dtbTotalSize);
  const memory = banks(o.memory, 'loader.memory', bad);
  if (memory.length === 0) bad('loader.memory', 'at least one memory bank', o.memory);
  const end = VIRT_RAM_BASE + ram;
  memory.forEach((b, i) => {
    if (b.base < VIRT_RAM_BASE || b.base + b.size > end) bad(`loader.memory[${i}]`, `a bank inside QEMU's RAM [0x40000000, 0x${end.toString(16)})`, `0x${b.base.toString(16)}+0x${b.size.toString(16)}`);
  });
  const inBank = (a: bigint | undefined): boolean => a !== undefined && memory.some((b) => a >= b.base && a < b.base + b.size);
  if (imageAddr !== undefined && !inBank(imageAddr)) bad('loader.imageAddr', 'an address inside a memory bank', o.imageAddr);
  if (dtbAddr !== undefined && !inBank(dtbAddr)) bad('loader.dtbAddr', 'an address inside a memory bank', o.dtbAddr);
  // QEMU's virt machine always puts its own DTB in the first MiB of RAM (for firmware), even without -kernel.
  const qemuDtbEnd = VIRT_RAM_BASE + 0x100000n;
  if (imageAddr !== undefined && imageAddr < qemuDtbEnd) bad('loader.imageAddr', 'an address at or above 0x40100000 (QEMU keeps its DTB below)', o.imageAddr);
  if (dtbAddr !== undefined && dtbAddr < qemuDtbEnd) bad('loader.dtbAddr', 'an address at or above 0x40100000 (QEMU keeps its DTB below)', o.dtbAddr);
  return { kind: 'at', imageAddr: imageAddr ?? 0n, dtbAddr: dtbAddr ?? 0n, stubAddr: stubAddr ?? 0n, memory, dtbTotalSize };
}

function parseUefiLoader(o: Record<string, unknown>, bad: (f: string, e: string, x: unknown) => void): Loader {
  for (const k of Object.keys(o)) if (k !== 'kind' && k !== 'iort') bad(`loader.${k}`, 'kind or iort for uefi', k);
  if (o.iort === undefined) return { kind: 'uefi' };
  const nodes: { type: 'named-component' | 'root-complex'; memoryAddressLimit: number; revision?: number }[] = [];
  if (!Array.isArray(o.iort) || o.iort.length === 0) {
    bad('loader.iort', 'a non-empty list of { "type": "named-component"|"root-complex", "memoryAddressLimit": 0–64 }', o.iort);
    return { kind: 'uefi' };
  }
  o.iort.forEach((n: unknown, i: number) => {
    const e = (n ?? {}) as Record<string, unknown>;
    const lim = e.memoryAddressLimit;
    if ((e.type !== 'named-component' && e.type !== 'root-complex') || typeof lim !== 'number' || !Number.isInteger(lim) || lim < 0 || lim > 64
      || (e.revision !== undefined && (typeof e.revision !== 'number' || e.type !== 'root-complex'))) {
      bad(`loader.iort[${i}]`, '{ "type": "named-component"|"root-complex", "memoryAddressLimit": 0–64, "revision"?: n (root complex) }', n);
    } else nodes.push({ type: e.type, memoryAddressLimit: lim, ...(typeof e.revision === 'number' ? { revision: e.revision } : {}) });
  });
  return { kind: 'uefi', iort: nodes };
}
