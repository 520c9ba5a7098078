// Runs qemu-system-aarch64 and dtc: DTB dumps, DTB edits, and boots stopped as soon as the memory lines are out.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { classifyLine, stripTimestamp, type StopReason } from './lines.ts';
import { type MemoryBank, type Profile, type Scenario, SUITE_OF } from './scenario.ts';
import { encodeBootStub } from './stub.ts';

export const QEMU = 'qemu-system-aarch64';
export const BOOT_TIMEOUT_MS = 60_000;

export const kernelDir = (): string => process.env.BOOTMAP_KERNELS ?? join(homedir(), '.cache', 'arm64-kernels');

export interface KernelImage {
  readonly profile: Profile;
  readonly path: string;
  /** `<suite>/<file>`, relative to kernelDir(): how fixtures name the image. */
  readonly name: string;
}

/** The cached Debian Image standing for a profile (scripts/fetch-kernels.sh puts it there). */
export function findKernel(profile: Profile): KernelImage | undefined {
  const suite = SUITE_OF[profile];
  const dir = join(kernelDir(), suite);
  if (!existsSync(dir)) return undefined;
  const f = readdirSync(dir).filter((n) => n.startsWith('vmlinuz-')).sort().pop();
  return f ? { profile, path: join(dir, f), name: `${suite}/${f}` } : undefined;
}

export const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');
export const hex = (v: bigint): string => `0x${v.toString(16)}`;

export function qemuVersion(): string {
  const r = spawnSync(QEMU, ['--version'], { encoding: 'utf8' });
  return (r.stdout ?? '').split('\n')[0].replace(/^QEMU emulator version /, '');
}

function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error}`);
  return r.stdout;
}

/** The machine part of the argv, shared by the dump and the boot. */
export function machineArgs(s: Scenario): string[] {
  // -seed makes QEMU's guest randomness (the DTB's kaslr-seed and rng-seed, RNDR) repeat from boot to boot.
  return ['-cpu', s.machine.cpu, '-smp', String(s.machine.smp), '-m', s.machine.memory, '-seed', String(s.machine.seed), '-nographic', '-no-reboot'];
}

/** QEMU's argv for a `-kernel` boot (and, with `dumpdtb`, the DTB dump of the same boot). */
export function virtArgv(s: Scenario, image: string, cmdline: string, dtb?: string, dumpdtb?: string): string[] {
  return ['-M', dumpdtb ? `virt,dumpdtb=${dumpdtb}` : 'virt', ...machineArgs(s), '-kernel', image, '-append', cmdline, ...(dtb ? ['-dtb', dtb] : [])];
}

/** QEMU's argv for an `at` boot: three generic loaders, the stub's one starting CPU 0. */
export function atArgv(s: Scenario, image: string, dtb: string, stub: string): string[] {
  if (s.loader.kind !== 'at') throw new Error('atArgv: not an at scenario');
  const l = s.loader;
  return [
    '-M', 'virt', ...machineArgs(s),
    '-device', `loader,file=${image},addr=${hex(l.imageAddr)},force-raw=on`,
    '-device', `loader,file=${dtb},addr=${hex(l.dtbAddr)},force-raw=on`,
    '-device', `loader,file=${stub},addr=${hex(l.stubAddr)},force-raw=on,cpu-num=0`,
  ];
}

/** Writes the DTB QEMU would hand the kernel for these arguments (`-M virt,dumpdtb=F`). */
export function dumpDtb(argv: string[]): void {
  run(QEMU, argv);
}

export const decompile = (dtb: string): string => run('dtc', ['-q', '-I', 'dtb', '-O', 'dts', dtb]);

/** Compiles DTS text; `totalSize` pads the blob to that size (as QEMU's own 1 MiB virt DTBs). */
export function compile(dts: string, out: string, totalSize?: number): void {
  run('dtc', ['-q', '-I', 'dts', '-O', 'dtb', ...(totalSize ? ['-S', String(totalSize)] : []), '-o', out, '-'], dts);
}

const cell2 = (v: bigint): string => `0x${(v >> 32n).toString(16)} 0x${(v & 0xffffffffn).toString(16)}`;

/** Applies a scenario's edits to decompiled DTS: /memreserve/ entries after `/dts-v1/;`, then the fragment. */
export function editDts(dts: string, memreserve: readonly MemoryBank[], fragment: string): string {
  const mr = memreserve.map((b) => `/memreserve/ ${hex(b.base)} ${hex(b.size)};`).join('\n');
  const head = dts.replace(/^\/dts-v1\/;\n/, (m) => (mr ? `${m}\n${mr}\n` : m));
  if (head === dts && mr) throw new Error('editDts: no /dts-v1/; header');
  return fragment ? `${head}\n${fragment}\n` : head;
}

/** The fragment that gives an `at` DTB its own /memory nodes and command line. */
export function atFragment(dts: string, memory: readonly MemoryBank[], cmdline: string): string {
  const old = [...dts.matchAll(/^\t(memory@[0-9a-f]+) \{/gm)].map((m) => m[1]);
  const lines = ['/ {', ...old.map((n) => `\t/delete-node/ ${n};`)];
  for (const b of memory) {
    lines.push(`\tmemory@${b.base.toString(16)} {`, '\t\tdevice_type = "memory";', `\t\treg = <${cell2(b.base)} ${cell2(b.size)}>;`, '\t};');
  }
  lines.push(`\tchosen { bootargs = "${cmdline}"; };`, '};');
  return lines.join('\n');
}

export interface PreparedDtb {
  /** For qemu-virt with edits: the file given with `-dtb`. */
  readonly input?: string;
  /** The blob the kernel receives (for qemu-virt a dump made with the boot's arguments). */
  readonly machine: string;
  /** For `at`: the boot stub. */
  readonly stub?: string;
}

/**
 * Builds the DTB files of a scenario in `dir`: for `qemu-virt` boots the dump (and the edited `-dtb` input), for
 * `at` boots the DTB that is loaded, made from the dump of the same -m/-smp with the memory nodes replaced.
 */
export function prepareDtb(s: Scenario, image: string, cmdline: string, dir: string): PreparedDtb {
  const base = join(dir, 'base.dtb');
  const machine = join(dir, 'machine.dtb');
  if (s.loader.kind === 'at') {
    dumpDtb(virtArgv(s, image, cmdline, undefined, base));
    const dts = decompile(base);
    compile(editDts(dts, s.memreserve, [s.dts, atFragment(dts, s.loader.memory, cmdline)].filter(Boolean).join('\n')), machine, s.loader.dtbTotalSize);
    const stub = join(dir, 'stub.bin');
    writeFileSync(stub, encodeBootStub(s.loader.dtbAddr, s.loader.imageAddr));
    return { machine, stub };
  }
  if (s.dts === '' && s.memreserve.length === 0) {
    dumpDtb(virtArgv(s, image, cmdline, undefined, machine));
    return { machine };
  }
  dumpDtb(virtArgv(s, image, cmdline, undefined, base));
  const input = join(dir, 'input.dtb');
  compile(editDts(decompile(base), s.memreserve, s.dts), input);
  dumpDtb(virtArgv(s, image, cmdline, input, machine));
  return { input, machine };
}

/** Rewrites /chosen/bootargs of an `at` DTB (for calibration boots), keeping its totalsize. */
export function withBootargs(dtb: string, cmdline: string, out: string): void {
  const size = readFileSync(dtb).readUInt32BE(4);
  compile(`${decompile(dtb)}\n/ { chosen { bootargs = "${cmdline}"; }; };\n`, out, size);
}

export interface BootResult {
  readonly log: string;
  readonly stop: StopReason;
  readonly ms: number;
}

/** Boots and kills QEMU as soon as the `Memory:` line or a panic is out, or at the time limit. */
export function boot(argv: string[], timeoutMs = BOOT_TIMEOUT_MS): Promise<BootResult> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(QEMU, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let scanned = 0;
    let stop: StopReason | undefined;
    const finish = (why: StopReason): void => {
      if (stop) return;
      stop = why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      if (stop) return;
      out += d;
      let nl: number;
      while ((nl = out.indexOf('\n', scanned)) >= 0) {
        const text = stripTimestamp(out.slice(scanned, nl));
        scanned = nl + 1;
        if (classifyLine(text) === 'memory') finish('memory');
        else if (/Kernel panic - not syncing/.test(text)) finish('panic');
        if (stop) {
          out = out.slice(0, scanned);
          break;
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (!stop && code !== 0 && out === '') return reject(new Error(`${QEMU} exited ${code}: ${err.trim()}`));
      resolve({ log: stop ? out.slice(0, scanned) : out, stop: stop ?? 'timeout', ms: Date.now() - t0 });
    });
  });
}
