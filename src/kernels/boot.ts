// Runs a generation's boot steps, in its order, over a machine description, writing the boot trace.
import { parseCrashkernel } from '../inputs/cmdline/crashkernel.ts';
import { parseEarlyParams, type EarlyParams } from '../inputs/cmdline/params.ts';
import type { Fdt } from '../inputs/fdt/tree.ts';
import { arm64MemblockInit } from '../model/arm64-memblock-init.ts';
import { dmaContiguousReserve, type CmaResult } from '../model/cma.ts';
import type { ModelContext } from '../model/context.ts';
import { emit, hex } from '../model/context.ts';
import { reserveCrashkernel, type CrashResult } from '../model/crashkernel.ts';
import { earlyInitDtScan, setupMachineFdt } from '../model/fdt-scan.ts';
import type { ReservedMemResult } from '../model/reserved-mem/index.ts';
import { memblockEndOfDRAM, memblockPhysMemSize, memblockStartOfDRAM } from '../model/memblock/index.ts';
import { createMemblock, type Memblock, type MemblockSnapshot } from '../model/memblock/types.ts';
import { initMemblockRegions } from '../model/memblock/double-array.ts';
import { armNumaInit } from '../model/numa.ts';
import { ofDmaGetMaxCpuAddress } from '../model/of-address.ts';
import { swiotlbInit, swiotlbStateFrom, type SwiotlbResult } from '../model/swiotlb.ts';
import { buildAllZonelists, printZones, type ZoneSpan } from '../model/zones.ts';
import { memoryLine } from '../model/memory-summary.ts';
import { imageKaslrOffset, linearKaslrOffset } from '../model/kaslr.ts';
import { printUnavailableRanges } from '../model/unavailable-ranges.ts';
import { TraceRecorder } from '../trace/recorder.ts';
import type { BootTrace } from '../trace/events.ts';
import type { DmaLimits } from './behaviors/dma-limits.ts';
import { cmdlineVariants } from './behaviors/cmdline-variants.ts';
import type { EarlyAllocator, EarlyAllocInput } from './early-allocs.ts';
import { earlyAllocatorFor, nrKernelPagesAtZoneInit } from './early-allocator.ts';
import type { KernelProfile } from './profile.ts';
import type { EfiBootHooks } from './efi-boot.ts';

const PHYS_ADDR_MAX = (1n << 64n) - 1n;
const COMMAND_LINE_SIZE = 2048;

/** Everything about the machine and its boot loader that the kernel will see. */
export interface BootInput {
  fdt: Fdt;
  /** A UEFI (+ ACPI) boot: src/kernels/efi-boot.ts efiBootInput() builds it. */
  efi?: EfiBootHooks;
  /** Physical address the boot loader put the DTB at. */
  dtbAddr: bigint;
  /** Physical address of the Image (_text). */
  imageAddr: bigint;
  /** The command line; defaults to /chosen/bootargs. */
  cmdline?: string;
  /** CPU implements LPA2 (QEMU -cpu max): 52-bit VA/PA on kernels built for it. */
  lpa2?: boolean;
  /** The CPU's PARange in bits (KASLR's linear-map range on 6.1–6.12); unknown: no linear randomisation modelled. */
  paRangeBits?: number;
  /** The ACPI IORT's limit (inclusive); PHYS_ADDR_MAX on DT boots. */
  acpiDmaMax?: bigint;
}

export interface Prediction {
  profile: KernelProfile;
  trace: BootTrace;
  cmdline: string;
  dma?: DmaLimits;
  zones?: ZoneSpan[];
  cma?: CmaResult;
  crash?: CrashResult;
  swiotlb?: SwiotlbResult;
  final: MemblockSnapshot;
  /** memblock_free_all()'s figures (pages): what the page allocator starts with. */
  memory?: { physpages: bigint; totalram: bigint; freeNow: bigint; reserved: bigint; cmaPages: bigint; pageSize: bigint };
  /** The command-line words no kernel parameter takes, as init gets them (arguments, then `name=value` variables). */
  initWords?: { argv: string[]; envp: string[] };
  /** num_possible_cpus(): the DT's CPUs, capped by nr_cpus= (DT boots). */
  possibleCpus?: number;
}

interface BootState {
  ctx: ModelContext;
  mb: Memblock;
  input: BootInput;
  profile: KernelProfile;
  params: EarlyParams;
  cmdline: string;
  early: EarlyAllocator;
  allocInput: EarlyAllocInput;
  pred: Prediction;
  rmem?: ReservedMemResult;
}

export function predictBoot(input: BootInput, profile: KernelProfile): Prediction {
  const b = profile.behaviours;
  // The region arrays start at their static sizes (EFI and GICv3 ITS are on in every Debian arm64 config).
  const mb = createMemblock({
    pageSize: profile.config.pageSize, ...b.memblock,
    initRegions: initMemblockRegions({ efi: true, gicV3Its: true, nrCpus: profile.config.nrCpus, efiMemoryRegionsX8: b.memblock.efiMemoryRegionsX8 ?? false }),
  });
  const trace = new TraceRecorder(() => mb);
  const ctx: ModelContext = { mb, trace, msg: b.messages };
  mb.onDoubleArray = (e) => {
    if (e.range) trace.record('alloc', 'memblock_double_array', { range: e.range, why: `memblock.${e.type} is full: its array grows from ${e.from} to ${e.to} regions` });
    if (e.level === 'err') trace.print('memblock_double_array', { fmt: '%s\n', args: [e.line], level: 'err', kind: 'other' });
  };
  const pred: Prediction = { profile, trace, cmdline: '', final: { memory: mb.memory, reserved: mb.reserved } };
  const cv = cmdlineVariants[profile.generation];
  const pageSize = profile.config.pageSize;

  // setup_machine_fdt(): the blob is reserved and scanned before anything else.
  setupMachineFdt(ctx, input.dtbAddr, input.fdt.header.totalsize);
  const scan = earlyInitDtScan(ctx, { memoryNodesAnyDepth: b.memoryNodesAnyDepth, usableRangesInScan: b.usableRangesInFdtScan && !input.efi }, input.fdt, pageSize);
  // early_init_dt_scan_chosen() copies at most COMMAND_LINE_SIZE (2048 on arm64) bytes, NUL included.
  const cmdline = (input.cmdline ?? scan.chosen.bootargs ?? '').slice(0, COMMAND_LINE_SIZE - 1);
  pred.cmdline = cmdline;
  const { params, printk } = parseEarlyParams(cmdline, {
    nrCpus: profile.config.nrCpus,
    rodata: { enabled: true, full: profile.config.rodataFullDefault } as never,
    kfenceEarlyInit: profile.config.kfenceSampleInterval !== 0,
    debugPagealloc: profile.config.debugPagealloc,
  }, cv.early);
  const lpa2 = !!input.lpa2 && profile.config.vaBits === 52;
  const vaBits = lpa2 ? 52 : Math.min(profile.config.vaBits, 48);
  // smp_init_cpus(): CPUs beyond nr_cpu_ids (nr_cpus=, NR_CPUS) are never possible.
  const possibleCpus = Math.min(countCpus(input.fdt), params.nrCpuIds);
  pred.possibleCpus = possibleCpus;
  const st: BootState = {
    ctx, mb, input, profile, params, cmdline, early: earlyAllocatorFor(profile), pred,
    allocInput: {
      fdt: input.fdt, profile, possibleCpus, cmdline, vaBits, memstartAddr: 0n,
      forcePageGranularity: true,
      kernel: { base: input.imageAddr, size: profile.image.imageSize },
    },
  };

  for (const step of b.bootSteps) {
    switch (step) {
      case 'kaslrInit':
      case 'setupMachineFdt':
        break;
      case 'parseEarlyParams':
        for (const p of printk) trace.print('parse_early_param', p);
        break;
      case 'efiInit':
        if (input.efi) input.efi.efiInit(ctx, scan.chosen);
        else emit(ctx, 'efi_init', 'efiNotFound', []);
        break;
      case 'arm64MemblockInit': {
        const r = arm64MemblockInit(ctx, {
          physMaskShift: lpa2 ? 52 : 48,
          vabitsActual: vaBits,
          memstartAlign: b.memstartAlign,
          memoryLimit: params.memoryLimit ?? undefined,
          kernel: { text: input.imageAddr, end: input.imageAddr + profile.image.imageSize, reserveFrom: input.imageAddr + profile.image.reserveSkipsHeader },
          initrd: scan.chosen.initrd ? { start: scan.chosen.initrd.start, size: scan.chosen.initrd.end - scan.chosen.initrd.start } : undefined,
          pageSize,
          usableRangeHere: b.usableRangesInFdtScan ? undefined : scan.chosen.usableMemoryRange[0],
        });
        // KASLR moves the linear map (virtually) by whole GiB: the page tables of the linear map and the vmemmap follow.
        st.allocInput.memstartAddr = r.memstartAddr - linearKaslrOffset(b.kaslrLinear, {
          seed: scan.chosen.kaslrSeed, nokaslr: params.nokaslr, linearRegionSize: r.linearRegionSize,
          dramSpan: memblockEndOfDRAM(mb) - memblockStartOfDRAM(mb), paRangeBits: input.paRangeBits, align: b.memstartAlign,
        });
        st.allocInput.kimageOffset = imageKaslrOffset({ seed: scan.chosen.kaslrSeed, nokaslr: params.nokaslr, randomizeBase: profile.config.randomizeBase, vaBitsMin: Math.min(profile.config.vaBits, 48) });
        st.rmem = st.early.reservedMem(ctx, st.allocInput, params, { addrCells: scan.rootAddrCells, sizeCells: scan.rootSizeCells, elfcorehdr: scan.chosen.elfcorehdr });
        break;
      }
      case 'pagingInit':
        st.early.pagingInit(ctx, st.allocInput);
        // acpi_table_upgrade() runs right after paging_init() (arch/arm64/kernel/setup.c).
        input.efi?.afterPagingInit(ctx);
        break;
      case 'unflattenDeviceTree':
        // 6.12/7.2 unflatten_device_tree() first finishes /reserved-memory (fdt_scan_reserved_mem_reg_nodes / _late).
        // With ACPI, setup_arch() never calls unflatten_device_tree() (`if (acpi_disabled)`).
        if (input.efi?.acpi) break;
        st.rmem?.late?.(ctx);
        st.early.unflatten(ctx, st.allocInput);
        break;
      case 'numaInit':
        st.allocInput.nodeData = armNumaInit(ctx, b.numa, { acpi: !!input.efi?.acpi, numaOff: params.numaOff, maxPfn: memblockEndOfDRAM(mb) / pageSize, pageSize }).nodeData.base;
        break;
      case 'cpumaskAlloc':
        st.early.cpumask(ctx, st.allocInput);
        break;
      case 'sparseInit':
        st.early.sparse(ctx, st.allocInput);
        break;
      case 'zoneSizesInit':
        dmaLimitsInit(st);
        printZoneBlock(st);
        break;
      case 'dmaLimitsInit':
        dmaLimitsInit(st);
        break;
      case 'freeAreaInit':
        st.early.sparse(ctx, st.allocInput);
        printZoneBlock(st);
        break;
      case 'dmaContiguousReserve':
        pred.cma = dmaContiguousReserve(ctx, b.cma, {
          enabled: profile.config.cma, sizeSel: profile.config.cmaSizeSel, sizeMbytes: profile.config.cmaSizeMbytes, sizePercentage: profile.config.cmaSizePercentage,
        }, pred.dma!.dmaPhysLimit, params.cma ?? undefined, st.rmem?.defaultCmaArea !== undefined, pageSize);
        break;
      case 'reserveCrashkernel': {
        const req = parseCrashkernel(cmdline, memblockPhysMemSize(mb), cv.crashkernel);
        for (const p of req.printk) trace.print('parse_crashkernel', p);
        if (req.proceed && (req.size || b.crash.algorithm === 'generic')) {
          pred.crash = reserveCrashkernel(ctx, b.crash, req, {
            lowMax: pred.dma!.dmaPhysLimit,
            highMax: 1n << BigInt(lpa2 ? 52 : 48),
            pageSize,
          });
        }
        break;
      }
      case 'memInitPrintInfo':
        pred.memory = memorySummary(st, false);
        break;
      case 'buildAllZonelists':
        if (pred.zones) buildAllZonelists(ctx, b.zonelist, pred.zones, pageSize, 64n);
        break;
      case 'setupArchTail':
        st.early.setupArchTail(ctx, st.allocInput);
        break;
      case 'commandLineCopies':
        st.early.commandLineCopies(ctx, st.allocInput);
        break;
      case 'percpuFirstChunk':
        st.early.percpu(ctx, st.allocInput);
        break;
      case 'unknownBootOptions':
        pred.initWords = st.early.unknownBootOptions(ctx, st.allocInput);
        break;
      case 'hashTables':
        st.early.hashTables(ctx, st.allocInput);
        break;
      case 'swiotlbInit':
        pred.swiotlb = swiotlbInit(ctx, b.swiotlb, swiotlbStateFrom(params.swiotlb), params.swiotlb, {
          maxPfn: memblockEndOfDRAM(mb) / pageSize,
          dmaPhysLimit: pred.dma!.dmaPhysLimit,
          pageSize,
          possibleCpus,
        });
        break;
    }
  }
  // memblock_free_all(): what the page allocator gets. 6.12+ print `Memory:` only later; the figures are kept.
  if (!pred.memory) pred.memory = memorySummary(st, true);
  pred.final = { memory: mb.memory, reserved: mb.reserved };
  return pred;
}

function memorySummary(st: BootState, silent: boolean): Prediction['memory'] {
  const { profile, pred } = st;
  const sections = profile.image.sectionsK;
  if (!sections || !pred.zones) return undefined;
  const pageSize = profile.config.pageSize;
  const cmaPages = ((pred.cma?.ok ? pred.cma.size : 0n) + (st.rmem?.regions.filter((r) => r.kind === 'cma').reduce((a, r) => a + r.size, 0n) ?? 0n)) / pageSize;
  const m = memoryLine(st.ctx, {
    pageShift: BigInt(pageSize.toString(2).length - 1), pagesPerSection: profile.behaviours.pagesPerSection, deferredStructPageInit: profile.config.deferredStructPageInit,
    spans: pred.zones, cmaPages, sections, silent,
  });
  return { ...m, cmaPages, pageSize };
}

function dmaLimitsInit(st: BootState): void {
  const { mb, profile } = st;
  const ofMax = ofDmaGetMaxCpuAddress(st.input.fdt, profile.behaviours.ofBusRules);
  st.pred.dma = profile.behaviours.dmaLimits({
    ofMax,
    acpiMax: st.input.acpiDmaMax ?? PHYS_ADDR_MAX,
    dramStart: memblockStartOfDRAM(mb),
    dramEnd: memblockEndOfDRAM(mb),
    zoneDma: profile.config.zoneDma,
    zoneDma32: profile.config.zoneDma32,
    physMaskShift: 48,
  });
  st.ctx.trace.record('limit', 'zone_sizes_init', { why: st.pred.dma.why });
}

function printZoneBlock(st: BootState): void {
  const { mb, profile } = st;
  const pageShift = BigInt(profile.config.pageSize.toString(2).length - 1);
  const d = st.pred.dma!;
  const spans = printZones(st.ctx, 'free_area_init', {
    limits: { dma: d.zoneDmaEnd >> pageShift, dma32: d.dma32PhysLimit >> pageShift, normal: memblockEndOfDRAM(mb) >> pageShift },
    memory: mb.memory,
    pageShift,
    zoneDevice: profile.config.zoneDevice,
    debugZoneLines: profile.behaviours.debugZoneLines,
    structPageSize: 64n,
  });
  printUnavailableRanges(st.ctx, mb.memory, spans, pageShift, profile.behaviours.unavailable);
  st.pred.zones = spans;
  st.allocInput.nrKernelPages = nrKernelPagesAtZoneInit(st.ctx, profile, spans);
}

/** num_possible_cpus() on a DT boot: the /cpus/cpu@N nodes. */
function countCpus(fdt: Fdt): number {
  const cpus = fdt.root.children.find((c) => c.name === 'cpus');
  const n = cpus ? cpus.children.filter((c) => c.name === 'cpu' || c.name.startsWith('cpu@')).length : 1;
  return Math.max(1, n);
}

export { hex };
