// How each generation turns the firmware DMA limits into arm64_dma_phys_limit and the zone pfn limits
// (arch/arm64/mm/init.c zone_sizes_init()/max_zone_phys(); 7.2 dma_limits_init()/arch_zone_limits_init()).
import type { Generation } from '../generation.ts';

export interface DmaLimitInput {
  /** of_dma_get_max_cpu_address(NULL): highest CPU address every dma-ranges reaches (inclusive). */
  ofMax: bigint;
  /** acpi_iort_dma_get_max_cpu_address() (inclusive). */
  acpiMax: bigint;
  dramStart: bigint;
  dramEnd: bigint;
  zoneDma: boolean;
  zoneDma32: boolean;
  physMaskShift: number;
}

export interface DmaLimits {
  /** arm64_dma_phys_limit (exclusive end of ZONE_DMA; CRASH_ADDR_LOW_MAX). */
  dmaPhysLimit: bigint;
  dma32PhysLimit: bigint;
  /** max_zone_pfns[ZONE_DMA] as a physical address (exclusive). */
  zoneDmaEnd: bigint;
  why: string;
}

const U32_MAX = 0xffffffffn;
const PHYS_ADDR_MAX = (1n << 64n) - 1n;
const dmaBitMask = (n: bigint): bigint => (n >= 64n ? PHYS_ADDR_MAX : (1n << n) - 1n);
const fls64 = (x: bigint): bigint => (x === 0n ? 0n : BigInt(x.toString(2).length));
const min = (...v: bigint[]): bigint => v.reduce((a, b) => (b < a ? b : a));
const hex = (v: bigint) => '0x' + v.toString(16);

/** 5.10 and 6.1: zone_dma_bits = min3(32, fls64(of), fls64(acpi)); max_zone_phys() with its special cases. */
function bitsBased(i: DmaLimitInput): DmaLimits {
  const maxZonePhys = (bits: bigint): bigint => {
    let mask = dmaBitMask(bits);
    if (i.dramStart > U32_MAX) mask = PHYS_ADDR_MAX;
    else if (i.dramStart > mask) mask = U32_MAX;
    return min(mask, i.dramEnd - 1n) + 1n;
  };
  const dma32 = i.zoneDma32 ? maxZonePhys(32n) : 1n << BigInt(i.physMaskShift);
  if (!i.zoneDma) return { dmaPhysLimit: dma32, dma32PhysLimit: dma32, zoneDmaEnd: dma32, why: 'no ZONE_DMA: the DMA32 limit' };
  const bits = min(32n, fls64(i.ofMax), fls64(i.acpiMax));
  const limit = maxZonePhys(bits);
  let why = `zone_dma_bits = min(32, fls64(${hex(i.ofMax)}), fls64(${hex(i.acpiMax)})) = ${bits}`;
  if (i.dramStart > U32_MAX) why += '; DRAM starts above 4 GiB, so ZONE_DMA spans all of it';
  else if (i.dramStart > dmaBitMask(bits)) why += `; DRAM starts above the ${bits}-bit window, so ZONE_DMA falls back to 4 GiB`;
  return { dmaPhysLimit: limit, dma32PhysLimit: dma32, zoneDmaEnd: limit, why: `${why} → arm64_dma_phys_limit ${hex(limit)}` };
}

/** 6.12 and 7.2: zone_dma_limit = min(of, acpi), clamped to 4 GiB when DRAM starts below it; no fallback. */
function limitBased(i: DmaLimitInput): DmaLimits {
  const maxZonePhys = (limit: bigint): bigint => min(limit, i.dramEnd - 1n) + 1n;
  const dma32 = i.zoneDma32 ? maxZonePhys(dmaBitMask(32n)) : 0n;
  let zoneDmaLimit = min(i.ofMax, i.acpiMax);
  let why = `zone_dma_limit = min(${hex(i.ofMax)}, ${hex(i.acpiMax)})`;
  if (i.dramStart < U32_MAX && zoneDmaLimit > U32_MAX) {
    zoneDmaLimit = U32_MAX;
    why += ', clamped to 4 GiB because DRAM starts below it';
  }
  let limit = i.zoneDma ? maxZonePhys(zoneDmaLimit) : 0n;
  if (!limit && i.zoneDma32) limit = dma32;
  if (!limit) limit = 1n << BigInt(i.physMaskShift);
  if (limit <= i.dramStart) why += ` → ${hex(limit)} lies at or below the start of RAM (${hex(i.dramStart)}): ZONE_DMA is empty`;
  return { dmaPhysLimit: limit, dma32PhysLimit: dma32 || limit, zoneDmaEnd: i.zoneDma ? maxZonePhys(zoneDmaLimit) : limit, why: `${why} → arm64_dma_phys_limit ${hex(limit)}` };
}

export const dmaLimitsByGeneration: Record<Generation, (i: DmaLimitInput) => DmaLimits> = {
  '5.10': bitsBased,
  '6.1': bitsBased,
  // "dma-mapping: replace zone_dma_bits by zone_dma_limit", "arm64: mm: Fix zone_dma_limit calculation"
  '6.12': limitBased,
  '7.2': limitBased,
};
