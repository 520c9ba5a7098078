// Models crashkernel= parsing: get_last_crashkernel/__parse_crashkernel (kernel/crash_core.c 5.10–6.1, kernel/crash_reserve.c 6.12–7.2) and the arm64 callers' parse part.
import type { Printk } from '../../trace/events.ts';
import { at, cString, memparse } from './memparse.ts';
import type { CrashkernelParseVariant, PrintkFormat } from './variants.ts';

export const EINVAL = -22;
export const ENOENT = -2;
const ULLONG_MAX = (1n << 64n) - 1n;
const NAME = 'crashkernel=';

/** What the arm64 caller got from parsing, before any reservation. */
export interface CrashkernelRequest {
  /** crash_size as the kernel's variable holds it after parsing (not yet PAGE_ALIGNed). */
  size: bigint;
  /** crash_base; 0 means "no fixed base". */
  base: bigint;
  /** crash_low_size / low_size (6.1: 0 without `,low`; 6.12+: the default when `,high` has no `,low`). */
  lowSize: bigint;
  /** The `,high` path was taken (6.1: crash_max = CRASH_ADDR_HIGH_MAX; 6.12+: *high = true). */
  high: boolean;
  /** The return value of the last parse call the caller looked at (0, -EINVAL, -ENOENT). */
  ret: number;
  /** Whether the arm64 caller goes on to reserve (5.10/6.1: `!(ret || !crash_size)` on the path taken; 6.12+: `!ret`). */
  proceed: boolean;
  /** Which syntax the deciding token used. */
  syntax: 'none' | 'simple' | 'range' | 'suffix';
  /** printk records emitted while parsing, in order. */
  printk: Printk[];
}

function emit(out: Printk[], f: PrintkFormat, ...args: (bigint | number | string)[]): void {
  out.push({ fmt: f.fmt, args, level: f.level, kind: 'crashkernel' });
}

/** Models get_last_crashkernel(): plain strstr (so `foo.crashkernel=` counts), the last acceptable token wins. Returns its index or -1. */
export function getLastCrashkernel(cmdline: string, suffix: string | null, knownSuffixes: readonly string[]): number {
  let ck = -1;
  // The next space only moves forward as matches do: one pass, not one scan per match.
  let sp = -2;
  for (let p = cmdline.indexOf(NAME); p >= 0; p = cmdline.indexOf(NAME, p + 1)) {
    if (sp !== -1 && sp < p) sp = cmdline.indexOf(' ', p);
    const end = sp < 0 ? cmdline.length : sp;
    const endsWith = (suf: string): boolean => cmdline.slice(end - suf.length, end) === suf;
    if (suffix === null) {
      if (!knownSuffixes.some(endsWith)) ck = p;
    } else if (endsWith(suffix)) ck = p;
  }
  return ck;
}

interface Parse {
  ret: number;
  size: bigint;
  base: bigint;
  syntax: CrashkernelRequest['syntax'];
}

/** Models parse_crashkernel_mem(): `start-[end]:size[,start-[end]:size…][@offset]`. */
function parseCrashkernelMem(s: string, start: number, systemRam: bigint, v: CrashkernelParseVariant, out: Printk[]): Parse {
  const m = v.msg;
  const r = v.rangeTotalMemRoundup;
  const totalMem = ((systemRam + r - 1n) / r) * r;
  const res: Parse = { ret: 0, size: 0n, base: 0n, syntax: 'range' };
  const bad = (f: PrintkFormat): Parse => (emit(out, f), { ...res, ret: EINVAL });
  let cur = start;
  for (;;) {
    const st = memparse(s, cur, v.memparse);
    if (st.end === cur) return bad(m.rangeMemoryValueExpected);
    cur = st.end;
    if (at(s, cur) !== '-') return bad(m.dashExpected);
    cur++;
    let end = ULLONG_MAX;
    if (at(s, cur) !== ':') {
      const e = memparse(s, cur, v.memparse);
      if (e.end === cur) return bad(m.rangeMemoryValueExpected);
      cur = e.end;
      end = e.value;
      if (end <= st.value) return bad(m.endLeStart);
    }
    if (at(s, cur) !== ':') return bad(m.colonExpected);
    cur++;
    const sz = memparse(s, cur, v.memparse);
    if (sz.end === cur) return bad(m.rangeSizeValueExpected);
    cur = sz.end;
    if (sz.value >= totalMem) return bad(m.invalidSize);
    if (totalMem >= st.value && totalMem < end) {
      res.size = sz.value;
      break;
    }
    // `while (*cur++ == ',')`: the pointer moves on even when the loop ends.
    if (at(s, cur++) !== ',') break;
  }
  if (res.size > 0n) {
    while (cur < s.length && s[cur] !== ' ' && s[cur] !== '@') cur++;
    if (at(s, cur) === '@') {
      cur++;
      const b = memparse(s, cur, v.memparse);
      res.base = b.value;
      if (b.end === cur) return bad(m.valueExpectedAfterAt);
    }
  } else emit(out, m.zeroBytes);
  return res;
}

/** Models parse_crashkernel_simple(): `size[@offset]`; text after the offset is not checked. */
function parseCrashkernelSimple(s: string, start: number, v: CrashkernelParseVariant, out: Printk[]): Parse {
  const sz = memparse(s, start, v.memparse);
  const res: Parse = { ret: 0, size: sz.value, base: 0n, syntax: 'simple' };
  if (sz.end === start) {
    emit(out, v.msg.memoryValueExpected);
    return { ...res, ret: EINVAL };
  }
  const c = at(s, sz.end);
  if (c === '@') res.base = memparse(s, sz.end + 1, v.memparse).value;
  else if (c !== ' ' && c !== '') {
    emit(out, v.msg.unrecognizedChar, c);
    return { ...res, ret: EINVAL };
  }
  return res;
}

/** Models parse_crashkernel_suffix(): `size,high` / `size,low` (7.2 also `,cma`), nothing else after it. */
function parseCrashkernelSuffix(s: string, start: number, suffix: string, v: CrashkernelParseVariant, out: Printk[]): Parse {
  const sz = memparse(s, start, v.memparse);
  const res: Parse = { ret: 0, size: sz.value, base: 0n, syntax: 'suffix' };
  if (sz.end === start) {
    emit(out, v.msg.memoryValueExpected);
    return { ...res, ret: EINVAL };
  }
  let cur = sz.end;
  if (s.slice(cur, cur + suffix.length) !== suffix) {
    emit(out, v.msg.unrecognizedChar, at(s, cur));
    return { ...res, ret: EINVAL };
  }
  cur += suffix.length;
  if (at(s, cur) !== ' ' && at(s, cur) !== '') {
    emit(out, v.msg.unrecognizedChar, at(s, cur));
    return { ...res, ret: EINVAL };
  }
  return res;
}

/** Models __parse_crashkernel(): find the token, then pick the syntax (a ':' before the first space means the range form). */
export function parseCrashkernelToken(cmdline: string, systemRam: bigint, suffix: string | null, v: CrashkernelParseVariant, out: Printk[]): Parse {
  const s = cString(cmdline);
  const p = getLastCrashkernel(s, suffix, v.knownSuffixes);
  if (p < 0) return { ret: v.notFoundRet, size: 0n, base: 0n, syntax: 'none' };
  const start = p + NAME.length;
  if (suffix !== null) return parseCrashkernelSuffix(s, start, suffix, v, out);
  const colon = s.indexOf(':', start);
  const space = s.indexOf(' ', start);
  if (colon >= 0 && (space < 0 || colon < space)) return parseCrashkernelMem(s, start, systemRam, v, out);
  return parseCrashkernelSimple(s, start, v, out);
}

/**
 * Models the parse part of arm64 reserve_crashkernel() (5.10, 6.1: arch/arm64/mm/init.c) and parse_crashkernel() as
 * arch_reserve_crashkernel() calls it (6.12, 7.2: kernel/crash_reserve.c). `systemRam` is memblock_phys_mem_size().
 */
export function parseCrashkernel(cmdline: string, systemRam: bigint, v: CrashkernelParseVariant): CrashkernelRequest {
  const printk: Printk[] = [];
  const plain = parseCrashkernelToken(cmdline, systemRam, null, v, printk);
  const req: CrashkernelRequest = { size: plain.size, base: plain.base, lowSize: 0n, high: false, ret: plain.ret, proceed: false, syntax: plain.syntax, printk };

  if (v.wrapper === 'plain') {
    req.proceed = req.ret === 0 && req.size !== 0n;
    return req;
  }

  if (v.wrapper === 'high-low-nodefault') {
    if (plain.ret === ENOENT) {
      const hi = parseCrashkernelToken(cmdline, 0n, ',high', v, printk);
      Object.assign(req, { size: hi.size, base: hi.base, ret: hi.ret, syntax: hi.syntax });
      if (hi.ret !== 0 || hi.size === 0n) return req;
      const lo = parseCrashkernelToken(cmdline, 0n, ',low', v, printk);
      Object.assign(req, { lowSize: lo.size, base: lo.base, ret: lo.ret });
      if (lo.ret !== 0 && lo.ret !== ENOENT) return req;
      req.high = true;
      req.proceed = true;
      return req;
    }
    req.proceed = req.ret === 0 && req.size !== 0n;
    return req;
  }

  // 'generic': kernel/crash_reserve.c parse_crashkernel() with a non-NULL `high` (arm64 passes cma_size = NULL in 7.2).
  if (plain.ret === ENOENT) {
    const hi = parseCrashkernelToken(cmdline, 0n, ',high', v, printk);
    Object.assign(req, { size: hi.size, base: hi.base, syntax: hi.syntax });
    if (hi.ret !== 0 || hi.size === 0n) {
      req.ret = EINVAL;
      return req;
    }
    const lo = parseCrashkernelToken(cmdline, 0n, ',low', v, printk);
    Object.assign(req, { lowSize: lo.size, base: lo.base, ret: lo.ret });
    if (lo.ret === ENOENT) {
      req.lowSize = v.defaultLowSize;
      req.ret = 0;
    } else if (lo.ret !== 0) return req;
    req.high = true;
  }
  if (req.size === 0n) req.ret = EINVAL;
  if (req.size >= systemRam) req.ret = EINVAL;
  req.proceed = req.ret === 0;
  return req;
}
