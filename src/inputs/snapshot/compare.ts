// Compares a prediction with what the machine of a snapshot actually did: its crash regions and System RAM
// (/proc/iomem, /sys/kernel/kexec_crash_size) and its memory lines (dmesg).
import { kexecCrashSize } from '../../model/kexec/crash-size.ts';
import type { Prediction } from '../../kernels/boot.ts';
import { MEMBLOCK_NOMAP } from '../../model/memblock/types.ts';
import { dmesgLines } from '../../render/dmesg.ts';
import { iomemCrashRegions, iomemSystemRam, type PhysRange } from '../iomem.ts';
import { memoryDmesgLines } from './dmesg.ts';
import { snapshotText, type Snapshot } from './parse.ts';
import { snapshotIomem } from './to-predict.ts';

export interface ComparisonItem {
  topic: string;
  /** null: the snapshot holds nothing to compare with. */
  agree: boolean | null;
  predicted: string;
  actual: string;
}

export interface SnapshotComparison {
  items: ComparisonItem[];
  /** Every comparable item agrees. */
  agree: boolean;
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;
const show = (rs: readonly PhysRange[]): string => (rs.length ? rs.map((r) => `[${hex(r.base)}-${hex(r.base + r.size - 1n)}]`).join(' ') : 'none');
const sorted = (rs: readonly PhysRange[]): PhysRange[] => rs.slice().sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
const same = (a: readonly PhysRange[], b: readonly PhysRange[]): boolean => {
  const x = sorted(a), y = sorted(b);
  return x.length === y.length && x.every((r, i) => r.base === y[i].base && r.size === y[i].size);
};

/** Line kinds whose text is deterministic across boots of one machine (Memory: varies by a few KiB). */
const KINDS = ['crashkernel', 'zones', 'node-ranges', 'cma', 'swiotlb', 'reserved-mem'] as const;

export function compareSnapshotWithPrediction(s: Snapshot, p: Prediction): SnapshotComparison {
  const items: ComparisonItem[] = [];
  const predictedCrash: PhysRange[] = [];
  if (p.crash?.ok) {
    if (p.crash.main) predictedCrash.push(p.crash.main);
    if (p.crash.low && p.crash.low !== p.crash.main) predictedCrash.push(p.crash.low);
  }
  const predCrashText = p.crash ? (p.crash.ok ? show(predictedCrash) : `fails: ${p.crash.failure ?? 'no room'}`) : 'no crashkernel=';

  const io = snapshotIomem(s);
  const iomem = io?.ok && !io.value.zeroed ? io.value : undefined;
  if (iomem) {
    const actual = iomemCrashRegions(iomem);
    items.push({ topic: 'crash regions (/proc/iomem "Crash kernel")', agree: same(predictedCrash, actual), predicted: predCrashText, actual: show(actual) });
    const ram = mergeRanges(p.final.memory.filter((r) => (r.flags & MEMBLOCK_NOMAP) === 0));
    const actualRam = mergeRanges(iomemSystemRam(iomem));
    items.push({ topic: 'System RAM (/proc/iomem)', agree: same(ram, actualRam), predicted: show(ram), actual: show(actualRam) });
  } else {
    items.push({ topic: 'crash regions (/proc/iomem "Crash kernel")', agree: null, predicted: predCrashText, actual: io ? (io.ok ? 'iomem read unprivileged (zeros)' : 'iomem unreadable') : 'no iomem' });
  }
  const size = snapshotText(s, 'kexec-crash-size');
  if (size !== undefined && /^\d+\s*$/.test(size)) {
    // crash_get_memory_size(): crashk_res only up to 6.1 (kernel/kexec_core.c); crashk_res + crashk_low_res from
    // the generic reservation on (kernel/crash_core.c, 6.12 and 7.2 print 640 MiB for crashkernel=512M,high).
    const actual = BigInt(size.trim());
    const low = p.crash?.ok && p.crash.low && p.crash.low !== p.crash.main ? p.crash.low : undefined;
    const pred = kexecCrashSize({ main: p.crash?.ok ? p.crash.main : undefined, low }, p.profile.behaviours.crashSize);
    items.push({ topic: 'crash size (/sys/kernel/kexec_crash_size)', agree: actual === pred, predicted: String(pred), actual: String(actual) });
  }
  const dm = snapshotText(s, 'dmesg');
  const kept = dm !== undefined ? memoryDmesgLines(dm) : [];
  const predictedLines = dmesgLines(p.trace);
  for (const kind of KINDS) {
    const pred = predictedLines.filter((l) => l.kind === kind).map((l) => l.text);
    const act = kept.filter((l) => kindOf(l) === kind);
    if (dm === undefined) {
      if (pred.length) items.push({ topic: `dmesg ${kind} lines`, agree: null, predicted: pred.join(' | '), actual: 'dmesg not read' });
      continue;
    }
    if (pred.length === 0 && act.length === 0) continue;
    items.push({ topic: `dmesg ${kind} lines`, agree: pred.length === act.length && pred.every((t, i) => t === act[i]), predicted: pred.join(' | ') || 'none', actual: act.join(' | ') || 'none' });
  }
  return { items, agree: items.every((i) => i.agree !== false) };
}

function kindOf(line: string): (typeof KINDS)[number] | undefined {
  if (/^Kernel command line: /.test(line)) return undefined;
  if (/crashkernel|crahskernel/.test(line)) return 'crashkernel';
  if (/^Zone ranges:$|^ {2}(DMA|DMA32|Normal|Device|Movable) +(\[mem |empty$)/.test(line)) return 'zones';
  if (/^Built \d+ zonelists, |^Policy zone: |^Fallback order for Node /.test(line)) return 'zones';
  if (/^Early memory node ranges$|^ {2}node +\d+: \[mem /.test(line)) return 'node-ranges';
  if (/^OF: reserved mem: |^Reserved memory: |^OF: fdt: Reserved memory: /.test(line)) return 'reserved-mem';
  if (/^cma: /.test(line)) return 'cma';
  if (/^software IO TLB: /.test(line)) return 'swiotlb';
  return undefined;
}

function mergeRanges(rs: readonly PhysRange[]): PhysRange[] {
  const out: PhysRange[] = [];
  for (const r of sorted(rs)) {
    const last = out[out.length - 1];
    if (last && last.base + last.size === r.base) out[out.length - 1] = { base: last.base, size: last.size + r.size };
    else out.push({ base: r.base, size: r.size });
  }
  return out;
}
