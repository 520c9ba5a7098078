// efi_init() → reserve_regions() over a real EFI map (6.12 console, QEMU virt 2 GiB, edk2), and acpi_table_upgrade().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseEfiMemmap } from '../../src/inputs/efi-memmap.ts';
import { efiVariants } from '../../src/kernels/behaviors/efi.ts';
import { messagesFor } from '../../src/kernels/messages.ts';
import { acpiTableUpgrade, efiInit, efiIsMemory, efiIsUsableMemory } from '../../src/model/efi-init.ts';
import type { ModelContext } from '../../src/model/context.ts';
import { memblockAdd, memblockReserve } from '../../src/model/memblock/index.ts';
import { createMemblock, MEMBLOCK_NOMAP } from '../../src/model/memblock/types.ts';
import { TraceRecorder } from '../../src/trace/recorder.ts';

const map = (() => {
  const r = parseEfiMemmap(readFileSync(new URL('../data/efi/uefi-2g-6.12.console.txt', import.meta.url), 'utf8'), 'c');
  assert.ok(r.ok);
  return r.value;
})();
const ctxFor = (): ModelContext => {
  const mb = createMemblock({ pageSize: 4096n });
  return { mb, trace: new TraceRecorder(() => mb), msg: messagesFor('6.12') };
};
const regions = (rs: readonly { base: bigint; size: bigint; flags: number }[]): [string, string, boolean][] =>
  rs.map((r) => [`0x${r.base.toString(16)}`, `0x${(r.base + r.size).toString(16)}`, (r.flags & MEMBLOCK_NOMAP) !== 0]);

test('is_memory / is_usable_memory: WB conventional usable; runtime NOMAP; the UC-only PL031 is not memory', () => {
  const d = map.descriptors;
  assert.ok(efiIsUsableMemory(d[0]));
  assert.ok(efiIsMemory(d.find((x) => x.type === 5)!) && !efiIsUsableMemory(d.find((x) => x.type === 5)!));
  assert.deepEqual(d.filter((x) => x.type === 11).map(efiIsMemory), [true, false]);
});

test('reserve_regions: the DT memory is discarded; memory as the node ranges the kernel printed (6.12, 2 GiB)', () => {
  const ctx = ctxFor();
  memblockAdd(ctx.mb, 0x40000000n, 0x80000000n);
  efiInit(ctx, efiVariants['6.12'], { map, pageSize: 4096n });
  // Early memory node ranges of the real boot: the flash (NOMAP), RAM, the runtime regions as separate NOMAP runs.
  assert.deepEqual(regions(ctx.mb.memory), [
    ['0x4000000', '0x8000000', true], ['0x40000000', '0xbc440000', false], ['0xbc440000', '0xbc730000', true],
    ['0xbc730000', '0xbfc00000', false], ['0xbfc00000', '0xbffe0000', true], ['0xbffe0000', '0xc0000000', false],
  ]);
  // the MEMRESERVE table (16 bytes), ACPI reclaim [0xbc430000, +64 KiB) with the memory map inside it
  assert.deepEqual(regions(ctx.mb.reserved), [['0xbc42ff18', '0xbc42ff28', false], ['0xbc430000', '0xbc440000', false]]);
});

test('linux,usable-memory-range is re-applied after the EFI map on 6.1+, not by 5.10', () => {
  const range = [{ base: 0x60000000n, size: 0x10000000n }];
  const c612 = ctxFor();
  efiInit(c612, efiVariants['6.12'], { map, pageSize: 4096n, usableMemoryRange: range });
  // memblock_cap_memory_range keeps NOMAP regions outside the range
  assert.deepEqual(regions(c612.mb.memory), [
    ['0x4000000', '0x8000000', true], ['0x60000000', '0x70000000', false], ['0xbc440000', '0xbc730000', true], ['0xbfc00000', '0xbffe0000', true],
  ]);
  const c510 = ctxFor();
  efiInit(c510, efiVariants['5.10'], { map, pageSize: 4096n, usableMemoryRange: range });
  assert.equal(c510.mb.memory.length, 6);
});

test('acpi_table_upgrade: exact size at a page-aligned top-down address, NOMAP (hides that page from the node ranges)', () => {
  const ctx = ctxFor();
  efiInit(ctx, efiVariants['6.12'], { map, pageSize: 4096n });
  memblockReserve(ctx.mb, 0xbffff000n, 0x1000n);
  const at = acpiTableUpgrade(ctx, 0x58n, 4096n);
  assert.equal(at, 0xbfffe000n);
  assert.deepEqual(regions(ctx.mb.memory).slice(-3), [['0xbffe0000', '0xbfffe000', false], ['0xbfffe000', '0xbfffe058', true], ['0xbfffe058', '0xc0000000', false]]);
});
