// The kernel image's KASLR displacement (src/model/kaslr.ts imageKaslrOffset) and what it costs on 5.10/6.1,
// where map_kernel() takes its page tables from memblock: an image whose randomised range crosses a 1 GiB
// boundary needs a second PMD table. (The recorded case: the 6.1 kdump kernel of lifecycle grid-initrd24-112m.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFdt } from '../../src/inputs/fdt/check.ts';
import { qemuVirtDtb } from '../../src/inputs/machines/qemu-virt.ts';
import { predictBoot } from '../../src/kernels/boot.ts';
import { builtinProfile } from '../../src/kernels/profiles.ts';
import { DEBIAN_IMAGE_LAYOUTS } from '../../src/kernels/behaviors/linear-map.ts';
import { imageKaslrOffset } from '../../src/model/kaslr.ts';

const GiB = 1n << 30n;
const MiB = 1n << 20n;

test('image offset: BIT(45) + seed bits 0–45, rounded down to 2 MiB; none without a seed or with nokaslr', () => {
  const o = (seed: bigint, nokaslr = false) => imageKaslrOffset({ seed, nokaslr, randomizeBase: true, vaBitsMin: 48 });
  assert.equal(o(1n), 1n << 45n);
  assert.equal(o((1n << 21n) | 0x1234n), (1n << 45n) + (1n << 21n));
  assert.equal(o(0xffffc00000000000n), 1n << 45n); // bits above 45 are the linear map's (5.10) or unused
  assert.equal(o((1n << 46n) - 1n), (1n << 45n) + (1n << 46n) - (1n << 21n));
  assert.equal(o(0n), 0n);
  assert.equal(o(0x123456789n, true), 0n);
  assert.equal(imageKaslrOffset({ seed: 0x123456789n, nokaslr: false, randomizeBase: false, vaBitsMin: 48 }), 0n);
});

/** map_kernel()'s pages on a QEMU virt 2 GiB machine whose DTB carries `seed`. */
function mapKernelPages(kernel: string, seed: bigint): number {
  const fdt = parseFdt(qemuVirtDtb({ ramBytes: 2n * GiB, smp: 1, kaslrSeed: seed }), 'virt.dtb');
  assert.ok(fdt.ok);
  const p = predictBoot({ fdt: fdt.value, dtbAddr: 0x48000000n, imageAddr: 0x40200000n, cmdline: 'console=ttyAMA0' }, builtinProfile(kernel)!);
  const ev = p.trace.events.find((e) => e.site === 'early_pgtable_alloc' && /map_kernel/.test(e.why ?? ''));
  return Number((ev?.range?.size ?? 0n) / 4096n);
}

for (const [kernel, gen] of [['debian-5.10', '5.10'], ['debian-6.1', '6.1']] as const) {
  test(`${kernel}: an image that crosses a 1 GiB boundary costs map_kernel() one more table page`, () => {
    const lay = DEBIAN_IMAGE_LAYOUTS[gen];
    const size = builtinProfile(kernel)!.image.imageSize;
    // the image's virtual start within its 1 GiB: slot 0 stays inside; the last 2 MiB slot runs over
    const va = (seed: bigint) => lay.virtBase + imageKaslrOffset({ seed, nokaslr: false, randomizeBase: true, vaBitsMin: 48 }) + (0x40200000n & 0x1fffffn);
    // seeds whose 2 MiB slot puts the image at the start, and in the last 2 MiB, of a 1 GiB (BIT(45) is 1 GiB aligned)
    const inside = ((GiB - (lay.virtBase % GiB)) % GiB) | 1n;
    const across = ((2n * GiB - 2n * MiB - (lay.virtBase % GiB)) % GiB) | 1n;
    assert.ok((va(inside) % GiB) + size <= GiB && (va(across) % GiB) + size > GiB);
    assert.equal(mapKernelPages(kernel, across), mapKernelPages(kernel, inside) + 1);
  });
}
