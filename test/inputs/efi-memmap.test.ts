// EFI memory map lines (`efi=debug`) from real consoles of UEFI boots (test/data/efi: 6.12 and 5.10, whose attribute
// columns differ), dmesg forms, and bad lines one at a time ({ code, offset, field }).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { efiEnd, parseEfiMemmap, EFI_ATTR_TOKENS } from '../../src/inputs/efi-memmap.ts';

const read = (n: string): string => readFileSync(new URL(`../data/efi/${n}`, import.meta.url), 'utf8');
const RUN = 1n << 63n;

test('a 6.12 console (15 attribute columns): every descriptor, the MemMap lines and the config tables', () => {
  const r = parseEfiMemmap(read('uefi-2g-6.12.console.txt'), 'c.txt');
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  const m = r.value;
  // MemMap Size 0x600 / Desc. Size 0x30 = 32 descriptors, all printed
  assert.deepEqual(m.memmap, { physAddr: 0xbc43e9c0n, size: 0x600n, descSize: 0x30n });
  assert.equal(BigInt(m.descriptors.length) * m.memmap!.descSize!, m.memmap!.size);
  assert.deepEqual(m.descriptors[0], { type: 7, physAddr: 0x40000000n, numPages: 0x4000n, attribute: 0x8n });
  const rt = m.descriptors.find((d) => d.type === 5)!;
  assert.deepEqual(rt, { type: 5, physAddr: 0xbc440000n, numPages: 0x80n, attribute: RUN | 0x8n });
  // the last two: QEMU's flash (WC) and PL031 (UC), both runtime MMIO
  assert.deepEqual(m.descriptors.slice(-2).map((d) => [d.type, d.physAddr, efiEnd(d), d.attribute]), [
    [11, 0x4000000n, 0x8000000n, RUN | 0x2n], [11, 0x9010000n, 0x9011000n, RUN | 0x1n],
  ]);
  assert.deepEqual(m.configTables, { 'SMBIOS 3.0': 0xbfed0000n, MEMATTR: 0xbc85c018n, 'ACPI 2.0': 0xbc430018n, MEMRESERVE: 0xbc42ff18n });
});

test('a 5.10 console (14 attribute columns, no HP) gives the same structure', () => {
  const r = parseEfiMemmap(read('uefi-4g-iort-5.10.console.txt'), 'c.txt');
  assert.ok(r.ok);
  assert.equal(r.value.descriptors.length, 30);
  assert.equal(r.value.memmap?.size, 0x5a0n);
  assert.ok(r.value.descriptors.every((d) => d.numPages > 0n && (d.attribute & ~(RUN | 0xfn)) === 0n));
});

test('dmesg forms: no timestamps, syslog levels, CRLF; other lines ignored', () => {
  const t = ['<6>[    0.000000] efi: Processing EFI memory map:', 'random line', 'efi:   0x000040000000-0x000043ffffff [Conventional|   |  |  |  |  |  |  |  |  |  |   |WB|  |  |  ]\r',
    'efi: memattr:  0x0000bc440000-0x0000bc44ffff [Runtime Code|RUN|  |  |  |  |  |XP|  |  |  |   |  |  |  |  ]'].join('\n');
  const r = parseEfiMemmap(t, 'd');
  assert.ok(r.ok);
  assert.deepEqual(r.value.descriptors, [{ type: 7, physAddr: 0x40000000n, numPages: 0x4000n, attribute: 0x8n }]);
});

test('type=N and attr=0x… forms (unknown types, unknown attribute bits)', () => {
  const r = parseEfiMemmap('efi:   0x000000001000-0x000000001fff [type=17|attr=0x0000000000000009]\n', 'd');
  assert.ok(r.ok);
  assert.deepEqual(r.value.descriptors, [{ type: 17, physAddr: 0x1000n, numPages: 1n, attribute: 9n }]);
  assert.ok(Object.values(EFI_ATTR_TOKENS).every((v) => (v & (v - 1n)) === 0n));
});

test('a second map (a kexec kernel appended to the log) is ignored', () => {
  const one = 'efi: Processing EFI memory map:\nefi:   0x000040000000-0x000043ffffff [Conventional|   |  |  |  |  |  |  |  |  |  |   |WB|  |  |  ]\n';
  const r = parseEfiMemmap(one + one.replace('0x000040000000', '0x000041000000'), 'd');
  assert.ok(r.ok);
  assert.equal(r.value.descriptors.length, 1);
});

const bad = (line: string): { code: string; offset?: number; field?: string } => {
  const r = parseEfiMemmap(`Booting Linux\n${line}\n`, 'bad.txt');
  assert.ok(!r.ok, line);
  return { code: r.error.code, offset: r.error.offset, field: r.error.field };
};
test('bad lines: code, offset of the line, line number', () => {
  const ok = 'efi:   0x000040000000-0x000043ffffff [Conventional|   |  |  |  |  |  |  |  |  |  |   |WB|  |  |  ]';
  assert.deepEqual(bad(ok.replace('Conventional', 'Convention  ')), { code: 'EFI_BAD_TYPE', offset: 14, field: 'line 2' });
  assert.deepEqual(bad(ok.replace('|WB|', '|WQ|')), { code: 'EFI_BAD_ATTRIBUTE', offset: 14, field: 'line 2' });
  assert.deepEqual(bad(ok.replace('0x000043ffffff', '0x00003fffffff')), { code: 'EFI_BAD_RANGE', offset: 14, field: 'line 2' });
  assert.deepEqual(bad(ok.replace('0x000043ffffff', '0x000043fffffe')), { code: 'EFI_BAD_RANGE', offset: 14, field: 'line 2' });
  assert.deepEqual(bad(ok.replace(' [', ' ')), { code: 'EFI_BAD_DESCRIPTOR', offset: 14, field: 'line 2' });
  assert.deepEqual(bad(ok.slice(0, 40)), { code: 'EFI_BAD_DESCRIPTOR', offset: 14, field: 'line 2' });
});

test('no map at all: EFI_NO_MEMMAP', () => {
  const r = parseEfiMemmap('efi: UEFI not found.\n', 'dt.txt');
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'EFI_NO_MEMMAP');
});
