// Models the kernel's number parsers: simple_strtoull, memparse, kstrtoull, get_option, kstrtobool (lib/vsprintf.c, lib/cmdline.c, lib/kstrtox.c).
import type { MemparseVariant } from './variants.ts';

const U64 = (1n << 64n) - 1n;

/** The char at i, or '' past the end (the kernel's NUL). */
export const at = (s: string, i: number): string => (i < s.length ? s[i]! : '');

/** Models isspace() of lib/ctype.c (Latin-1: 0xa0 is a space too). */
export function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r' || c === '\u00a0';
}

export function isDigit(c: string): boolean {
  return c >= '0' && c <= '9' && c.length === 1;
}

function isXdigit(c: string): boolean {
  return c.length === 1 && /[0-9a-fA-F]/.test(c);
}

/** The result of a parser that, like the kernel's, reports where it stopped (`char **endp`). */
export interface Parsed<T> {
  value: T;
  /** Index in the string where parsing stopped. */
  end: number;
}

/** Models _parse_integer_fixup_radix() + _parse_integer_limit(): digits in `base`, wrapping mod 2^64; rv = digit count. */
function parseInteger(s: string, i: number, base: number): { value: bigint; digits: number; overflow: boolean } {
  let res = 0n;
  let digits = 0;
  let overflow = false;
  const b = BigInt(base);
  for (;;) {
    const c = at(s, i);
    let val: number;
    if (c >= '0' && c <= '9' && c !== '') val = c.charCodeAt(0) - 48;
    else if (c !== '' && c.toLowerCase() >= 'a' && c.toLowerCase() <= 'f' && c.length === 1) val = c.toLowerCase().charCodeAt(0) - 87;
    else break;
    if (val >= base) break;
    const next = res * b + BigInt(val);
    if (next > U64) overflow = true;
    res = next & U64;
    digits++;
    i++;
  }
  return { value: res, digits, overflow };
}

function fixupRadix(s: string, i: number, base: number): { i: number; base: number } {
  if (base === 0) {
    if (at(s, i) === '0') base = at(s, i + 1).toLowerCase() === 'x' && isXdigit(at(s, i + 2)) ? 16 : 8;
    else base = 10;
  }
  if (base === 16 && at(s, i) === '0' && at(s, i + 1).toLowerCase() === 'x') i += 2;
  return { i, base };
}

/** Models simple_strtoull() (lib/vsprintf.c), 5.10–7.2: never fails; stops at the first invalid char; wraps. */
export function simpleStrtoull(s: string, start: number, base = 0): Parsed<bigint> & { overflow: boolean } {
  const fx = fixupRadix(s, start, base);
  const r = parseInteger(s, fx.i, fx.base);
  return { value: r.value, end: fx.i + r.digits, overflow: r.overflow };
}

const SHIFTS: Record<string, bigint> = { k: 10n, m: 20n, g: 30n, t: 40n, p: 50n, e: 60n };

/** Models memparse() (lib/cmdline.c): a number with an optional K/M/G/T/P/E suffix; `end` is the kernel's *retptr. */
export function memparse(s: string, start: number, v: MemparseVariant): Parsed<bigint> {
  const n = simpleStrtoull(s, start, 0);
  const saturate = v.overflow === 'saturate';
  const value = n.overflow && saturate ? U64 : n.value;
  const c = at(s, n.end);
  const shift = c === '' ? undefined : SHIFTS[c.toLowerCase()];
  if (shift === undefined || (v.suffixNeedsDigits && n.end === start)) return { value, end: n.end };
  const shifted = value << shift;
  return { value: shifted > U64 ? (saturate ? U64 : shifted & U64) : shifted, end: n.end + 1 };
}

/** Models kstrtoull() (lib/kstrtox.c): whole string, optional '+', one trailing '\n'; errno on failure. */
export function kstrtoull(s: string, base = 0): { ok: true; value: bigint } | { ok: false; errno: 'EINVAL' | 'ERANGE' } {
  let i = 0;
  if (at(s, 0) === '+') i = 1;
  const fx = fixupRadix(s, i, base);
  const r = parseInteger(s, fx.i, fx.base);
  if (r.overflow) return { ok: false, errno: 'ERANGE' };
  if (r.digits === 0) return { ok: false, errno: 'EINVAL' };
  let j = fx.i + r.digits;
  if (at(s, j) === '\n') j++;
  if (j !== s.length) return { ok: false, errno: 'EINVAL' };
  return { ok: true, value: r.value };
}

/** Models kstrtouint(): kstrtoull plus a range check to u32. */
export function kstrtouint(s: string, base = 0): { ok: true; value: number } | { ok: false; errno: 'EINVAL' | 'ERANGE' } {
  const r = kstrtoull(s, base);
  if (!r.ok) return r;
  if (r.value > 0xffffffffn) return { ok: false, errno: 'ERANGE' };
  return { ok: true, value: Number(r.value) };
}

/** Models get_option() (lib/cmdline.c): an int (truncated from u64), optional leading '-'; ret 0 none, 1 int, 2 int+',', 3 '-' range. */
export function getOption(s: string, start: number): { ret: 0 | 1 | 2 | 3; value: number; end: number } {
  if (start >= s.length) return { ret: 0, value: 0, end: start };
  let cur = start;
  let neg = false;
  if (at(s, cur) === '-') {
    neg = true;
    cur++;
  }
  const n = simpleStrtoull(s, cur, 0);
  const value = Number(BigInt.asIntN(32, neg ? -n.value : n.value));
  if (n.end === cur) return { ret: 0, value, end: n.end };
  if (at(s, n.end) === ',') return { ret: 2, value, end: n.end + 1 };
  if (at(s, n.end) === '-') return { ret: 3, value, end: n.end };
  return { ret: 1, value, end: n.end };
}

/** Models kstrtobool() (lib/kstrtox.c; 5.10 also strtobool in lib/string.c): looks at the first one or two chars only. */
export function kstrtobool(s: string | null, trueFalse: boolean): boolean | undefined {
  if (s === null) return undefined;
  const c0 = at(s, 0);
  if ('yY1'.includes(c0) && c0 !== '') return true;
  if ('nN0'.includes(c0) && c0 !== '') return false;
  if (trueFalse && c0 !== '' && 'tT'.includes(c0)) return true;
  if (trueFalse && c0 !== '' && 'fF'.includes(c0)) return false;
  if (c0 === 'o' || c0 === 'O') {
    const c1 = at(s, 1);
    if (c1 === 'n' || c1 === 'N') return true;
    if (c1 === 'f' || c1 === 'F') return false;
  }
  return undefined;
}

/** The string up to the kernel's terminating NUL. */
export function cString(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}
