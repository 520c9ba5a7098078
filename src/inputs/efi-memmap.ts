// Parses the EFI memory map as the kernel prints it with `efi=debug` (drivers/firmware/efi/efi-init.c reserve_regions():
// "  0x%012llx-0x%012llx %s" with efi_md_typeattr_format(), drivers/firmware/efi/efi.c), from a boot log or dmesg.
// Other lines are ignored; the `efi:` header lines (MemMap Address/Size, config tables) are read when present.
import { fail, ok, type InputError, type Result } from './errors.ts';

/** EFI memory types (UEFI 2.10 §7.2, the kernel's memory_type_name[]). */
export const EFI_TYPE_NAMES = [
  'Reserved', 'Loader Code', 'Loader Data', 'Boot Code', 'Boot Data', 'Runtime Code', 'Runtime Data', 'Conventional',
  'Unusable', 'ACPI Reclaim', 'ACPI Mem NVS', 'MMIO', 'MMIO Port', 'PAL Code', 'Persistent', 'Unaccepted',
] as const;
export const EFI_LOADER_CODE = 1;
export const EFI_LOADER_DATA = 2;
export const EFI_BOOT_SERVICES_CODE = 3;
export const EFI_BOOT_SERVICES_DATA = 4;
export const EFI_CONVENTIONAL_MEMORY = 7;
export const EFI_ACPI_RECLAIM_MEMORY = 9;
export const EFI_PERSISTENT_MEMORY = 14;

/** Attribute bits (include/linux/efi.h) by the token efi_md_typeattr_format() prints for each. */
export const EFI_ATTR_TOKENS: Readonly<Record<string, bigint>> = {
  UC: 0x1n, WC: 0x2n, WT: 0x4n, WB: 0x8n, UCE: 0x10n, WP: 0x1000n, RP: 0x2000n, XP: 0x4000n, NV: 0x8000n,
  MR: 0x10000n, RO: 0x20000n, SP: 0x40000n, CC: 0x80000n, HP: 0x100000n, RUN: 1n << 63n,
};
export const EFI_MEMORY_UC = 0x1n;
export const EFI_MEMORY_WC = 0x2n;
export const EFI_MEMORY_WT = 0x4n;
export const EFI_MEMORY_WB = 0x8n;
export const EFI_MEMORY_SP = 0x40000n;
export const EFI_PAGE_SIZE = 0x1000n;

export interface EfiMemoryDescriptor {
  type: number;
  /** Start of the range. */
  physAddr: bigint;
  /** Number of 4 KiB EFI pages. */
  numPages: bigint;
  attribute: bigint;
}

export interface EfiMemoryMap {
  /** In the order the firmware listed them (the kernel walks them in this order). */
  descriptors: EfiMemoryDescriptor[];
  /** `MemMap Address` / `MemMap Size` from "Getting UEFI parameters from /chosen in DT" (the map the kernel reserves). */
  memmap?: { physAddr: bigint; size: bigint; descSize?: bigint };
  /** Config tables from the `efi: … ACPI 2.0=0x… MEMRESERVE=0x… INITRD=0x…` line, by name. */
  configTables: Record<string, bigint>;
}

const PREFIX = /^(?:<\d+>)?(?:\[\s*\d+\.\d+\]\s?)?/;
const DESC = /^efi:\s+0x([0-9a-f]+)-0x([0-9a-f]+) \[(?:type=(\d+)|([A-Za-z][A-Za-z0-9 ]*?)\s*)\|(.*)\]\s*$/;
const PARAM = /^efi:\s+(MemMap Address|MemMap Size|MemMap Desc\. Size)\s*:\s*0x([0-9a-f]+)\s*$/;
const TABLES = /^efi: (?:[A-Z0-9.]+(?: [0-9.]+)?=0x[0-9a-f]+ ?)+$/;

function lineError(file: string, offset: number, lineNo: number, code: string, expected: string, found: string): InputError {
  return { kind: 'efi-memmap', code, file, offset, field: `line ${lineNo}`, expected, found: JSON.stringify(found.length > 120 ? found.slice(0, 117) + '…' : found) };
}

/**
 * Reads every `efi:   0x…-0x… [Type|attrs]` line. A line that starts like a descriptor but does not parse, an end below
 * its start or a range that is not whole EFI pages is an error (offset of the line in the text). Lines after a second
 * "Processing EFI memory map:" header (a kexec'd kernel's log appended) are ignored: the first map is the one returned.
 */
export function parseEfiMemmap(text: string, file: string): Result<EfiMemoryMap> {
  const descriptors: EfiMemoryDescriptor[] = [];
  const configTables: Record<string, bigint> = {};
  let memmap: EfiMemoryMap['memmap'];
  let offset = 0;
  let lineNo = 0;
  let maps = 0;
  for (const raw of text.split('\n')) {
    const here = offset;
    offset += raw.length + 1;
    lineNo++;
    const line = raw.replace(/\r$/, '').replace(PREFIX, '');
    if (!line.startsWith('efi:')) continue;
    if (/^efi: Processing EFI memory map:/.test(line)) {
      maps++;
      continue;
    }
    if (maps > 1) continue;
    const p = PARAM.exec(line);
    if (p) {
      const v = BigInt('0x' + p[2]);
      memmap ??= { physAddr: 0n, size: 0n };
      if (p[1] === 'MemMap Address') memmap.physAddr = v;
      else if (p[1] === 'MemMap Size') memmap.size = v;
      else memmap.descSize = v;
      continue;
    }
    if (TABLES.test(line) && !/^efi:\s+0x/.test(line)) {
      for (const m of line.slice(5).matchAll(/([A-Z0-9.]+(?: [0-9.]+)?)=0x([0-9a-f]+)/g)) configTables[m[1]] = BigInt('0x' + m[2]);
      continue;
    }
    if (!/^efi:\s+0x/.test(line) || /^efi: memattr:/.test(line)) continue;
    const m = DESC.exec(line);
    if (!m) return fail(lineError(file, here, lineNo, 'EFI_BAD_DESCRIPTOR', 'an EFI memory map line "efi:   0x<start>-0x<end> [<type>|<attributes>]"', line));
    const start = BigInt('0x' + m[1]);
    const last = BigInt('0x' + m[2]);
    if (last < start) return fail(lineError(file, here, lineNo, 'EFI_BAD_RANGE', 'an end address at or above the start', line));
    if (start % EFI_PAGE_SIZE !== 0n || (last + 1n) % EFI_PAGE_SIZE !== 0n) {
      return fail(lineError(file, here, lineNo, 'EFI_BAD_RANGE', 'a range of whole 4 KiB EFI pages', line));
    }
    let type: number;
    if (m[3] !== undefined) type = Number(m[3]);
    else {
      type = (EFI_TYPE_NAMES as readonly string[]).indexOf(m[4]);
      if (type < 0) return fail(lineError(file, here, lineNo, 'EFI_BAD_TYPE', `one of the memory type names ${EFI_TYPE_NAMES.join(', ')}`, m[4]));
    }
    let attribute = 0n;
    const a = /^attr=0x([0-9a-f]{1,16})$/.exec(m[5]);
    if (a) attribute = BigInt('0x' + a[1]);
    else {
      for (const tok of m[5].split('|').map((t) => t.trim()).filter(Boolean)) {
        const bit = EFI_ATTR_TOKENS[tok];
        if (bit === undefined) return fail(lineError(file, here, lineNo, 'EFI_BAD_ATTRIBUTE', `attribute names among ${Object.keys(EFI_ATTR_TOKENS).join(', ')}`, tok));
        attribute |= bit;
      }
    }
    descriptors.push({ type, physAddr: start, numPages: (last + 1n - start) / EFI_PAGE_SIZE, attribute });
  }
  if (descriptors.length === 0) {
    return fail({ kind: 'efi-memmap', code: 'EFI_NO_MEMMAP', file, expected: 'the EFI memory map lines a kernel prints with efi=debug ("efi:   0x…-0x… [Conventional|…|WB|…]")', found: 'none' });
  }
  return ok({ descriptors, memmap, configTables });
}

/** The descriptor's end (exclusive). */
export const efiEnd = (d: EfiMemoryDescriptor): bigint => d.physAddr + d.numPages * EFI_PAGE_SIZE;
