// Models what start_kernel() does with the words of the command line that no kernel parameter takes
// (init/main.c, 5.10–7.2): parse_args("Booting kernel", …, unknown_bootoption) hands each one to init — with a
// value as an environment variable (envp_init), without one as an argument (argv_init) — and
// print_unknown_bootoptions() (5.15+) prints them with one memblock_alloc(len, SMP_CACHE_BYTES) it frees again.
//
// A word is the kernel's when it names a kernel_param (parse_one(), kernel/params.c), is a sysctl alias or a boot
// loader's identifier ("BOOT_IMAGE=", "kexec"; both checks 6.1+, not in 5.10.223), matches a __setup() string (obsolete_checksetup(): a prefix
// match whose handler we take to accept it, as nearly all do since 5.18's "return 1 from __setup handlers"), is
// exactly an early_param() name, or contains a '.' (a module parameter modprobe finds in /proc/cmdline).
// init= and rdinit= drop the arguments collected before them (init_setup(): LILO's "auto").

import { splitCmdline } from '../inputs/cmdline/params.ts';
import type { BootParamTables } from '../inputs/image-params.ts';
import type { Printk } from '../trace/events.ts';
import type { EarlyRequest } from './early-sizes/types.ts';

/** CONFIG_INIT_ENV_ARG_LIMIT (32 in every Debian arm64 config): MAX_INIT_ARGS and MAX_INIT_ENVS. */
export const INIT_ENV_ARG_LIMIT = 32;

export interface UnknownBootOptionsRules {
  /** print_unknown_bootoptions() exists (5.15+): the allocation and the line. */
  print: boolean;
  /** unknown_bootoption() skips "BOOT_IMAGE=" and "kexec" (6.1+; 5.10.223 hands them to init). */
  bootloaderIds: boolean;
  /** sysctl_is_alias(): kernel parameters that are sysctls (fs/proc/proc_sysctl.c sysctl_aliases[]). */
  sysctlAliases: readonly string[];
  /** The memblock=debug callers of the allocation and of its free (print_unknown_bootoptions is inlined). */
  site: string;
  freeSite: string;
}

export interface UnknownBootOptions {
  /** argv_init[1..]: the words without a value init gets as arguments. */
  argv: string[];
  /** envp_init[2..]: the `name=value` words init gets in its environment. */
  envp: string[];
  /**
   * panic_later: more than INIT_ENV_ARG_LIMIT arguments ("init") or variables ("env"): start_kernel() panics right
   * after console_init(), before a console driver has registered (recorded: an empty console).
   */
  panicLater?: { kind: 'init' | 'env'; param: string };
  /** print_unknown_bootoptions()'s allocation and free (none when nothing is unknown, on 5.10, or after panic_later). */
  requests: EarlyRequest[];
  /** Its line. */
  printk?: Printk;
}

/** parameq()'s view of a name: '-' and '_' alike. */
const norm = (s: string): string => (s.includes('-') ? s.replaceAll('-', '_') : s);

/** A kernel's tables as the checks below read them, normalised once per table (a sweep asks thousands of times). */
interface PreparedTables {
  /** The kernel_param names without a dot (a dotted word is dropped whether known or not). */
  params: Set<string>;
  setup: { str: string; early: boolean; initClears: boolean }[];
}
const prepared = new WeakMap<BootParamTables, PreparedTables>();
function prepare(t: BootParamTables): PreparedTables {
  let p = prepared.get(t);
  if (!p) {
    p = {
      params: new Set(t.params.filter((n) => !n.includes('.')).map(norm)),
      setup: t.setup.map((x) => ({ str: norm(x.str), early: x.early, initClears: x.str === 'init=' || x.str === 'rdinit=' })),
    };
    prepared.set(t, p);
  }
  return p;
}

/**
 * obsolete_checksetup() (parameqn(): a prefix, '-' and '_' alike): the first __setup() string that prefixes the
 * word and whose handler accepts the rest takes it; an early_param() counts when it is exactly the word's name.
 * Handlers are not run here: one whose string ends in '=' is taken to accept any value, and a flag's (no '=')
 * only the bare word, as the flag handlers do (`if (*str) return 0;` in readonly(), rootwait_setup(), …:
 * "root=" passes "ro" on to "root=").
 */
function takenBySetup(line: string, t: PreparedTables): { taken: boolean; initClears?: boolean } {
  const l = norm(line);
  let hadEarly = false;
  for (const p of t.setup) {
    const n = p.str.length;
    if (!l.startsWith(p.str)) continue;
    if (p.early) {
      if (l.length === n || l[n] === '=') hadEarly = true;
    } else if (p.str.endsWith('=') || l.length === n) {
      return { taken: true, initClears: p.initClears };
    }
  }
  return { taken: hadEarly };
}

const byteLength = (s: string): number => new TextEncoder().encode(s).length;

export function unknownBootOptions(cmdline: string, tables: BootParamTables, rules: UnknownBootOptionsRules): UnknownBootOptions {
  const argv: string[] = ['init'];
  const envp: string[] = ['HOME=/', 'TERM=linux'];
  let panicLater: UnknownBootOptions['panicLater'];
  const t = prepare(tables);
  for (const { param, val } of splitCmdline(cmdline).args) {
    // parse_one(): a kernel_param of that name takes it (a dotted one would be dropped below anyway)
    if (t.params.has(norm(param))) continue;
    if (rules.sysctlAliases.includes(param)) continue;
    // repair_env_string(): the word as it stood, quotes around the value dropped
    const line = val === null ? param : `${param}=${val}`;
    if (rules.bootloaderIds && (line.startsWith('BOOT_IMAGE=') || line.startsWith('kexec'))) continue;
    const setup = takenBySetup(line, t);
    if (setup.taken) {
      if (setup.initClears) argv.length = 1;
      continue;
    }
    if (param.includes('.')) continue;
    if (panicLater) continue;
    if (val !== null) {
      let i = 0;
      for (; i < envp.length; i++) {
        if (i === INIT_ENV_ARG_LIMIT && !panicLater) panicLater = { kind: 'env', param };
        if (envp[i]!.startsWith(`${param}=`)) break;
      }
      envp[i] = line;
    } else {
      if (argv.length > INIT_ENV_ARG_LIMIT) panicLater = { kind: 'init', param };
      argv.push(param);
    }
  }
  const out: UnknownBootOptions = { argv: argv.slice(1), envp: envp.slice(2), panicLater, requests: [] };
  if (!rules.print || panicLater || (out.argv.length === 0 && out.envp.length === 0)) return out;
  const words = [...out.argv, ...out.envp];
  const len = 1 + words.reduce((n, w) => n + 1 + byteLength(w), 0);
  const why = `print_unknown_bootoptions(): ${words.length} unknown parameter(s), ${len} bytes with their spaces and the NUL`;
  out.requests = [
    { kind: 'alloc', site: rules.site, size: BigInt(len), align: 64n, why },
    { kind: 'free-tail', site: rules.freeSite, size: BigInt(len), align: 64n, of: 0, offset: 0n, why: 'print_unknown_bootoptions(): freed once printed' },
  ];
  out.printk = {
    fmt: 'Unknown kernel command line parameters "%s", will be passed to user space.\n',
    args: [words.join(' ')],
    level: 'notice',
    kind: 'other',
  };
  return out;
}
