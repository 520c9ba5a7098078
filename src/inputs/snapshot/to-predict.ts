// Turns a snapshot bundle into the options of predict(): the machine's own DTB, command line, kernel and config,
// and the Image/DTB addresses worked out from /proc/iomem (the boot loader itself is unknown).
import type { PredictOptions } from '../../api/predict.ts';
import { generationOf, parseVersion } from '../../kernels/generation.ts';
import { declaredMemory, withMemory } from '../boards/memory.ts';
import { fail, ok, type Result } from '../errors.ts';
import { parseFdt } from '../fdt/check.ts';
import { findNode, type Fdt, type FdtNode } from '../fdt/tree.ts';
import { iomemKernel, iomemNomap, iomemReserved, iomemSystemRam, parseIomem, type Iomem, type PhysRange } from '../iomem.ts';
import { snapshotBytes, snapshotText, type Snapshot } from './parse.ts';

export interface SnapshotOverrides {
  /** Another kernel (profile name or image) to predict for this machine; the machine's config is then not used. */
  kernel?: PredictOptions['kernel'];
  config?: PredictOptions['config'];
  cmdline?: string;
}

/** PredictOptions plus how each was obtained, in words (print them with the prediction). */
export type SnapshotPredictOptions = PredictOptions & { notes: string[] };

const MiB = 1n << 20n;
const hex = (v: bigint): string => `0x${v.toString(16)}`;

/** The /proc/iomem of a snapshot, when it was read and parses. */
export function snapshotIomem(s: Snapshot): Result<Iomem> | undefined {
  const t = snapshotText(s, 'iomem');
  return t === undefined ? undefined : parseIomem(t, `${s.file}#iomem`);
}

/** The Debian profile of a release string such as 6.12.117+deb13-arm64 (the generation its version falls in). */
export function profileForRelease(release: string): { name: string; approximate: boolean } | undefined {
  const v = parseVersion(release.trim());
  if (!v) return undefined;
  const g = generationOf(v);
  return { name: `debian-${g.generation}`, approximate: g.approximate };
}

export function snapshotToPredictOptions(s: Snapshot, o: SnapshotOverrides = {}): Result<SnapshotPredictOptions> {
  const notes: string[] = [];
  const fdtBytes = snapshotBytes(s, 'fdt');
  if (!fdtBytes) {
    const it = s.items.fdt;
    return fail({ kind: 'snapshot', code: 'SNAPSHOT_NO_FDT', file: s.file, field: 'items.fdt', expected: 'the machine\'s /sys/firmware/fdt (ACPI-only machines cannot be predicted from a snapshot yet)', found: it && 'error' in it ? it.error : 'nothing' });
  }
  const dtFile = `${s.file}#fdt`;
  const fdt = parseFdt(fdtBytes, dtFile);
  if (!fdt.ok) return fdt;
  notes.push('DTB: the kernel\'s own copy (/sys/firmware/fdt): /chosen as the boot loader and the kernel left it (initrd, bootargs, a wiped kaslr-seed)');

  let io: Iomem | undefined;
  const ior = snapshotIomem(s);
  if (ior && !ior.ok) return ior;
  if (ior?.ok) {
    if (ior.value.zeroed) notes.push('/proc/iomem was read without CAP_SYS_ADMIN: every address is 0, so it gives no placement (run `bootmap snapshot` as root)');
    else io = ior.value;
  } else {
    notes.push('/proc/iomem was not read');
  }

  let dtb = fdtBytes;
  const declared = declaredMemory(fdt.value).filter((b) => b.size > 0n);
  if (declared.length === 0) {
    if (!io) return fail({ kind: 'snapshot', code: 'SNAPSHOT_NO_MEMORY', file: s.file, field: 'items.iomem', expected: 'a DTB with /memory, or a root-read /proc/iomem to take System RAM from (UEFI machines get memory from the EFI memory map)', found: 'neither' });
    const ram = mergeAdjacent([...iomemSystemRam(io), ...iomemNomap(io)]);
    dtb = withMemory(fdt.value, ram, iomemNomap(io));
    notes.push(`memory: the DTB has none (${s.efi ? 'UEFI boot: the kernel used the EFI memory map' : 'firmware-provided'}); taken from /proc/iomem System RAM, its top-level "reserved" (NOMAP) ranges as no-map /reserved-memory`);
  }

  const kernel = io ? iomemKernel(io) : {};
  const banks = (declared.length ? declared : io ? iomemSystemRam(io) : []).slice().sort((a, b) => (a.base < b.base ? -1 : 1));
  const ramBase = banks[0]?.base ?? 0n;
  let imageAddr: bigint;
  if (kernel.code) {
    // "Kernel code" starts at _text (5.10, 6.12, 7.2) or at _stext, 64 KiB further (6.1): an Image is 2 MiB-aligned
    // when a boot loader placed it, so a start 64 KiB past a 2 MiB boundary is taken as _stext.
    const skip = (kernel.code.base & (2n * MiB - 1n)) === 0x10000n ? 0x10000n : 0n;
    imageAddr = kernel.code.base - skip;
    notes.push(`Image at ${hex(imageAddr)}: /proc/iomem "Kernel code" (${hex(kernel.code.base)}) starts at ${skip ? '_stext, 64 KiB past _text' : '_text'} (request_standard_resources())`);
  } else {
    imageAddr = ramBase + 2n * MiB;
    notes.push(`Image at ${hex(imageAddr)}: assumed 2 MiB above the start of RAM (no "Kernel code" in /proc/iomem)`);
  }
  const dtbAddr = guessDtbAddr(fdt.value.header.totalsize, fdt.value, io, imageAddr, ramBase, notes);

  let kernelOpt = o.kernel;
  if (kernelOpt === undefined) {
    const rel = snapshotText(s, 'release');
    const p = rel ? profileForRelease(rel) : undefined;
    if (p) {
      kernelOpt = p.name;
      notes.push(`kernel: ${p.name} for release ${rel!.trim()}${p.approximate ? ' (another version of that generation: an approximation)' : ''}`);
    } else {
      notes.push('kernel: the release is unknown; the default profile is used');
    }
  }
  let config = o.config;
  const cfgText = snapshotText(s, 'config');
  if (!config && cfgText !== undefined) {
    if (o.kernel === undefined) {
      config = { text: cfgText, file: `${s.file}#config` };
      notes.push(`config: the machine's (${s.items.config!.source})`);
    } else {
      notes.push('config: the machine\'s config is not applied to another kernel');
    }
  }
  let cmdline = o.cmdline;
  if (cmdline === undefined) {
    const c = snapshotText(s, 'cmdline');
    if (c !== undefined) {
      cmdline = c.replace(/\n$/, '');
      notes.push('command line: /proc/cmdline');
    }
  }
  const opts: SnapshotPredictOptions = { dtb: { bytes: dtb, file: dtFile }, loader: { type: 'at', imageAddr, dtbAddr }, notes };
  if (kernelOpt !== undefined) opts.kernel = kernelOpt;
  if (config) opts.config = config;
  if (cmdline !== undefined) opts.cmdline = cmdline;
  return ok(opts);
}

function mergeAdjacent(rs: PhysRange[]): PhysRange[] {
  const sorted = rs.slice().sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  const out: PhysRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.base + last.size >= r.base) {
      const end = r.base + r.size > last.base + last.size ? r.base + r.size : last.base + last.size;
      out[out.length - 1] = { base: last.base, size: end - last.base };
    } else out.push({ ...r });
  }
  return out;
}

/**
 * Where the DTB was: setup_machine_fdt() memblock_reserve()s exactly totalsize bytes at it, so a root-read
 * /proc/iomem shows a "reserved" range of that size (page-rounded) unless a neighbour merged with it; the
 * initrd (from /chosen) and the kernel are excluded. One candidate: taken. None or several: the first
 * candidate, else 2 MiB above the initrd or the kernel, said so in the notes.
 */
function guessDtbAddr(totalsize: number, fdt: Fdt, io: Iomem | undefined, imageAddr: bigint, ramBase: bigint, notes: string[]): bigint {
  const size = BigInt(totalsize);
  const rounded = (size + 0xfffn) & ~0xfffn;
  const chosen = findNode(fdt, '/chosen');
  const initrd = chosen ? readInitrd(chosen) : undefined;
  if (io) {
    const cands = iomemReserved(io).filter((r) => (r.size === size || r.size === rounded) && !(initrd && r.base <= initrd.start && initrd.start < r.base + r.size));
    if (cands.length >= 1) {
      notes.push(`DTB at ${hex(cands[0].base)}: the /proc/iomem "reserved" range of the DTB's size (${hex(size)})${cands.length > 1 ? `, the first of ${cands.length} such` : ''}`);
      return cands[0].base;
    }
  }
  const after = initrd ? ((initrd.end + 2n * MiB - 1n) & ~(2n * MiB - 1n)) : imageAddr + 64n * MiB;
  notes.push(`DTB at ${hex(after)}: assumed (no reserved range of the DTB's size in /proc/iomem): 2 MiB-aligned after the ${initrd ? 'initrd' : 'kernel + 64 MiB'}`);
  return after > ramBase ? after : ramBase;
}

function readInitrd(chosen: FdtNode): { start: bigint; end: bigint } | undefined {
  const num = (name: string): bigint | undefined => {
    const p = chosen.props.find((x) => x.name === name);
    if (!p || (p.value.length !== 4 && p.value.length !== 8)) return undefined;
    const dv = new DataView(p.value.buffer, p.value.byteOffset, p.value.byteLength);
    return p.value.length === 8 ? dv.getBigUint64(0) : BigInt(dv.getUint32(0));
  };
  const start = num('linux,initrd-start');
  const end = num('linux,initrd-end');
  return start !== undefined && end !== undefined ? { start, end } : undefined;
}
