// Models the arm64 translation-table geometry (arch/arm64/include/asm/pgtable-hwdef.h, asm/pgtable.h,
// arch/arm64/Kconfig ARM64_CONT_{PTE,PMD}_SHIFT), 5.10–7.2: level shifts, folding, block and contiguous sizes.

export type Granule = 4096 | 16384 | 65536;
/** Names of the table levels below the (static) pgd that early_pgtable_alloc can be asked for. */
export type TableLevel = 'p4d' | 'pud' | 'pmd' | 'pte';

export interface Geometry {
  readonly pageSize: Granule;
  readonly pageShift: number;
  /** vabits_actual: the VA size the MMU runs with (52 only with LPA2/LVA hardware). */
  readonly vaBits: number;
  /** ARM64_HW_PGTABLE_LEVELS(vaBits): levels actually walked; the others are folded. */
  readonly levels: number;
  /** Entry shift of each walked level, top (pgd) first; the last is PAGE_SHIFT. */
  readonly entryShifts: readonly number[];
  /** Level name of each walked level, top first ('pgd' then the unfolded ones). */
  readonly levelNames: readonly ('pgd' | TableLevel)[];
  readonly pmdShift: number;
  readonly pudShift: number;
  /** log2 of a contiguous-PTE run (CONT_PTE_SHIFT): 64 KiB (4K), 2 MiB (16K, 64K). */
  readonly contPteShift: number;
  /** log2 of a contiguous-PMD run (CONT_PMD_SHIFT): 32 MiB (4K), 1 GiB (16K), 16 GiB (64K). */
  readonly contPmdShift: number;
  /** PUD (1 GiB) blocks: 4K granule only (use_1G_block / pud_sect_supported). */
  readonly pudBlocks: boolean;
}

const CONT_SHIFTS: Record<Granule, { pte: number; pmd: number }> = {
  // arch/arm64/Kconfig: ARM64_CONT_PTE_SHIFT 4/7/5, ARM64_CONT_PMD_SHIFT 4/5/5 for 4K/16K/64K.
  4096: { pte: 4, pmd: 4 },
  16384: { pte: 7, pmd: 5 },
  65536: { pte: 5, pmd: 5 },
};

/** Models ARM64_HW_PGTABLE_LEVELS() and ARM64_HW_PGTABLE_LEVEL_SHIFT() (asm/pgtable-hwdef.h). */
export function geometry(pageSize: Granule, vaBits: number): Geometry {
  const pageShift = Math.log2(pageSize);
  const bits = pageShift - 3;
  const levels = Math.floor((vaBits - 4) / bits);
  const levelShift = (n: number): number => bits * (4 - n) + 3;
  const entryShifts: number[] = [];
  for (let i = 0; i < levels; i++) entryShifts.push(pageShift + bits * (levels - 1 - i));
  const all: TableLevel[] = ['p4d', 'pud', 'pmd', 'pte'];
  const levelNames: ('pgd' | TableLevel)[] = ['pgd', ...all.slice(all.length - (levels - 1))];
  const c = CONT_SHIFTS[pageSize];
  return {
    pageSize,
    pageShift,
    vaBits,
    levels,
    entryShifts,
    levelNames,
    pmdShift: levelShift(2),
    pudShift: levelShift(1),
    contPteShift: pageShift + c.pte,
    contPmdShift: levelShift(2) + c.pmd,
    pudBlocks: pageSize === 4096,
  };
}

/** PAGE_OFFSET for vabits_actual: the linear map starts at -(1 << vaBits) (asm/memory.h _PAGE_OFFSET). */
export function pageOffset(vaBits: number): bigint {
  return (1n << 64n) - (1n << BigInt(vaBits));
}

/** A block may be written at a level whose entries are PMD-sized, or PUD-sized on 4K. */
export function blockAllowedAt(g: Geometry, entryShift: number): boolean {
  return entryShift === g.pmdShift || (g.pudBlocks && entryShift === g.pudShift);
}
