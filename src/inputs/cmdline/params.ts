// Models parse_early_param(): next_arg()/parse_args() (lib/cmdline.c, kernel/params.c), do_early_param() (init/main.c) and the memory-relevant early_param handlers.
import type { LineKind, Printk, PrintkLevel } from '../../trace/events.ts';
import { at, cString, getOption, isSpace, kstrtobool, kstrtouint, memparse, simpleStrtoull, isDigit } from './memparse.ts';
import type { EarlyParamsVariant, RodataState } from './variants.ts';

const U64 = (1n << 64n) - 1n;
const PAGE_MASK_4K = ~0xfffn & U64;

/** One `param[=val]` as next_arg() returns it; `offset` is where the token starts in the command line. */
export interface CmdlineArg {
  param: string;
  val: string | null;
  offset: number;
}

/** Models next_arg() (lib/cmdline.c): quotes group spaces, the first '=' after position 0 splits, quotes are stripped. */
export function nextArg(s: string, start: number): CmdlineArg & { next: number } {
  let a = start;
  let inQuote = false;
  let quoted = false;
  if (at(s, a) === '"') {
    a++;
    inQuote = quoted = true;
  }
  let i = 0;
  let equals = 0;
  for (; a + i < s.length; i++) {
    const c = s[a + i]!;
    if (isSpace(c) && !inQuote) break;
    if (equals === 0 && c === '=') equals = i;
    if (c === '"') inQuote = !inQuote;
  }
  // The kernel writes NULs into the buffer; model them as cut points.
  let tokenEnd = a + i;
  let param: string;
  let val: string | null = null;
  const lastIsQuote = i > 0 && s[a + i - 1] === '"';
  if (!equals) {
    if (quoted && lastIsQuote) tokenEnd--;
    param = s.slice(a, tokenEnd);
  } else {
    param = s.slice(a, a + equals);
    let vs = a + equals + 1;
    if (at(s, vs) === '"') {
      vs++;
      if (lastIsQuote) tokenEnd--;
    } else if (quoted && lastIsQuote) tokenEnd--;
    val = s.slice(vs, Math.max(vs, tokenEnd));
  }
  let next = a + i < s.length ? a + i + 1 : a + i;
  while (next < s.length && isSpace(s[next]!)) next++;
  return { param, val, offset: start, next };
}

/** Models parse_args()' walk: leading spaces skipped, stops at a bare `--` (the rest goes to init). */
export function splitCmdline(cmdline: string): { args: CmdlineArg[]; afterDashes: string | null } {
  const s = cString(cmdline);
  const args: CmdlineArg[] = [];
  let i = 0;
  while (i < s.length && isSpace(s[i]!)) i++;
  while (i < s.length) {
    const a = nextArg(s, i);
    if (a.val === null && a.param === '--') return { args, afterDashes: s.slice(a.next) };
    args.push({ param: a.param, val: a.val, offset: a.offset });
    i = a.next;
  }
  return { args, afterDashes: null };
}

/** Models parameq() (kernel/params.c): dashes and underscores are the same in names. */
export function parameq(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] === '-' ? '_' : a[i];
    const y = b[i] === '-' ? '_' : b[i];
    if (x !== y) return false;
  }
  return true;
}

/** swiotlb= state: default_nslabs (5.10 io_tlb_nslabs), default_nareas, and the force flags. */
export interface SwiotlbParams {
  nslabs: bigint;
  /** true once swiotlb= set a size (swiotlb_adjust_size() then keeps it). */
  nslabsFromCmdline: boolean;
  /** default_nareas; 0 = not given (6.1+ computes it from the CPUs later). */
  nareas: number;
  /** 5.10 SWIOTLB_FORCE / 6.1+ swiotlb_force_bounce. */
  force: boolean;
  /** 5.10 SWIOTLB_NO_FORCE / 6.1+ swiotlb_force_disable. */
  noforce: boolean;
}

/** The values the early handlers store, as the kernel's variables hold them. */
export interface EarlyParams {
  /** memory_limit, or null when mem= was not given (PHYS_ADDR_MAX). */
  memoryLimit: bigint | null;
  /** size_cmdline / base_cmdline / limit_cmdline (kernel/dma/contiguous.c); null when cma= was not given. */
  cma: { size: bigint; base: bigint; limit: bigint } | null;
  swiotlb: SwiotlbParams;
  numaOff: boolean;
  /** numa=fake=… (6.12+, only with NUMA_EMU): the text, not interpreted here. */
  numaFake: string | null;
  rodata: RodataState;
  /** kfence_early_init (arch/arm64/mm/mmu.c, 6.1+). */
  kfenceEarlyInit: boolean;
  memblockDebug: boolean;
  /** _debug_pagealloc_enabled_early. */
  debugPagealloc: boolean;
  nrCpuIds: number;
  setupMaxCpus: number;
  /** kvm-arm.mode as stored: 'default' | 'none' | 'protected' | 'nested'. */
  kvmMode: string;
  /** memtest_pattern, null when memtest was not given. */
  memtestPattern: number | null;
  kasan: 'default' | 'on' | 'off';
  /** KASLR disabled from the command line. */
  nokaslr: boolean;
  /** A handler the kernel would crash in (NULL dereference), with the param. */
  fatal: string | null;
}

/** Defaults that come from the kernel config and the machine. */
export interface EarlyParamContext {
  /** CONFIG_NR_CPUS: initial nr_cpu_ids and setup_max_cpus. */
  nrCpus: number;
  /** rodata default: enabled (STRICT_KERNEL_RWX), full = RODATA_FULL_DEFAULT_ENABLED. */
  rodata: RodataState;
  /** !!CONFIG_KFENCE_SAMPLE_INTERVAL. */
  kfenceEarlyInit: boolean;
  /** CONFIG_DEBUG_PAGEALLOC_ENABLE_DEFAULT. */
  debugPagealloc: boolean;
  /** Kconfig gating: is this early_param built in (NUMA, KFENCE, MEMTEST, KASAN_HW_TAGS, DMA_CMA, KVM …)? Default: all. */
  registered?: (name: string) => boolean;
  /** is_hyp_mode_available() / is_kernel_in_hyp_mode() for kvm-arm.mode (QEMU TCG without virtualization: false/false). */
  hypModeAvailable?: boolean;
  kernelInHypMode?: boolean;
}

function pk(fmt: string, level: PrintkLevel, kind: LineKind, ...args: (bigint | number | string)[]): Printk {
  return { fmt, args, level, kind };
}

function isPowerOf2(n: bigint): boolean {
  return n !== 0n && (n & (n - 1n)) === 0n;
}
function roundupPow2(n: bigint): bigint {
  let p = 1n;
  while (p < n) p <<= 1n;
  return p;
}

/** Models setup_io_tlb_npages() (kernel/dma/swiotlb.c) and, 6.1+, swiotlb_adjust_nareas()/round_up_default_nslabs(). */
export function setupIoTlbNpages(str: string, prev: SwiotlbParams, v: EarlyParamsVariant, out: Printk[]): SwiotlbParams {
  const st = { ...prev };
  let i = 0;
  if (isDigit(at(str, 0))) {
    const n = simpleStrtoull(str, 0, 0);
    st.nslabs = (n.value + 127n) & ~127n & U64;
    st.nslabsFromCmdline = true;
    i = n.end;
  }
  if (at(str, i) === ',') i++;
  if (v.swiotlb.syntax === 'nslabs-areas-force') {
    if (isDigit(at(str, i))) {
      const n = simpleStrtoull(str, i, 0);
      i = n.end;
      let nareas = Number(n.value & 0xffffffffn);
      if (!nareas) nareas = 1;
      else if (!isPowerOf2(BigInt(nareas))) nareas = Number(roundupPow2(BigInt(nareas)) & 0xffffffffn);
      st.nareas = nareas;
      out.push(pk(v.swiotlb.areaNum.fmt, v.swiotlb.areaNum.level, 'swiotlb', nareas));
      // round_up_default_nslabs()
      if (st.nareas) {
        const min = 128n * BigInt(st.nareas);
        let changed = true;
        if (st.nslabs < min) st.nslabs = min;
        else if (isPowerOf2(st.nslabs)) changed = false;
        if (changed) {
          st.nslabs = roundupPow2(st.nslabs);
          out.push(pk(v.swiotlb.roundup.fmt, v.swiotlb.roundup.level, 'swiotlb', ((st.nslabs << 11n) & U64) >> 20n));
        }
      }
    }
    if (at(str, i) === ',') i++;
  }
  const rest = str.slice(i);
  if (rest === 'force') st.force = true;
  else if (rest === 'noforce') {
    st.noforce = true;
    if (v.swiotlb.syntax === 'nslabs-force') {
      st.nslabs = 1n;
      st.force = false;
    }
  }
  if (v.swiotlb.syntax === 'nslabs-force' && rest === 'force') st.noforce = false;
  return st;
}

const MALFORMED = "Malformed early option '%s'\n";

/** Models parse_early_param() over `cmdline`: every early_param handler in command-line order; returns what they store and print. */
export function parseEarlyParams(cmdline: string, ctx: EarlyParamContext, v: EarlyParamsVariant): { params: EarlyParams; printk: Printk[] } {
  const out: Printk[] = [];
  const p: EarlyParams = {
    memoryLimit: null,
    cma: null,
    swiotlb: { nslabs: v.swiotlb.initialNslabs, nslabsFromCmdline: false, nareas: 0, force: false, noforce: false },
    numaOff: false,
    numaFake: null,
    rodata: ctx.rodata,
    kfenceEarlyInit: ctx.kfenceEarlyInit,
    memblockDebug: false,
    debugPagealloc: ctx.debugPagealloc,
    nrCpuIds: ctx.nrCpus,
    setupMaxCpus: ctx.nrCpus,
    kvmMode: 'default',
    memtestPattern: null,
    kasan: 'default',
    nokaslr: nokaslrFromCmdline(cmdline, v),
    fatal: null,
  };
  const registered = (name: string): boolean => v.names.includes(name) && (ctx.registered?.(name) ?? true);
  for (const { param, val } of splitCmdline(cmdline).args) {
    const name = v.names.find((n) => parameq(param, n));
    if (name === undefined || !registered(name) || p.fatal) continue;
    const ret = runHandler(name, val, p, ctx, v, out);
    if (ret !== 0) out.push(pk(MALFORMED, 'warn', 'other', param));
  }
  return { params: p, printk: out };
}

function runHandler(name: string, val: string | null, p: EarlyParams, ctx: EarlyParamContext, v: EarlyParamsVariant, out: Printk[]): number {
  switch (name) {
    case 'mem': {
      // early_mem() (arch/arm64/mm/init.c)
      if (val === null) return 1;
      p.memoryLimit = memparse(val, 0, v.memparse).value & PAGE_MASK_4K;
      out.push(pk('Memory limited to %lldMB\n', 'notice', 'mem-limit', BigInt.asIntN(64, p.memoryLimit >> 20n)));
      return 0;
    }
    case 'cma': {
      // early_cma() (kernel/dma/contiguous.c)
      if (val === null) {
        out.push(pk('cma: Config string not provided\n', 'err', 'cma'));
        return -22;
      }
      const size = memparse(val, 0, v.memparse);
      const c = { size: size.value, base: p.cma?.base ?? 0n, limit: p.cma?.limit ?? 0n };
      p.cma = c;
      if (at(val, size.end) !== '@') return 0;
      const base = memparse(val, size.end + 1, v.memparse);
      c.base = base.value;
      if (at(val, base.end) !== '-') {
        c.limit = (c.base + c.size) & U64;
        return 0;
      }
      c.limit = memparse(val, base.end + 1, v.memparse).value;
      return 0;
    }
    case 'swiotlb':
      if (val === null) {
        p.fatal = 'swiotlb: setup_io_tlb_npages(NULL) dereferences NULL';
        return 0;
      }
      p.swiotlb = setupIoTlbNpages(val, p.swiotlb, v, out);
      return 0;
    case 'numa':
      // numa_parse_early_param() (arch/arm64/mm/numa.c 5.10, drivers/base/arch_numa.c 6.1+)
      if (val === null) return -22;
      if (val.startsWith('off')) p.numaOff = true;
      if (v.numaFake && val.startsWith('fake=')) p.numaFake = val.slice(5);
      return 0;
    case 'rodata': {
      if (val === null && v.rodata.nullIsFatal) {
        p.fatal = 'rodata: parse_rodata(NULL) passes NULL to strcmp()';
        return 0;
      }
      const r = v.rodata.parse(val, p.rodata);
      p.rodata = r.state;
      if (r.warn) out.push(pk(r.warn.fmt, 'warn', 'other', ...r.warn.args));
      return r.ret;
    }
    case 'kfence.sample_interval': {
      // parse_kfence_early_init() (arch/arm64/mm/mmu.c, 6.1+)
      const g = getOption(val ?? '', 0);
      if (g.ret) p.kfenceEarlyInit = g.value !== 0;
      return 0;
    }
    case 'memblock':
      if (val !== null && val.includes('debug')) p.memblockDebug = true;
      return 0;
    case 'debug_pagealloc': {
      const b = kstrtobool(val, v.kstrtoboolTrueFalse);
      if (b === undefined) return -22;
      p.debugPagealloc = b;
      return 0;
    }
    case 'nr_cpus': {
      const g = getOption(val ?? '', 0);
      if (g.ret && g.value > 0 && g.value < p.nrCpuIds) p.nrCpuIds = g.value;
      return 0;
    }
    case 'maxcpus': {
      // get_option() stores the (possibly 0) value whenever the string is non-empty.
      if (val !== null && val !== '') p.setupMaxCpus = getOption(val, 0).value >>> 0;
      return 0;
    }
    case 'kvm-arm.mode': {
      // early_kvm_mode_cfg() (arch/arm64/kvm/arm.c)
      if (val === null) return -22;
      if (val === 'none') return ((p.kvmMode = 'none'), 0);
      if (!ctx.hypModeAvailable) {
        out.push(pk('KVM is not available. Ignoring kvm-arm.mode\n', 'warn', 'other'));
        return 0;
      }
      if (val === 'protected') {
        if (!ctx.kernelInHypMode) p.kvmMode = 'protected';
        else out.push(pk('Protected KVM not available with VHE\n', 'warn', 'other'));
        return 0;
      }
      if (val === 'nvhe' && !ctx.kernelInHypMode) return ((p.kvmMode = 'default'), 0);
      if (val === 'nested' && v.kvmModes.includes('nested') && ctx.kernelInHypMode) return ((p.kvmMode = 'nested'), 0);
      return -22;
    }
    case 'memtest': {
      if (val === null) return ((p.memtestPattern = 16), 0);
      const r = kstrtouint(val, 0);
      if (!r.ok) return r.errno === 'ERANGE' ? -34 : -22;
      p.memtestPattern = r.value;
      return 0;
    }
    case 'kasan':
      if (val === 'off' || val === 'on') return ((p.kasan = val), 0);
      return -22;
    default:
      return 0;
  }
}

/** Whether `nokaslr` disables KASLR: 5.10/6.1 check only the first strstr() hit; 6.12+ match whole tokens (pi/idreg-override.c). */
export function nokaslrFromCmdline(cmdline: string, v: EarlyParamsVariant): boolean {
  const s = cString(cmdline);
  if (v.nokaslr === 'strstr') {
    const i = s.indexOf('nokaslr');
    return i === 0 || (i > 0 && s[i - 1] === ' ');
  }
  let value = 0;
  const apply = (tok: string): void => {
    const m = /^arm64_sw\.nokaslr=(?:0[xX])?([0-9a-fA-F])$/.exec(tok);
    if (m) value = parseInt(m[1]!, 16);
  };
  let i = 0;
  for (;;) {
    while (i < s.length && isSpace(s[i]!)) i++;
    if (s[i] === '-' && s[i + 1] === '-' && isSpace(at(s, i + 2))) break;
    let len = 0;
    while (i + len < s.length && !isSpace(s[i + len]!) && len < 255) len++;
    if (!len) break;
    const tok = s.slice(i, i + len).replaceAll('-', '_');
    i += len;
    apply(tok);
    if (tok === 'nokaslr') apply('arm64_sw.nokaslr=1');
  }
  return value !== 0;
}
