// The survival grid (grid.json) as a table: per generation and crash size, whether the kdump kernel reached init
// (or how it died), its own `Memory:` line, and what the model predicts for it. `tsx conformance/lifecycle/grid-report.ts`
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runModel } from './replay.ts';
import { LIFECYCLE_DIR } from './scenario.ts';
import { readLifecycleRecord, type Transcript } from './transcript.ts';

export type Outcome = 'init' | 'died' | 'not loaded';

export interface GridCell {
  id: string;
  profile: string;
  variant: string;
  sizeMiB: number;
  outcome: Outcome;
  /** The kernel's last words when it died (panic line, or the last line). */
  death?: string;
  /** The kdump kernel's own Memory: line figures, KiB. */
  memory?: { availableK: number; totalK: number; reservedK: number; cmaK: number };
}

export function outcomeOf(t: Transcript): { outcome: Outcome; death?: string } {
  if (t.kdump) return { outcome: 'init' };
  const load = t.steps.find((s) => s.kind === 'load');
  if (!load || load.kind !== 'load' || load.rc !== 0) return { outcome: 'not loaded' };
  if (!t.kdumpBoot.length) return { outcome: 'died', death: 'nothing on the console after "Starting crashdump kernel..." (the machine reset: an early panic before the console)' };
  const panic = t.kdumpBoot.find((l) => /Kernel panic - not syncing/.test(l));
  return { outcome: 'died', death: (panic ?? t.kdumpBoot[t.kdumpBoot.length - 1]).replace(/^\[[^\]]*\]\s*/, '') };
}

export function memoryFigures(lines: readonly string[]): GridCell['memory'] {
  for (const l of lines) {
    const m = /Memory: (\d+)K\/(\d+)K available \(.*, (\d+)K reserved, (\d+)K cma-reserved\)/.exec(l);
    if (m) return { availableK: Number(m[1]), totalK: Number(m[2]), reservedK: Number(m[3]), cmaK: Number(m[4]) };
  }
  return undefined;
}

export function gridCells(): GridCell[] {
  if (!existsSync(LIFECYCLE_DIR)) return [];
  const cells: GridCell[] = [];
  for (const id of readdirSync(LIFECYCLE_DIR).filter((d) => d.startsWith('grid-')).sort()) {
    const m = /^grid-(.+)-(\d+)m$/.exec(id);
    if (!m) continue;
    for (const f of readdirSync(join(LIFECYCLE_DIR, id)).filter((n) => n.endsWith('.json'))) {
      const profile = f.slice(0, -5);
      const t = readLifecycleRecord(id, profile).transcript;
      cells.push({ id, profile, variant: m[1], sizeMiB: Number(m[2]), ...outcomeOf(t), memory: memoryFigures(t.kdumpBoot) });
    }
  }
  return cells.sort((a, b) => a.profile.localeCompare(b.profile) || a.variant.localeCompare(b.variant) || a.sizeMiB - b.sizeMiB);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const c of gridCells()) {
    const m = runModel(readLifecycleRecord(c.id, c.profile));
    const crash = m.steps.find((s) => s.kind === 'crash');
    const pm = crash?.kind === 'crash' ? crash.kdump?.memory : undefined;
    const k = (p?: bigint) => (p === undefined ? '-' : String((p * 4096n) >> 10n));
    console.log([c.profile, c.variant, `${c.sizeMiB}M`, c.outcome, c.memory ? `${c.memory.availableK}K avail ${c.memory.reservedK}K res ${c.memory.cmaK}K cma` : '-',
      `model totalram ${k(pm?.totalram)}K cma ${k(pm?.cmaPages)}K `, c.death ?? ''].join(' | '));
  }
}
