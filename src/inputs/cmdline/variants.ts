// The per-generation knobs of the command-line parsers: data and tiny functions, supplied by the kernel profile (STYLE §5).
import type { PrintkLevel } from '../../trace/events.ts';

/** memparse() (lib/cmdline.c): how a suffix after no digits and a shift overflow behave. */
export interface MemparseVariant {
  /** false: `"M"` consumes the suffix and yields 0 (≤6.12); true: the suffix is consumed only after digits (7.2). */
  readonly suffixNeedsDigits: boolean;
  /**
   * What a value past 2^64 does, from too many digits or from the suffix shift: wrap mod 2^64 (≤6.12) or saturate to
   * ULLONG_MAX (7.2). [QEMU] 6.12 `mem=17179869186G` → "Memory limited to 2048MB"; 7.2 `mem=17179869184G` and
   * `mem=18446744073709551617` → "Memory limited to 17592186044415MB".
   */
  readonly overflow: 'wrap' | 'saturate';
}

/** A printk the parser emits: format string verbatim (prefix included) and level. */
export interface PrintkFormat {
  readonly fmt: string;
  readonly level: PrintkLevel;
}

/** crashkernel= parsing: kernel/crash_core.c (5.10, 6.1) or kernel/crash_reserve.c (6.12, 7.2), and the arm64 caller. */
export interface CrashkernelParseVariant {
  readonly memparse: MemparseVariant;
  /** Suffixes get_last_crashkernel() skips for the plain form (`suffix_tbl`). */
  readonly knownSuffixes: readonly string[];
  /** __parse_crashkernel() return when no token is found: -EINVAL (5.10) or -ENOENT (6.1+). */
  readonly notFoundRet: number;
  /** parse_crashkernel_mem(): total_mem = roundup(system_ram, this); 1n means no rounding (5.10). */
  readonly rangeTotalMemRoundup: bigint;
  /** The arm64 wrapper: 'plain' (5.10), 'high-low-nodefault' (6.1 reserve_crashkernel), 'generic' (6.12+ parse_crashkernel). */
  readonly wrapper: 'plain' | 'high-low-nodefault' | 'generic';
  /** DEFAULT_CRASH_KERNEL_LOW_SIZE when `,high` has no `,low` ('generic' wrapper only). */
  readonly defaultLowSize: bigint;
  /** The messages of this generation. */
  readonly msg: {
    readonly memoryValueExpected: PrintkFormat; // "crashkernel: memory value expected\n" (simple, suffix)
    readonly rangeMemoryValueExpected: PrintkFormat; // start/end of a range entry
    readonly rangeSizeValueExpected: PrintkFormat; // size of a range entry ("Memory value expected\n" in 5.10/6.1)
    readonly dashExpected: PrintkFormat;
    readonly colonExpected: PrintkFormat;
    readonly endLeStart: PrintkFormat;
    readonly invalidSize: PrintkFormat;
    readonly valueExpectedAfterAt: PrintkFormat;
    readonly zeroBytes: PrintkFormat;
    readonly unrecognizedChar: PrintkFormat; // "%c"
  };
}

/** swiotlb= (setup_io_tlb_npages, kernel/dma/swiotlb.c). */
export interface SwiotlbParamVariant {
  /** '5.10': `<nslabs>[,force|noforce]`, noforce sets nslabs 1; 'areas': `<nslabs>[,<nareas>][,force|noforce]`, noforce disables. */
  readonly syntax: 'nslabs-force' | 'nslabs-areas-force';
  /** default_nslabs before any swiotlb= (5.10: io_tlb_nslabs starts 0; 6.1+: IO_TLB_DEFAULT_SIZE >> IO_TLB_SHIFT). */
  readonly initialNslabs: bigint;
  readonly areaNum: PrintkFormat;
  readonly roundup: PrintkFormat;
}

/** rodata= as the early handler stores it: `{ enabled, full }`, or null when the value is refused. */
export interface RodataState {
  readonly enabled: boolean;
  readonly full: boolean;
}

export interface RodataVariant {
  /** The early handler: returns the new state, whether it returned non-zero (→ "Malformed early option"), and a warning if any. */
  readonly parse: (val: string | null, prev: RodataState) => { state: RodataState; ret: number; warn?: { fmt: string; args: string[] } };
  /** `rodata` without a value crashes the handler (5.10 parse_rodata() passes NULL to strcmp()). */
  readonly nullIsFatal: boolean;
}

/** The early parameters this generation's arm64 kernel registers (before config gating). */
export interface EarlyParamsVariant {
  readonly memparse: MemparseVariant;
  readonly swiotlb: SwiotlbParamVariant;
  readonly rodata: RodataVariant;
  /** kstrtobool() accepts 't'/'T'/'f'/'F' (lib/kstrtox.c). */
  readonly kstrtoboolTrueFalse: boolean;
  /** How `nokaslr` is detected: 'strstr' (first occurrence, at start or after a space) or 'idreg-token' (pi/idreg-override.c). */
  readonly nokaslr: 'strstr' | 'idreg-token';
  /** Parameter names registered with early_param() in this generation (arm64 build, before Kconfig gating). */
  readonly names: readonly string[];
  /** kvm-arm.mode values accepted beyond none/protected/nvhe. */
  readonly kvmModes: readonly string[];
  /** numa= also takes `fake=…` (6.12+). */
  readonly numaFake: boolean;
}

export interface CmdlineVariant {
  readonly memparse: MemparseVariant;
  readonly crashkernel: CrashkernelParseVariant;
  readonly early: EarlyParamsVariant;
}
