// A component estimate of what the kdump (capture) kernel needs inside its crash region on arm64, with a margin.
// Every term is either a value of the kernel profile or the first kernel's prediction, a sourced rule, or an
// assumption that says so (the initrd sizes): the point is to show the arithmetic, not to hide it.
import type { Prediction } from '../kernels/boot.ts';
import { dmesgLines } from '../render/dmesg.ts';

const KiB = 1n << 10n;
const MiB = 1n << 20n;
const GiB = 1n << 30n;
const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;
const alignUp = (v: bigint, a: bigint) => ceilDiv(v, a) * a;

export interface EstimateInput {
  /** The first kernel's prediction: its profile, its RAM (makedumpfile's bitmaps), its per-CPU unit. */
  first: Prediction;
  /** The kdump initrd as kexec loads it. */
  initrdBytes: bigint;
  /** Its unpacked contents (rootfs) while both exist. */
  initrdUnpackedBytes: bigint;
  /** CPUs the dump kernel brings up (kdump-tools appends nr_cpus=1 on arm64). */
  cpus: number;
  /** Which of the inputs were defaults the user did not give. */
  assumed: { initrd: boolean; unpacked: boolean };
}

export interface Component {
  name: string;
  bytes: bigint;
  /** How the value was obtained: the profile, the model, a sourced rule, or an assumption. */
  basis: string;
}

export interface Estimate {
  components: Component[];
  subtotal: bigint;
  margin: { bytes: bigint; rule: string };
  /** subtotal + margin, rounded up to 16 MiB: the size `bootmap advise` recommends. */
  total: bigint;
}

/** struct page is 64 bytes on arm64 (4K pages, the Debian configs). */
const SIZEOF_STRUCT_PAGE = 64n;
/** arm64 THREAD_SIZE (16 KiB with 4K pages, no KASAN) for the task stack, and as much again for the IRQ stack. */
const STACKS_PER_CPU = 32n * KiB;
/** SUSE calibrate.cc ADD_RESERVE_PCT / ADD_RESERVE_KB: 30 % and 64 MiB on top of the calculation. */
const MARGIN_PCT = 30n;
const MARGIN_FIXED = 64n * MiB;
/** kdump-tools kdump-config crashkernel_estimate(): "the bare minimum to get Linux to function – empirically 32M". */
const BARE_MINIMUM = 32n * MiB;
/** SUSE calibrate.cc MAX_BITMAP_KB: makedumpfile's two bitmaps are capped at 32 MiB (cyclic mode). */
const MAX_BITMAPS = 32n * MiB;

/** The `u` (unit size) of the first kernel's `percpu: Embedded … u<bytes>` line: one CPU's per-CPU area. */
export function percpuUnitBytes(p: Prediction): bigint | undefined {
  for (const l of dmesgLines(p.trace)) {
    const m = /^percpu: Embedded .* u(\d+)/.exec(l.text);
    if (m) return BigInt(m[1]);
  }
  return undefined;
}

function ramOf(p: Prediction): bigint {
  return p.final.memory.reduce((a, r) => a + r.size, 0n);
}

/** The components for a crash region of `size` bytes (memmap and page tables grow with it). */
function components(i: EstimateInput, size: bigint): Component[] {
  const prof = i.first.profile;
  const page = prof.config.pageSize;
  const sectionBytes = prof.behaviours.pagesPerSection * page;
  // The dump kernel sees only its crash region (linux,usable-memory-range); sparse allocates the memmap of whole
  // sections, and a region may straddle one more section boundary than its size needs.
  const sections = ceilDiv(size, sectionBytes) + 1n;
  const memmap = sections * prof.behaviours.pagesPerSection * SIZEOF_STRUCT_PAGE;
  const unit = percpuUnitBytes(i.first);
  const perCpu = (unit ?? 0n) + STACKS_PER_CPU;
  // rodata=full (Debian's default) maps the linear map with pages: one PTE table per 2 MiB, one PMD table per 1 GiB.
  const pte = prof.config.rodataFullDefault ? ceilDiv(size, 2n * MiB) : 0n;
  const tables = (pte + ceilDiv(size, GiB) + 2n + ceilDiv(prof.image.imageSize, 2n * MiB)) * page;
  const ram = ramOf(i.first);
  // Two bitmaps of one bit per page of the dumped RAM.
  let bitmaps = 2n * ceilDiv(ram / page, 8n);
  if (bitmaps > MAX_BITMAPS) bitmaps = MAX_BITMAPS;
  // 6.12+ (DMA_BOUNCE_UNALIGNED_KMALLOC): a kmalloc bounce buffer of 1 MiB per GiB even when nothing needs
  // bouncing (arch/arm64/mm/init.c mem_init()); a region above the DMA limit needs the full 64 MiB, in low memory.
  const swiotlb = prof.config.dmaBounceUnalignedKmalloc ? alignUp(ceilDiv(size, 1024n), 256n * KiB) : 0n;
  return [
    { name: 'kernel image', bytes: prof.image.imageSize, basis: `${prof.name} Image header image_size (text, data and bss)` },
    { name: 'initrd (loaded)', bytes: i.initrdBytes, basis: i.assumed.initrd ? 'assumed 32 MiB: give --kdump-initrd-size (ls -l /var/lib/kdump/initrd.img)' : '--kdump-initrd-size' },
    { name: 'initrd (unpacked)', bytes: i.initrdUnpackedBytes, basis: i.assumed.unpacked ? 'assumed 3× the loaded initrd: give --kdump-initrd-unpacked' : '--kdump-initrd-unpacked' },
    { name: 'memmap', bytes: memmap, basis: `64 B per 4 KiB page of the region, whole ${sectionBytes / MiB} MiB sections (${sections}, one for a straddle)` },
    { name: 'per-CPU', bytes: perCpu * BigInt(i.cpus), basis: `${i.cpus} CPU(s) × (per-CPU unit ${unit === undefined ? 'unknown' : `${unit / KiB} KiB from the model`} + 32 KiB task and IRQ stacks)` },
    { name: 'page tables', bytes: tables, basis: prof.config.rodataFullDefault ? 'linear map of the region in 4 KiB pages (rodata=full) and the kernel image' : 'linear map of the region in blocks and the kernel image' },
    { name: 'swiotlb', bytes: swiotlb, basis: prof.config.dmaBounceUnalignedKmalloc ? 'kmalloc bounce buffer, 1 MiB per GiB of the region (region below the DMA limit)' : 'none while the region lies below the DMA limit' },
    { name: 'makedumpfile bitmaps', bytes: bitmaps, basis: `2 bits per page of the ${ram / MiB} MiB dumped (capped at 32 MiB, SUSE calibrate.cc)` },
    { name: 'kernel and user space at run time', bytes: BARE_MINIMUM, basis: 'kdump-tools\' empirical minimum "to get Linux to function" (kdump-config)' },
  ];
}

/** The estimate: components for the size it arrives at (a fixed point, since memmap and page tables grow with it). */
export function estimateKdumpNeeds(i: EstimateInput): Estimate {
  let size = 256n * MiB;
  let out: Estimate | undefined;
  for (let k = 0; k < 8; k++) {
    const comps = components(i, size);
    const subtotal = comps.reduce((a, c) => a + c.bytes, 0n);
    const margin = (subtotal * MARGIN_PCT) / 100n + MARGIN_FIXED;
    const total = alignUp(subtotal + margin, 16n * MiB);
    out = { components: comps, subtotal, margin: { bytes: margin, rule: '30 % + 64 MiB (SUSE calibrate.cc ADD_RESERVE_PCT, ADD_RESERVE_KB)' }, total };
    if (total === size) break;
    size = total;
  }
  return out!;
}
