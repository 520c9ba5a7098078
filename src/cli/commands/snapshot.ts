// `bootmap snapshot`: collects, read-only, what the running arm64 machine (or a recorded tree, --root) says
// about its memory into one bundle file; `--compare FILE` predicts that machine and compares.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Command } from 'commander';
import { predict } from '../../api/predict.ts';
import { InputFailure } from '../../inputs/errors.ts';
import {
  compareSnapshotWithPrediction, encodeSnapshot, memoryDmesgLines, parseSnapshot, SNAPSHOT_SOURCES, snapshotToPredictOptions,
  type CollectedItem, type CollectedSnapshot, type SnapshotKey,
} from '../../inputs/snapshot/index.ts';
import { EXIT_OK, EXIT_RESERVATION_FAILS } from '../exit-codes.ts';
import { readInput } from '../io.ts';

const enc = new TextEncoder();

function readItem(root: string, path: string): CollectedItem {
  try {
    return { source: path, bytes: new Uint8Array(readFileSync(join(root, path))) };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { source: path, error: err.code ?? 'EIO', message: err.message.split('\n')[0] };
  }
}

function command(cmd: string, args: string[]): CollectedItem {
  const source = [cmd, ...args].join(' ');
  const r = spawnSync(cmd, args, { encoding: 'buffer', maxBuffer: 64 << 20 });
  if (r.error) return { source, error: (r.error as NodeJS.ErrnoException).code ?? 'EIO', message: r.error.message };
  if (r.status !== 0) return { source, error: `exit ${r.status}`, message: r.stderr.toString('utf8').trim().split('\n')[0] };
  return { source, bytes: new Uint8Array(r.stdout) };
}

/** AT_PAGESZ (6) from an auxv of 64-bit little-endian pairs. */
function pageSizeFromAuxv(b: Uint8Array): bigint | undefined {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i + 16 <= b.length; i += 16) {
    const type = dv.getBigUint64(i, true);
    if (type === 0n) break;
    if (type === 6n) return dv.getBigUint64(i + 8, true);
  }
  return undefined;
}

/** Reads everything a bundle holds from `root` ('/' for this machine: then commands run too). */
export function collectSnapshot(root: string): CollectedSnapshot {
  const live = root === '/';
  const items: Partial<Record<SnapshotKey, CollectedItem>> = {};
  for (const k of ['fdt', 'iomem', 'cmdline', 'kexec-crash-size', 'kexec-crash-loaded', 'acpi-IORT', 'acpi-SPCR', 'acpi-APIC', 'acpi-SRAT'] as const) {
    items[k] = readItem(root, SNAPSHOT_SOURCES[k]);
  }
  let release = readItem(root, SNAPSHOT_SOURCES.release);
  if ('error' in release && live) release = command('uname', ['-r']);
  items.release = release;
  const rel = 'bytes' in release ? new TextDecoder().decode(release.bytes).trim() : undefined;

  let page: CollectedItem = live ? command('getconf', ['PAGESIZE']) : { source: 'getconf PAGESIZE', error: 'ENOENT', message: 'not run on a --root tree' };
  if ('error' in page) {
    const aux = readItem(root, live ? '/proc/self/auxv' : 'proc/self/auxv');
    const ps = 'bytes' in aux ? pageSizeFromAuxv(aux.bytes) : undefined;
    if (ps !== undefined) page = { source: '/proc/self/auxv (AT_PAGESZ)', bytes: enc.encode(`${ps}\n`) };
  }
  items['page-size'] = page;

  let config: CollectedItem = rel ? readItem(root, `/boot/config-${rel}`) : { source: '/boot/config-$(uname -r)', error: 'ENOENT', message: 'release unknown' };
  if ('error' in config) {
    const gz = readItem(root, '/proc/config.gz');
    if ('bytes' in gz) {
      try {
        config = { source: '/proc/config.gz (gunzipped)', bytes: new Uint8Array(gunzipSync(gz.bytes)) };
      } catch (e) {
        config = { source: '/proc/config.gz', error: 'EBADGZIP', message: (e as Error).message };
      }
    }
  }
  items.config = config;

  // A recorded tree keeps `dmesg` output as dmesg.txt at its top (test/data/snapshot/record-guests.sh does).
  const dm = live ? command('dmesg', []) : readItem(root, 'dmesg.txt');
  items.dmesg = 'bytes' in dm
    ? { source: `${dm.source} (memory lines)`, bytes: enc.encode(memoryDmesgLines(new TextDecoder().decode(dm.bytes)).map((l) => `${l}\n`).join('')) }
    : dm;
  return { created: new Date().toISOString(), root, tool: 'bootmap snapshot', efi: existsSync(join(root, '/sys/firmware/efi')), items };
}

export function registerSnapshot(program: Command, out: (s: string) => void, setExit: (c: number) => void): void {
  program
    .command('snapshot')
    .description('collect this arm64 machine\'s memory facts (read-only) into a bundle, or compare a bundle with a prediction')
    .option('-o, --output <file>', 'write the bundle here (default: standard output)')
    .option('--root <dir>', 'read from this directory tree instead of / (a recorded machine)')
    .option('--compare <bundle>', 'predict the machine of a bundle and compare with what it did')
    .option('--kernel <profile|image>', 'with --compare: predict another kernel for that machine')
    .option('--cmdline <string>', 'with --compare: another command line')
    .addHelpText('after', `
Examples:
  sudo bootmap snapshot -o $(hostname).bootmap.json     # as root /proc/iomem shows addresses
  bootmap snapshot --compare host.bootmap.json
  bootmap snapshot --compare host.bootmap.json --kernel debian-7.2 --cmdline "crashkernel=1G"`)
    .action((f: { output?: string; root?: string; compare?: string; kernel?: string; cmdline?: string }) => {
      if (f.compare) {
        const s = parseSnapshot(readInput(f.compare, 'snapshot bundle'), f.compare);
        if (!s.ok) throw new InputFailure(s.error);
        const kernel = f.kernel === undefined ? undefined : /^debian-/.test(f.kernel) ? f.kernel : { bytes: readInput(f.kernel, 'kernel image'), file: f.kernel };
        const o = snapshotToPredictOptions(s.value, { kernel, cmdline: f.cmdline });
        if (!o.ok) throw new InputFailure(o.error);
        const p = predict(o.value);
        if (!p.ok) throw new InputFailure(p.error);
        const c = compareSnapshotWithPrediction(s.value, p.value);
        const lines = [`snapshot ${f.compare}: predicted with ${p.value.profile.name}`, ...o.value.notes.map((n) => `  note: ${n}`)];
        for (const it of c.items) {
          const mark = it.agree === null ? '?' : it.agree ? '=' : '≠';
          lines.push(`${mark} ${it.topic}`, `    predicted: ${it.predicted}`, `    actual:    ${it.actual}`);
        }
        lines.push(c.agree ? 'agree' : 'DIFFER');
        out(`${lines.join('\n')}\n`);
        setExit(p.value.crash && !p.value.crash.ok ? EXIT_RESERVATION_FAILS : EXIT_OK);
        return;
      }
      const text = encodeSnapshot(collectSnapshot(f.root ?? '/'));
      if (f.output) {
        try {
          writeFileSync(f.output, text);
        } catch (e) {
          throw new InputFailure({ kind: 'option', code: (e as NodeJS.ErrnoException).code ?? 'EIO', file: f.output, expected: 'a writable output file', found: (e as NodeJS.ErrnoException).code });
        }
      } else out(text);
    });
}
