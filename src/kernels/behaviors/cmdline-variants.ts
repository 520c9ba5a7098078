// The command-line parser variants of the four Debian kernel generations; each row cites the kernel file it comes from.
import type {
  CmdlineVariant, CrashkernelParseVariant, EarlyParamsVariant, MemparseVariant, PrintkFormat, RodataState, RodataVariant,
} from '../../inputs/cmdline/variants.ts';

export type CmdlineGeneration = '5.10' | '6.1' | '6.12' | '7.2';

const w = (fmt: string): PrintkFormat => ({ fmt, level: 'warn' });
const i = (fmt: string): PrintkFormat => ({ fmt, level: 'info' });

/** lib/cmdline.c memparse(): 5.10–6.12 consume a bare suffix and wrap; 7.2 needs digits and saturates ([QEMU] 6.12 and 7.2, see variants.ts). */
const memparseWrap: MemparseVariant = { suffixNeedsDigits: false, overflow: 'wrap' };
const memparseSaturate: MemparseVariant = { suffixNeedsDigits: true, overflow: 'saturate' };

const crashMsgs = (rangeSize: string, afterAt: string): CrashkernelParseVariant['msg'] => ({
  memoryValueExpected: w('crashkernel: memory value expected\n'),
  rangeMemoryValueExpected: w('crashkernel: Memory value expected\n'),
  rangeSizeValueExpected: w(rangeSize),
  dashExpected: w("crashkernel: '-' expected\n"),
  colonExpected: w("crashkernel: ':' expected\n"),
  endLeStart: w('crashkernel: end <= start\n'),
  invalidSize: w('crashkernel: invalid size\n'),
  valueExpectedAfterAt: w(afterAt),
  zeroBytes: i('crashkernel size resulted in zero bytes\n'),
  unrecognizedChar: w('crashkernel: unrecognized char: %c\n'),
});

const SZ_128M = 128n << 20n;

/** 5.10: kernel/crash_core.c (not found = -EINVAL, no rounding), arch/arm64/mm/init.c reserve_crashkernel() plain only. */
const crash510: CrashkernelParseVariant = {
  memparse: memparseWrap, knownSuffixes: [',high', ',low'], notFoundRet: -22, rangeTotalMemRoundup: 1n,
  wrapper: 'plain', defaultLowSize: 0n,
  msg: crashMsgs('Memory value expected\n', "Memory value expected after '@'\n"),
};
/** 6.1: kernel/crash_core.c (-ENOENT, roundup(system_ram, SZ_128M)), arch/arm64/mm/init.c `,high` + optional `,low` without a default. */
const crash61: CrashkernelParseVariant = {
  ...crash510, notFoundRet: -2, rangeTotalMemRoundup: SZ_128M, wrapper: 'high-low-nodefault',
};
/** 6.12: kernel/crash_reserve.c parse_crashkernel(); include/linux/crash_reserve.h DEFAULT_CRASH_KERNEL_LOW_SIZE; the "crahskernel" typo. */
const crash612: CrashkernelParseVariant = {
  ...crash61, wrapper: 'generic', defaultLowSize: SZ_128M,
  msg: crashMsgs('crashkernel: Memory value expected\n', "crahskernel: Memory value expected after '@'\n"),
};
/** 7.2: kernel/crash_reserve.c knows `,cma` (skipped by the plain search; arm64 passes cma_size = NULL); typo fixed. */
const crash72: CrashkernelParseVariant = {
  ...crash612, memparse: memparseSaturate, knownSuffixes: [',high', ',low', ',cma'],
  msg: crashMsgs('crashkernel: Memory value expected\n', "crashkernel: Memory value expected after '@'\n"),
};

const RODATA_INVALID = "Invalid option string for rodata: '%s'\n";
const str = (v: string | null): string => (v === null ? '(null)' : v);

/** 5.10 arch/arm64/mm/mmu.c parse_rodata(): strtobool, plus "full"; refusal returns -EINVAL ("Malformed early option"). */
const rodata510: RodataVariant = {
  nullIsFatal: true,
  parse: (val, prev) => {
    const c0 = val?.[0] ?? '';
    const c1 = val?.[1] ?? '';
    let b: boolean | undefined;
    if ('yY1'.includes(c0) && c0) b = true;
    else if ('nN0'.includes(c0) && c0) b = false;
    else if ((c0 === 'o' || c0 === 'O') && (c1 === 'n' || c1 === 'N')) b = true;
    else if ((c0 === 'o' || c0 === 'O') && (c1 === 'f' || c1 === 'F')) b = false;
    if (b !== undefined) return { state: { enabled: b, full: false }, ret: 0 };
    if (val === 'full') return { state: { enabled: true, full: true }, ret: 0 };
    return { state: prev, ret: -22 };
  },
};

/** init/main.c set_debug_rodata() around arch_parse_debug_rodata() (arch/arm64/include/asm/setup.h); always returns 0. */
function rodataArch(table: Record<string, RodataState>): RodataVariant {
  return {
    nullIsFatal: false,
    parse: (val, prev) => {
      if (val !== null && Object.hasOwn(table, val)) return { state: table[val]!, ret: 0 };
      if (val === 'on') return { state: { ...prev, enabled: true }, ret: 0 };
      if (val === 'off') return { state: { ...prev, enabled: false }, ret: 0 };
      return { state: prev, ret: 0, warn: { fmt: RODATA_INVALID, args: [str(val)] } };
    },
  };
}
/** 6.1/6.12: full | off | on (on = not full). */
const rodata61 = rodataArch({ full: { enabled: true, full: true }, off: { enabled: false, full: false }, on: { enabled: true, full: false } });
/** 7.2: on (= full) | off | noalias; "full" is no longer known and warns. */
const rodata72 = rodataArch({ on: { enabled: true, full: true }, off: { enabled: false, full: false }, noalias: { enabled: true, full: false } });

const swiotlbMsgs = { areaNum: i('software IO TLB: area num %d.\n'), roundup: i('software IO TLB: SWIOTLB bounce buffer size roundup to %luMB') };

/** 5.10 early_param() names: arch/arm64/mm/{init,mmu,numa}.c, mm/{memblock,page_alloc,memtest}.c, kernel/{smp.c,dma/contiguous.c,dma/swiotlb.c}. */
const names510 = ['mem', 'cma', 'swiotlb', 'numa', 'rodata', 'memblock', 'debug_pagealloc', 'nr_cpus', 'maxcpus', 'memtest'];
/** 6.1+ add kfence.sample_interval (arch/arm64/mm/mmu.c), kasan (mm/kasan/hw_tags.c), kvm-arm.mode (arch/arm64/kvm/arm.c). */
const names61 = [...names510, 'kfence.sample_interval', 'kasan', 'kvm-arm.mode'];
/** 6.12+ add nokaslr (arch/arm64/kernel/kaslr.c, a no-op handler; detection is in pi/idreg-override.c). */
const names612 = [...names61, 'nokaslr'];

const early510: EarlyParamsVariant = {
  memparse: memparseWrap,
  swiotlb: { syntax: 'nslabs-force', initialNslabs: 0n, ...swiotlbMsgs },
  rodata: rodata510,
  kstrtoboolTrueFalse: false,
  nokaslr: 'strstr', // arch/arm64/kernel/kaslr.c kaslr_early_init()
  names: names510,
  kvmModes: [],
  numaFake: false,
};
const early61: EarlyParamsVariant = {
  ...early510,
  swiotlb: { syntax: 'nslabs-areas-force', initialNslabs: (64n << 20n) >> 11n, ...swiotlbMsgs },
  rodata: rodata61,
  kstrtoboolTrueFalse: true,
  nokaslr: 'strstr', // arch/arm64/kernel/pi/kaslr_early.c cmdline_contains_nokaslr()
  names: names61,
  kvmModes: ['none', 'protected', 'nvhe'],
};
const early612: EarlyParamsVariant = {
  ...early61, nokaslr: 'idreg-token', names: names612, kvmModes: ['none', 'protected', 'nvhe', 'nested'], numaFake: true,
};
const early72: EarlyParamsVariant = { ...early612, memparse: memparseSaturate, rodata: rodata72 };

export const cmdlineVariants: Record<CmdlineGeneration, CmdlineVariant> = {
  '5.10': { memparse: memparseWrap, crashkernel: crash510, early: early510 },
  '6.1': { memparse: memparseWrap, crashkernel: crash61, early: early61 },
  '6.12': { memparse: memparseWrap, crashkernel: crash612, early: early612 },
  '7.2': { memparse: memparseSaturate, crashkernel: crash72, early: early72 },
};
