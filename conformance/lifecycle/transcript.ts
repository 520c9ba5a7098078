// Reads a lifecycle console transcript (lifecycle-init.sh's markers among the kernels' own lines) into records.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { LIFECYCLE_DIR, type LifecycleFixture } from './scenario.ts';

export interface IomemState {
  label: string;
  /** /proc/iomem, exactly as read. */
  iomem: string[];
  /** /sys/kernel/kexec_crash_size and kexec_crash_loaded as read (text). */
  size: string;
  loaded: string;
}

export interface RecordedSegment {
  mem: bigint;
  memsz: bigint;
  bufsz: bigint;
}

export type Step =
  | { kind: 'shrink'; bytes: bigint; ok: boolean; error?: string; after: IomemState }
  | { kind: 'load'; nochecks: boolean; rc: number; output: string[]; segments: RecordedSegment[]; dtbSize?: number; after: IomemState }
  | { kind: 'unload'; rc: number; after: IomemState };

export interface Transcript {
  /** The first kernel's console lines before its /init ran. */
  firstBoot: string[];
  kexecVersion: string;
  boot: IomemState;
  steps: Step[];
  crashed: boolean;
  /** The kdump kernel's console lines, from its "Booting Linux" on (empty if it never started). */
  kdumpBoot: string[];
  /** Present when the kdump kernel reached its /init. */
  kdump?: { cmdline: string; iomem: string[]; vmcoreBytes: bigint; meminfo: string[] };
}

const data = (lines: string[], from: number): { body: string[]; next: number } => {
  const body: string[] = [];
  let k = from;
  while (k < lines.length && lines[k] !== '===END') {
    if (lines[k].startsWith('@@ ')) body.push(lines[k].slice(3));
    else if (lines[k].startsWith('@@')) body.push(lines[k].slice(2));
    k++;
  }
  return { body, next: k + 1 };
};

function state(label: string, body: string[]): IomemState {
  const size = body.find((l) => l.startsWith('size '))?.slice(5) ?? '';
  const loaded = body.find((l) => l.startsWith('loaded '))?.slice(7) ?? '';
  return { label, iomem: body.filter((l) => !/^(size|loaded) /.test(l)), size, loaded };
}

function segments(out: string[]): RecordedSegment[] {
  const segs: Record<number, Partial<RecordedSegment>> = {};
  for (const l of out) {
    const m = /^segment\[(\d+)\]\.(mem|memsz|bufsz)\s*=\s*(0x[0-9a-f]+)/.exec(l);
    if (m) (segs[Number(m[1])] ??= {})[m[2] as 'mem'] = BigInt(m[3]);
  }
  return Object.values(segs).map((s) => ({ mem: s.mem!, memsz: s.memsz!, bufsz: s.bufsz! }));
}

export function parseTranscript(log: string): Transcript {
  const lines = log.replace(/\r/g, '').split('\n');
  const t: Transcript = { firstBoot: [], kexecVersion: '', boot: state('boot', []), steps: [], crashed: false, kdumpBoot: [] };
  let k = 0;
  while (k < lines.length && !lines[k].startsWith('===GUEST')) t.firstBoot.push(lines[k++]);
  let pendingShrink: { bytes: bigint; ok: boolean; error?: string } | undefined;
  let pendingLoad: { nochecks: boolean; rc: number; output: string[] } | undefined;
  let pendingUnload: number | undefined;
  for (; k < lines.length; k++) {
    const l = lines[k];
    let m: RegExpExecArray | null;
    if ((m = /^===KEXEC (.*)$/.exec(l))) t.kexecVersion = m[1].replace(/^kexec-tools /, '');
    else if ((m = /^===STATE (.*)$/.exec(l))) {
      const d = data(lines, k + 1);
      const st = state(m[1], d.body);
      k = d.next - 1;
      if (m[1] === 'boot') t.boot = st;
      else if (pendingShrink) { t.steps.push({ kind: 'shrink', ...pendingShrink, after: st }); pendingShrink = undefined; }
      else if (pendingLoad) {
        const dtb = pendingLoad.output.map((o) => /^dtb:\s+base [0-9a-f]+, size [0-9a-f]+h \((\d+)\)/.exec(o)).find(Boolean);
        t.steps.push({ kind: 'load', ...pendingLoad, segments: segments(pendingLoad.output), dtbSize: dtb ? Number(dtb[1]) : undefined, after: st });
        pendingLoad = undefined;
      } else if (pendingUnload !== undefined) { t.steps.push({ kind: 'unload', rc: pendingUnload, after: st }); pendingUnload = undefined; }
    } else if ((m = /^===SHRINK (\d+) (ok|error)\s*(.*)$/.exec(l))) {
      pendingShrink = { bytes: BigInt(m[1]), ok: m[2] === 'ok', ...(m[2] === 'error' ? { error: m[3] } : {}) };
    } else if ((m = /^===LOAD rc=(\d+)$/.exec(l))) {
      const d = data(lines, k + 1);
      pendingLoad = { nochecks: false, rc: Number(m[1]), output: d.body };
      k = d.next - 1;
    } else if ((m = /^===UNLOAD rc=(\d+)$/.exec(l))) {
      k = data(lines, k + 1).next - 1;
      pendingUnload = Number(m[1]);
    } else if (l === '===CRASH') {
      t.crashed = true;
      const start = lines.findIndex((x, j) => j > k && /Booting Linux on physical CPU/.test(x));
      if (start < 0) break;
      const end = lines.findIndex((x, j) => j > start && x.startsWith('==='));
      t.kdumpBoot = lines.slice(start, end < 0 ? lines.length : end).filter((x) => !x.startsWith('@@'));
      if (end >= 0 && lines[end].startsWith('===KDUMP')) t.kdump = parseKdump(lines, end);
      break;
    }
  }
  return t;
}

function parseKdump(lines: string[], from: number): Transcript['kdump'] {
  const r = { cmdline: '', iomem: [] as string[], vmcoreBytes: -1n, meminfo: [] as string[] };
  for (let k = from; k < lines.length; k++) {
    const l = lines[k];
    let m: RegExpExecArray | null;
    if (l === '===FILE cmdline') { const d = data(lines, k + 1); r.cmdline = d.body.join(' '); k = d.next - 1; }
    else if (l === '===FILE iomem') { const d = data(lines, k + 1); r.iomem = d.body; k = d.next - 1; }
    else if (l === '===MEMINFO') { const d = data(lines, k + 1); r.meminfo = d.body; k = d.next - 1; }
    else if ((m = /^===VMCORE (\d+)/.exec(l))) r.vmcoreBytes = BigInt(m[1]);
    else if (l === '===DONE') break;
  }
  return r;
}

export interface LifecycleRecord {
  fixture: LifecycleFixture;
  transcript: Transcript;
  dtb: Uint8Array;
  dir: string;
}

export function readLifecycleRecord(id: string, profile: string): LifecycleRecord {
  const dir = join(LIFECYCLE_DIR, id);
  const fixture = JSON.parse(readFileSync(join(dir, `${profile}.json`), 'utf8')) as LifecycleFixture;
  const transcript = parseTranscript(gunzipSync(readFileSync(join(dir, `${profile}.log.gz`))).toString('utf8'));
  return { fixture, transcript, dtb: new Uint8Array(gunzipSync(readFileSync(join(dir, `${profile}.dtb.gz`)))), dir };
}
