// The command-line words the kernel does not take (src/model/unknown-bootoptions.ts) as a finding: a misspelt
// crashkernel= silently reserves nothing, and the kernel only says so in one line that goes to init's arguments.
import { EARLY_SIZES } from '../kernels/behaviors/early-sizes.ts';
import type { Prediction } from '../kernels/boot.ts';
import type { Finding } from './lint.ts';

/** Levenshtein distance, stopping early once it exceeds `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, row[j]!);
    }
    if (best > max) return max + 1;
    prev = row;
  }
  return prev[b.length]!;
}

/** The kernel's parameter closest to a word's name (at most 2 edits, names of 4+ letters), if any. */
function nearest(name: string, known: readonly string[]): string | undefined {
  if (name.length < 4) return undefined;
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const d = distance(name, k, 2);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}

/** The words the boot handed to init (Prediction.initWords, from src/model/unknown-bootoptions.ts) as a finding. */
export function unknownWordsFinding(p: Prediction): Finding | undefined {
  const tables = p.profile.image.bootParams;
  const u = p.initWords;
  if (!tables || !u) return undefined;
  const rules = EARLY_SIZES[p.profile.generation].unknownOptions;
  const words = [...u.argv, ...u.envp];
  if (!words.length) return undefined;
  const known = [...new Set([...tables.setup.map((s) => s.str.replace(/=$/, '')), ...tables.params.filter((n) => !n.includes('.'))])];
  const hints = words.flatMap((w) => {
    const name = w.split('=')[0]!;
    const k = nearest(name, known);
    return k ? [`${w}: did you mean ${k}?`] : [];
  });
  const printed = rules.print ? `the kernel prints "Unknown kernel command line parameters" and` : 'this kernel';
  return {
    level: hints.length ? 'warn' : 'info',
    code: 'UNKNOWN_PARAMS',
    message: `${words.length} command-line word(s) are no parameter of this kernel: ${printed} hands them to init`,
    evidence: [...words.map((w) => `${u.argv.includes(w) ? 'argument' : 'environment'}: ${w}`), ...hints],
  };
}
