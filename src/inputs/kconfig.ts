// Parses a kernel .config (/boot/config-*) and extracts the options that shape the arm64 physical memory layout.
import { fail, ok, type InputError, type Result } from './errors.ts';

export type KconfigValue = 'y' | 'm' | 'n' | { str: string } | { num: bigint };

export interface KernelConfig {
  readonly values: ReadonlyMap<string, KconfigValue>;
}

const ASSIGN = /^CONFIG_([A-Za-z0-9_]+)=(.*)$/;
const NOT_SET = /^# CONFIG_([A-Za-z0-9_]+) is not set$/;

function parseValue(raw: string): KconfigValue | undefined {
  if (raw === 'y' || raw === 'm' || raw === 'n') return raw;
  // Kconfig int values may be signed decimals; hex values have no sign. No real option needs more than 20 digits.
  if (raw.length <= 24 && /^(0x[0-9a-fA-F]+|-?[0-9]+)$/.test(raw)) return { num: BigInt(raw) };
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    const body = raw.slice(1, -1);
    // Kconfig escapes '"' and '\' with a backslash.
    if (/(^|[^\\])(\\\\)*"/.test(body)) return undefined;
    return { str: body.replace(/\\(.)/g, '$1') };
  }
  return undefined;
}

/** Parses .config text: `CONFIG_X=y|m|n|"str"|number`, `# CONFIG_X is not set`, comments and blank lines. */
export function parseKconfig(text: string, file: string): Result<KernelConfig> {
  const values = new Map<string, KconfigValue>();
  let offset = 0;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.replace(/\r$/, '');
    const here = offset;
    offset += lines[n]!.length + 1;
    const t = line.trim();
    if (t === '') continue;
    const ns = NOT_SET.exec(t);
    if (ns) {
      values.set(ns[1]!, 'n');
      continue;
    }
    if (t.startsWith('#')) continue;
    const m = ASSIGN.exec(t);
    const v = m ? parseValue(m[2]!) : undefined;
    if (!m || v === undefined) {
      const e: InputError = {
        kind: 'kconfig', code: m ? 'KCONFIG_BAD_VALUE' : 'KCONFIG_BAD_LINE', file, offset: here, field: `line ${n + 1}`,
        expected: m ? 'y, m, n, a number or a quoted string' : 'CONFIG_NAME=value, "# CONFIG_NAME is not set", a comment or a blank line',
        found: JSON.stringify(t.length > 60 ? `${t.slice(0, 60)}…` : t),
      };
      return fail(e);
    }
    values.set(m[1]!, v);
  }
  return ok({ values });
}

/** The layout-relevant options, typed. Absent options are their Kconfig "off" (false / undefined). */
export interface KernelConfigFacts {
  pageSize: 4096 | 16384 | 65536;
  vaBits: number;
  paBits: number;
  pgtableLevels: number;
  zoneDma: boolean;
  zoneDma32: boolean;
  zoneDevice: boolean;
  cma: boolean;
  dmaCma: boolean;
  cmaSizeMbytes?: number;
  cmaSizePercentage?: number;
  cmaSizeSel?: 'mbytes' | 'percentage' | 'min' | 'max';
  cmaAreas?: number;
  numa: boolean;
  nodesShift?: number;
  nrCpus: number;
  sparsememVmemmap: boolean;
  rodataFullDefaultEnabled: boolean;
  strictKernelRwx: boolean;
  kfence: boolean;
  kfenceSampleInterval?: number;
  kfenceNumObjects?: number;
  debugPagealloc: boolean;
  debugPageallocEnableDefault: boolean;
  kexec: boolean;
  kexecFile: boolean;
  crashDump: boolean;
  /** CONFIG_CRASH_RESERVE (6.12+); 5.10/6.1 have no such option (the parse is under KEXEC_CORE). */
  crashReserve: boolean;
  dmaBounceUnalignedKmalloc: boolean;
  swiotlbDynamic: boolean;
  deferredStructPageInit: boolean;
  /** ARCH_FORCE_MAX_ORDER (6.1+) or FORCE_MAX_ZONEORDER (5.10), as written in the config. */
  maxOrder?: number;
  /** Which of the two names carried maxOrder (their meaning differs by one: MAX_ORDER vs MAX_PAGE_ORDER). */
  maxOrderOption?: 'ARCH_FORCE_MAX_ORDER' | 'FORCE_MAX_ZONEORDER';
  randomizeBase: boolean;
  cmdline: string;
  cmdlineForce: boolean;
  cmdlineExtend: boolean;
  arm64Lpa2: boolean;
  memtest: boolean;
  kasanHwTags: boolean;
  kvm: boolean;
  numaEmu: boolean;
}

/** Reads the layout-relevant options; an option missing from the file reads as "not set". */
export function kernelConfigFacts(cfg: KernelConfig, file = 'config'): Result<KernelConfigFacts> {
  const get = (k: string): KconfigValue | undefined => cfg.values.get(k);
  const on = (k: string): boolean => get(k) === 'y' || get(k) === 'm';
  const num = (k: string): number | undefined => {
    const v = get(k);
    return typeof v === 'object' && 'num' in v ? Number(v.num) : undefined;
  };
  const str = (k: string): string => {
    const v = get(k);
    return typeof v === 'object' && 'str' in v ? v.str : '';
  };
  const pageSize = on('ARM64_64K_PAGES') ? 65536 : on('ARM64_16K_PAGES') ? 16384 : on('ARM64_4K_PAGES') ? 4096 : undefined;
  const missing = (field: string): Result<never> =>
    fail({ kind: 'kconfig', code: 'KCONFIG_MISSING', file, field, expected: `${field} set (is this an arm64 config?)` });
  if (pageSize === undefined) return missing('ARM64_4K_PAGES/16K/64K');
  const vaBits = num('ARM64_VA_BITS');
  if (vaBits === undefined) return missing('ARM64_VA_BITS');
  const paBits = num('ARM64_PA_BITS');
  if (paBits === undefined) return missing('ARM64_PA_BITS');
  const pgtableLevels = num('PGTABLE_LEVELS');
  if (pgtableLevels === undefined) return missing('PGTABLE_LEVELS');
  const nrCpus = num('NR_CPUS');
  if (nrCpus === undefined) return missing('NR_CPUS');
  const maxOrderOption = num('ARCH_FORCE_MAX_ORDER') !== undefined ? 'ARCH_FORCE_MAX_ORDER' : num('FORCE_MAX_ZONEORDER') !== undefined ? 'FORCE_MAX_ZONEORDER' : undefined;
  const sel = on('CMA_SIZE_SEL_MBYTES') ? 'mbytes' : on('CMA_SIZE_SEL_PERCENTAGE') ? 'percentage' : on('CMA_SIZE_SEL_MIN') ? 'min' : on('CMA_SIZE_SEL_MAX') ? 'max' : undefined;
  const facts: KernelConfigFacts = {
    pageSize, vaBits, paBits, pgtableLevels, nrCpus,
    zoneDma: on('ZONE_DMA'), zoneDma32: on('ZONE_DMA32'), zoneDevice: on('ZONE_DEVICE'),
    cma: on('CMA'), dmaCma: on('DMA_CMA'),
    numa: on('NUMA'),
    sparsememVmemmap: on('SPARSEMEM_VMEMMAP'),
    rodataFullDefaultEnabled: on('RODATA_FULL_DEFAULT_ENABLED'),
    strictKernelRwx: on('STRICT_KERNEL_RWX'),
    kfence: on('KFENCE'),
    debugPagealloc: on('DEBUG_PAGEALLOC'),
    debugPageallocEnableDefault: on('DEBUG_PAGEALLOC_ENABLE_DEFAULT'),
    kexec: on('KEXEC'), kexecFile: on('KEXEC_FILE'), crashDump: on('CRASH_DUMP'), crashReserve: on('CRASH_RESERVE'),
    dmaBounceUnalignedKmalloc: on('DMA_BOUNCE_UNALIGNED_KMALLOC'),
    swiotlbDynamic: on('SWIOTLB_DYNAMIC'),
    deferredStructPageInit: on('DEFERRED_STRUCT_PAGE_INIT'),
    randomizeBase: on('RANDOMIZE_BASE'),
    cmdline: str('CMDLINE'), cmdlineForce: on('CMDLINE_FORCE'), cmdlineExtend: on('CMDLINE_EXTEND'),
    arm64Lpa2: on('ARM64_LPA2'),
    memtest: on('MEMTEST'),
    kasanHwTags: on('KASAN_HW_TAGS'),
    kvm: on('KVM'),
    numaEmu: on('NUMA_EMU'),
  };
  const optional: [keyof KernelConfigFacts, number | undefined][] = [
    ['cmaSizeMbytes', num('CMA_SIZE_MBYTES')], ['cmaSizePercentage', num('CMA_SIZE_PERCENTAGE')], ['cmaAreas', num('CMA_AREAS')],
    ['nodesShift', num('NODES_SHIFT')], ['kfenceSampleInterval', num('KFENCE_SAMPLE_INTERVAL')], ['kfenceNumObjects', num('KFENCE_NUM_OBJECTS')],
    ['maxOrder', maxOrderOption ? num(maxOrderOption) : undefined],
  ];
  for (const [k, v] of optional) if (v !== undefined) (facts as unknown as Record<string, unknown>)[k] = v;
  if (sel) facts.cmaSizeSel = sel;
  if (maxOrderOption) facts.maxOrderOption = maxOrderOption;
  return ok(facts);
}
