// Kernel image parser: the real Debian Images (when cached), synthetic headers, gzip, zboot, and one broken field at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { gzipSync } from 'fflate';
import { parseKernelImage } from '../../src/inputs/image.ts';

const BANNER = 'Linux version 6.12.117+deb13-arm64 (debian-kernel@lists.debian.org) (gcc) # SMP Debian 6.12.117-1 (2026-11-12)\n';

function synth(flags = 0xan, banner = BANNER): Uint8Array {
  const b = new Uint8Array(4096);
  const dv = new DataView(b.buffer);
  b.set([0x4d, 0x5a], 0);
  dv.setBigUint64(8, 0n, true);
  dv.setBigUint64(16, 0x2500000n, true);
  dv.setBigUint64(24, flags, true);
  dv.setUint32(56, 0x644d5241, true);
  dv.setUint32(60, 0x40, true);
  b.set(new TextEncoder().encode('Linux version %s\0' + banner + '\0'), 512);
  return b;
}

function zboot(payload: Uint8Array, comp = 'gzip'): Uint8Array {
  const b = new Uint8Array(256 + payload.length);
  const dv = new DataView(b.buffer);
  b.set([0x4d, 0x5a], 0);
  b.set(new TextEncoder().encode('zimg'), 4);
  dv.setUint32(8, 256, true);
  dv.setUint32(12, payload.length, true);
  b.set(new TextEncoder().encode(comp), 24);
  b.set(payload, 256);
  return b;
}

test('image: synthetic raw header', () => {
  const r = parseKernelImage(synth(), 'Image');
  assert.ok(r.ok);
  assert.deepEqual(r.value, {
    format: 'image', textOffset: 0n, imageSize: 0x2500000n, flags: 0xan, pageSize: 4096, bigEndian: false, physPlacementAnywhere: true,
    banner: BANNER.trimEnd(), version: { major: 6, minor: 12, patch: 117 }, release: '6.12.117+deb13-arm64',
  });
});

test('image: page size bits and Debian ABI release take the patch from "Debian X.Y.Z-"', () => {
  const r = parseKernelImage(synth(0b110n, 'Linux version 6.1.0-50-arm64 (x) #1 SMP Debian 6.1.176-1 (2026)\n'), 'Image');
  assert.ok(r.ok);
  assert.equal(r.value.pageSize, 65536);
  assert.equal(r.value.physPlacementAnywhere, false);
  assert.deepEqual(r.value.version, { major: 6, minor: 1, patch: 176 });
  assert.equal(r.value.release, '6.1.0-50-arm64');
});

test('image: gzip and zboot wrappers give the same header', () => {
  const raw = synth();
  const g = parseKernelImage(gzipSync(raw), 'vmlinuz');
  const z = parseKernelImage(zboot(gzipSync(raw)), 'vmlinuz.efi');
  assert.ok(g.ok && z.ok);
  assert.equal(g.value.format, 'gzip');
  assert.equal(z.value.format, 'zboot');
  assert.deepEqual({ ...g.value, format: 'image' }, { ...z.value, format: 'image' });
});

test('image: broken inputs give typed errors with offsets', () => {
  const bad = (b: Uint8Array, code: string, offset: number, cap?: number): void => {
    const r = parseKernelImage(b, 'x', cap);
    assert.ok(!r.ok, code);
    assert.equal(r.error.code, code);
    assert.equal(r.error.offset, offset);
    assert.equal(r.error.kind, 'image');
  };
  const m = synth();
  m[57] = 0;
  bad(m, 'IMAGE_BAD_MAGIC', 56);
  bad(synth().subarray(0, 40), 'TRUNCATED', 0);
  bad(synth(0xan, 'no banner here'), 'IMAGE_NO_BANNER', 0);
  bad(synth(0xan, 'Linux version 6x\n'), 'IMAGE_BAD_BANNER', 529);
  bad(zboot(new Uint8Array(10), 'zstd'), 'IMAGE_UNSUPPORTED_COMPRESSION', 24);
  const zb = zboot(gzipSync(synth()));
  new DataView(zb.buffer).setUint32(12, 0xffffff, true);
  bad(zb, 'TRUNCATED', 256);
  bad(gzipSync(new Uint8Array(1 << 20)), 'IMAGE_TOO_LARGE', 0, 1 << 16);
  bad(gzipSync(synth()).subarray(0, 50), 'IMAGE_BAD_GZIP', 0);
  const corrupt = gzipSync(synth());
  corrupt[3] = 0xff; // reserved FLG bits
  assert.ok(!parseKernelImage(corrupt, 'x').ok);
});

const CACHE = `${homedir()}/.cache/arm64-kernels`;
const REAL: [string, string, { major: number; minor: number; patch: number }, bigint][] = [
  ['bullseye/vmlinuz-5.10.0-32-arm64', '5.10.0-32-arm64', { major: 5, minor: 10, patch: 223 }, 0x1ad0000n],
  ['bookworm/vmlinuz-6.1.0-50-arm64', '6.1.0-50-arm64', { major: 6, minor: 1, patch: 176 }, 0x2010000n],
  ['trixie/vmlinuz-6.12.117+deb13-arm64', '6.12.117+deb13-arm64', { major: 6, minor: 12, patch: 117 }, 0x2500000n],
  ['sid/vmlinuz-7.2.13+deb14-arm64', '7.2.13+deb14-arm64', { major: 7, minor: 2, patch: 13 }, 0x2f00000n],
];
for (const [path, release, version, imageSize] of REAL) {
  const f = `${CACHE}/${path}`;
  test(`image: real Debian ${release}`, { skip: existsSync(f) ? false : `${f} not cached (scripts/fetch-kernels.sh)` }, () => {
    const r = parseKernelImage(new Uint8Array(readFileSync(f)), f);
    assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.error));
    assert.equal(r.value.format, 'image');
    assert.equal(r.value.release, release);
    assert.deepEqual(r.value.version, version);
    assert.equal(r.value.imageSize, imageSize);
    assert.equal(r.value.textOffset, 0n);
    assert.equal(r.value.pageSize, 4096);
    assert.equal(r.value.physPlacementAnywhere, true);
  });
}
