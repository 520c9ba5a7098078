// The boards survey over a sample of Debian trixie's board DTBs (test/data/boards, gzipped), the Raspberry Pi
// firmware's memory rule, and rows for blobs the model rejects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { renderBoardsJson, renderBoardsTable, surveyBoard, surveyPlacement } from '../../src/boards/index.ts';
import { declaredMemory, firmwareMemory, withMemory } from '../../src/inputs/boards/memory.ts';
import { parseFdt } from '../../src/inputs/fdt/check.ts';

const dtb = (n: string): Uint8Array => new Uint8Array(gunzipSync(readFileSync(new URL(`../data/boards/${n}.dtb.gz`, import.meta.url))));
const fdtOf = (n: string) => {
  const r = parseFdt(dtb(n), n);
  assert.ok(r.ok);
  return r.value;
};
const G = 1n << 30n;
const opts = { kernel: 'debian-6.12', requests: ['256M', '1G'] };

test('Raspberry Pi 4 with 4 GiB: the firmware\'s two banks (raspberrypi/firmware#1191), DMA limit 1 GiB', () => {
  const row = surveyBoard(dtb('bcm2711-rpi-4-b'), 'rpi4', { ...opts, ramBytes: 4n * G });
  assert.equal(row.error, undefined);
  assert.deepEqual(row.declared, [{ base: 0n, size: 0n }], 'the DTB ships reg = <0 0 0>');
  assert.deepEqual(row.memory, [{ base: 0n, size: 0x3b400000n }, { base: 0x40000000n, size: 0xbc000000n }]);
  assert.match(row.memoryRule, /^raspberry-pi/);
  assert.equal(row.dmaLimit, 0x3fffffffn);
  assert.equal(row.crash.length, 2);
  for (const c of row.crash) assert.ok(c.ok, c.request);
  // 1G does not fit below the 1 GiB DMA limit: 6.12 falls back above it (and adds a low region)
  assert.equal(row.crash[1].aboveDmaLimit, true);
  assert.equal(row.crash[0].aboveDmaLimit, false);
});

test('8 GiB Pi 4: 2 GiB banks above 4 GiB (seL4 overlay-rpi4-8gb.dts); memory written back reads the same', () => {
  const f = fdtOf('bcm2711-rpi-4-b');
  const fill = firmwareMemory(f, 8n * G);
  assert.deepEqual(fill.banks, [
    { base: 0n, size: 0x3b400000n }, { base: 0x40000000n, size: 0xbc000000n }, { base: 0x100000000n, size: 0x80000000n }, { base: 0x180000000n, size: 0x80000000n },
  ]);
  const back = parseFdt(withMemory(f, fill.banks), 'x');
  assert.ok(back.ok);
  assert.deepEqual(declaredMemory(back.value), fill.banks);
});

test('boards without a firmware rule: one bank at the declared or lowest base; 1-cell sizes are split', () => {
  const a64 = fdtOf('sun50i-a64-bananapi-m64');
  const fill = firmwareMemory(a64, 4n * G);
  assert.equal(fill.rule, 'lowest-base');
  const back = parseFdt(withMemory(a64, fill.banks), 'x');
  assert.ok(back.ok);
  const total = declaredMemory(back.value).reduce((s, b) => s + b.size, 0n);
  assert.equal(total, 4n * G);
  const rk = surveyBoard(dtb('rk3399-rockpro64'), 'rk', { ...opts, ramBytes: 4n * G });
  assert.equal(rk.error, undefined);
  assert.deepEqual(rk.declared, [], 'U-Boot adds the memory node');
  assert.match(rk.memoryRule, /^lowest-base/);
  assert.ok(rk.crash.every((c) => c.ok));
  const rpi3 = surveyBoard(dtb('bcm2837-rpi-3-b'), 'rpi3', opts);
  assert.equal(rpi3.memoryRule, 'declared');
  assert.deepEqual(rpi3.memory, [{ base: 0n, size: G }]);
  assert.equal(rpi3.crash.length, 2);
  const pi5 = firmwareMemory(fdtOf('bcm2712-rpi-5-b'), 4n * G);
  assert.equal(pi5.rule, 'lowest-base', 'the Pi 5 firmware rule is not known here');
});

test('without --ram a zero-sized /memory gets no crash prediction, and says why', () => {
  const row = surveyBoard(dtb('bcm2711-rpi-4-b'), 'rpi4', opts);
  assert.deepEqual(row.crash, []);
  assert.match(row.memoryRule, /firmware fills it in/);
});

test('a blob the model rejects is a row with the error, never an exception', () => {
  const bad = dtb('bcm2837-rpi-3-b').slice(0, 100);
  const row = surveyBoard(bad, 'cut.dtb', opts);
  assert.match(row.error!, /^cut\.dtb: /);
  const noise = surveyBoard(new Uint8Array(64), 'zero.dtb', opts);
  assert.ok(noise.error);
  assert.match(renderBoardsTable([row, noise]), /cut\.dtb {2}error: /);
  assert.doesNotThrow(() => JSON.parse(renderBoardsJson([row])));
});

test('property: any single byte flipped in a board DTB gives a row, never a throw', () => {
  const base = dtb('bcm2837-rpi-3-b');
  fc.assert(fc.property(fc.nat(base.length - 1), fc.integer({ min: 1, max: 255 }), (at, x) => {
    const b = base.slice();
    b[at] ^= x;
    const row = surveyBoard(b, 'f.dtb', { ...opts, ramBytes: G });
    assert.equal(row.file, 'f.dtb');
  }), { numRuns: 60 });
});

test('placement: Image 2 MiB above the first bank, DTB inside it', () => {
  fc.assert(fc.property(fc.bigInt(0n, 1n << 20n), fc.bigInt(16n, 1n << 14n), (b, mb) => {
    const bank = { base: b << 21n, size: mb << 20n };
    const p = surveyPlacement([bank]);
    assert.equal(p.imageAddr, bank.base + (2n << 20n));
    assert.ok(p.dtbAddr >= bank.base && p.dtbAddr < bank.base + bank.size);
  }));
});
