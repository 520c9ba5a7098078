// The kexec-lifecycle scenarios (scenarios.json) and the fixtures recorded from them (docs/CONFORMANCE.md).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PROFILES, type Profile } from '../scenario.ts';

const here = dirname(new URL(import.meta.url).pathname);
export const LIFECYCLE_DIR = join(here, 'fixtures');

/**
 * The kdump kernel's command line before a scenario's additions: the console, and what Debian's kdump-tools appends
 * (KDUMP_CMDLINE_APPEND in /etc/default/kdump-tools: reset_devices nr_cpus=1 irqpoll nousb; its systemd unit is
 * left out, there is no systemd in the guest).
 */
export const KDUMP_APPEND_BASE = 'console=ttyAMA0 ignore_loglevel panic=-1 rdinit=/init reset_devices nr_cpus=1 irqpoll nousb';

export type LifecycleAction = `shrink:${number}` | 'load' | 'load-nochecks' | 'unload' | 'crash';

export interface LifecycleScenario {
  readonly id: string;
  readonly description: string;
  readonly memory: string;
  readonly smp: number;
  /** The first kernel's own part of the command line. */
  readonly cmdline: string;
  /** Added to KDUMP_APPEND_BASE for the kdump kernel. */
  readonly kdumpAppend: string;
  /** The crash kernel, when it is another generation than the first kernel (default: the same). */
  readonly crashKernel?: Profile;
  /** Only these first kernels (default: all four). */
  readonly kernels?: readonly Profile[];
  /** A kdump initrd grown by this many MiB of incompressible data (unpacked as large as loaded). */
  readonly initrdPadMiB?: number;
  readonly actions: readonly LifecycleAction[];
}

export interface LifecycleFixture {
  readonly scenario: string;
  readonly profile: Profile;
  readonly kernel: string;
  readonly kernelSha256: string;
  readonly qemu: string;
  readonly argv: readonly string[];
  readonly cmdline: string;
  readonly kdumpCmdline: string;
  /** The crash kernel's profile and image when it differs from the first kernel's. */
  readonly crashKernel?: { profile: Profile; kernel: string; kernelSha256: string };
  readonly actions: readonly LifecycleAction[];
  readonly guestPackages: readonly string[];
  readonly initrdBytes: number;
  readonly kdumpInitrdBytes: number;
  /** MiB of incompressible data in the kdump initrd (grid variant "initrd24"). */
  readonly kdumpInitrdPadMiB?: number;
  readonly ms: number;
  readonly timedOut: boolean;
}

const ACTION = /^(shrink:\d+|load|load-nochecks|unload|crash)$/;

/** The survival grid (grid.json) as scenarios: `grid-<variant>-<size>m`, each "load" then "crash". */
export function loadGridScenarios(): LifecycleScenario[] {
  const g = JSON.parse(readFileSync(join(here, 'grid.json'), 'utf8')) as {
    memory: string; sizesMiB: number[]; variants: { id: string; kdumpAppend: string; initrdPadMiB?: number; sizesMiB?: number[] }[];
  };
  return g.variants.flatMap((v) => (v.sizesMiB ?? g.sizesMiB).map((mib) => ({
    id: `grid-${v.id}-${mib}m`, description: `survival grid: crashkernel=${mib}M, kdump kernel ${v.kdumpAppend || 'as Debian configures it'}${v.initrdPadMiB ? `, initrd with ${v.initrdPadMiB} MiB of incompressible data` : ''}`,
    memory: g.memory, smp: 2, cmdline: `crashkernel=${mib}M`, kdumpAppend: v.kdumpAppend, actions: ['load', 'crash'] as LifecycleAction[],
    ...(v.initrdPadMiB ? { initrdPadMiB: v.initrdPadMiB } : {}),
  })));
}

function profileOf(v: unknown, where: string): Profile {
  if (typeof v !== 'string' || !(PROFILES as readonly string[]).includes(v)) throw new Error(`${where}: expected one of ${PROFILES.join(', ')}`);
  return v as Profile;
}

export function loadLifecycleScenarios(): LifecycleScenario[] {
  const raw = JSON.parse(readFileSync(join(here, 'scenarios.json'), 'utf8')) as Record<string, unknown>[];
  return raw.map((o, i) => {
    const where = `conformance/lifecycle/scenarios.json[${i}]`;
    const str = (k: string, d?: string): string => {
      const v = o[k] ?? d;
      if (typeof v !== 'string') throw new Error(`${where}: "${k}" must be a string`);
      return v;
    };
    const actions = o.actions;
    if (!Array.isArray(actions) || !actions.every((a) => typeof a === 'string' && ACTION.test(a))) {
      throw new Error(`${where}: "actions" must be a list of shrink:<bytes>, load, load-nochecks, unload, crash`);
    }
    return {
      id: str('id'), description: str('description'), memory: str('memory', '4G'), smp: typeof o.smp === 'number' ? o.smp : 2,
      cmdline: str('cmdline', ''), kdumpAppend: str('kdumpAppend', ''), actions: actions as LifecycleAction[],
      ...(o.crashKernel !== undefined ? { crashKernel: profileOf(o.crashKernel, `${where}.crashKernel`) } : {}),
      ...(o.kernels !== undefined ? { kernels: (o.kernels as unknown[]).map((k, j) => profileOf(k, `${where}.kernels[${j}]`)) } : {}),
    };
  });
}
