// /sys/kernel/kexec_crash_size: the size per generation (checked against recorded guests in
// test/inputs/snapshot.test.ts) and the shrink rules as kernel/crash_core.c states them (not yet checked on a guest).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crashIomemLines, crashShrinkMemory, kexecCrashSize } from '../../src/model/kexec/crash-size.ts';

const M = 1n << 20n;
const high = { base: 0x11b600000n, size: 512n * M };
const low = { base: 0xf4000000n, size: 128n * M };
const v510 = { includesLow: false };
const v612 = { includesLow: true };

test('the size includes the low region from 6.12 on', () => {
  assert.equal(kexecCrashSize({ main: high, low }, v510), 512n * M);
  assert.equal(kexecCrashSize({ main: high, low }, v612), 640n * M);
});

test('shrinking: page rounding, only smaller, refused while loaded', () => {
  const r = { main: { base: 0xec000000n, size: 256n * M } };
  assert.equal(crashShrinkMemory(r, 300n * M, false, v510).ret, -22);
  assert.equal(crashShrinkMemory(r, 256n * M, false, v510).ret, 0);
  assert.equal(crashShrinkMemory(r, 128n * M, true, v510).ret, -2);
  const s = crashShrinkMemory(r, 128n * M + 1n, false, v510);
  assert.equal(s.ret, 0);
  assert.deepEqual(s.regions.main, { base: 0xec000000n, size: 128n * M + 4096n });
  assert.deepEqual(s.freed, [{ base: 0xec000000n + 128n * M + 4096n, size: 128n * M - 4096n }]);
});

test('6.12+: the high region shrinks first, then the low one takes the name', () => {
  const a = crashShrinkMemory({ main: high, low }, 256n * M, false, v612);
  assert.deepEqual(a.regions, { main: { base: high.base, size: 128n * M }, low });
  const b = crashShrinkMemory({ main: high, low }, 64n * M, false, v612);
  assert.deepEqual(b.regions, { main: { base: low.base, size: 64n * M } });
  assert.deepEqual(crashIomemLines(b.regions), ['  f4000000-f7ffffff : Crash kernel']);
});

test('the iomem lines, low block first', () => {
  assert.deepEqual(crashIomemLines({ main: high, low }), ['  f4000000-fbffffff : Crash kernel', '  11b600000-13b5fffff : Crash kernel']);
});
