// arm64_memblock_init()'s linear-map randomisation (arch/arm64/mm/init.c, CONFIG_RANDOMIZE_BASE): memstart_addr
// moves down by whole ARM64_MEMSTART_ALIGN steps chosen by 16 bits of the KASLR seed. Virtual only — but the
// linear map's and the vmemmap's page tables sit at those virtual addresses, so a table page can be shared or not.
//   5.10: memstart_offset_seed = seed >> 48; range = linear_region_size - (end - start of DRAM)
//   6.1–6.12: memstart_offset_seed = seed & U16_MAX; range = linear_region_size - BIT(PARange bits)
//   7.2: removed.

export interface KaslrLinearVariant {
  seedBits: 'high16' | 'low16';
  range: 'dram-span' | 'parange';
}

export interface KaslrLinearInput {
  /** /chosen/kaslr-seed as the kernel read it (0 or absent: KASLR off unless RNDR, which the model cannot know). */
  seed?: bigint;
  nokaslr: boolean;
  linearRegionSize: bigint;
  dramSpan: bigint;
  /** The CPU's ID_AA64MMFR0_EL1.PARange in bits; unknown: no randomisation is modelled. */
  paRangeBits?: number;
  align: bigint;
}

/** How far memstart_addr moves down (0 when KASLR is off or leaves the linear map where it is). */
export function linearKaslrOffset(v: KaslrLinearVariant | undefined, i: KaslrLinearInput): bigint {
  if (!v || i.nokaslr || !i.seed) return 0n;
  const seed16 = v.seedBits === 'high16' ? (i.seed >> 48n) & 0xffffn : i.seed & 0xffffn;
  if (seed16 === 0n) return 0n;
  let range: bigint;
  if (v.range === 'dram-span') range = i.linearRegionSize - i.dramSpan;
  else if (i.paRangeBits === undefined) return 0n;
  else range = i.linearRegionSize - (1n << BigInt(i.paRangeBits));
  if (range < i.align) return 0n;
  return i.align * (((range / i.align) * seed16) >> 16n);
}

/**
 * How far KASLR moves the kernel image (virtually) from KIMAGE_VADDR: 5.10 kaslr_early_init() (kaslr.c) and 6.1
 * pi/kaslr_early.c + head.S compute the same BIT(VA_BITS_MIN - 3) + (seed & GENMASK(VA_BITS_MIN - 3, 0)),
 * rounded down to 2 MiB (5.10 masks the low bits first, 6.1's head.S `bic x0, x0, #SZ_2M - 1` after).
 * 0 with nokaslr or no seed (a CPU with RNDR would still draw one: QEMU's cortex-a* have none). Where map_kernel()
 * takes its page tables from memblock (5.10, 6.1), an image whose randomised range crosses a 1 GiB boundary
 * costs one more table page.
 */
export function imageKaslrOffset(i: { seed?: bigint; nokaslr: boolean; randomizeBase: boolean; vaBitsMin: number }): bigint {
  if (!i.randomizeBase || i.nokaslr || !i.seed) return 0n;
  const top = BigInt(i.vaBitsMin - 3);
  return ((1n << top) + (i.seed & ((1n << (top + 1n)) - 1n))) & ~((1n << 21n) - 1n);
}

/** QEMU's CPU models as the kernel sees their PARange (target/arm/cpu64.c ID_AA64MMFR0 values). */
export const QEMU_CPU_PA_BITS: Readonly<Record<string, number>> = { 'cortex-a53': 40, 'cortex-a57': 44, 'cortex-a72': 44, max: 52 };
