// Properties of the kexec-tools placement model: whatever the crash region and the sizes, a successful load puts
// every segment inside the last crash range, page aligned (the kernel on 2 MiB), without overlaps, and what it
// reports free plus the segments is the whole range; a failure names what kexec-tools prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { kexecLoadCrash } from '../../src/model/kexec/kexec-tools.ts';
import { KEXEC_TOOLS_BUILDS } from '../../src/model/kexec/kexec-tools-builds.ts';

const MiB = 1n << 20n;

test('kexec-tools placement: inside the crash range, aligned, disjoint, free + used = range', () => {
  fc.assert(fc.property(
    fc.record({
      baseMiB: fc.integer({ min: 1024, max: 8192 }),
      baseOffsetPages: fc.integer({ min: 0, max: 511 }),
      sizeMiB: fc.integer({ min: 8, max: 1024 }),
      imageMiB: fc.integer({ min: 8, max: 64 }),
      initrd: fc.option(fc.integer({ min: 1, max: 200 << 20 }), { nil: undefined }),
      dtb: fc.integer({ min: 1000, max: 1 << 20 }),
      cpus: fc.integer({ min: 1, max: 256 }),
      build: fc.constantFrom(...Object.keys(KEXEC_TOOLS_BUILDS)),
    }),
    (x) => {
      const base = BigInt(x.baseMiB) * MiB + BigInt(x.baseOffsetPages) * 4096n;
      const size = BigInt(x.sizeMiB) * MiB;
      const crash = { base, size };
      const r = kexecLoadCrash({
        build: KEXEC_TOOLS_BUILDS[x.build], crashRanges: [crash], systemRam: [{ base: 0x40000000n, size: 16n << 30n }],
        memoryRanges: [{ base: 0x40000000n, size: 16n << 30n }], cpus: x.cpus,
        image: { imageSize: BigInt(x.imageMiB) * MiB, textOffset: 0n, fileBytes: 0n },
        initrdBytes: x.initrd === undefined ? undefined : BigInt(x.initrd), dtbBytes: BigInt(x.dtb),
      });
      if (!r.ok) {
        assert.ok(r.printed.length > 0 && r.why.length > 0);
        return;
      }
      const segs = [...r.segments].sort((a, b) => (a.mem < b.mem ? -1 : 1));
      for (const s of segs) {
        assert.ok(s.mem >= base && s.mem + s.memsz <= base + size, `${s.name} outside the crash range`);
        assert.equal(s.mem % (s.name === 'kernel' ? 2n * MiB : 4096n), 0n, `${s.name} misaligned`);
        assert.ok(s.bufsz <= s.memsz || s.name === 'kernel');
      }
      for (let k = 1; k < segs.length; k++) assert.ok(segs[k - 1].mem + segs[k - 1].memsz <= segs[k].mem, 'segments overlap');
      const used = segs.reduce((a, s) => a + s.memsz, 0n) + r.free.reduce((a, f) => a + f.size, 0n);
      assert.equal(used, size);
      assert.equal(segs.some((s) => s.name === 'initrd'), x.initrd !== undefined);
    },
  ), { numRuns: 2000, seed: 11 });
});

test('kexec-tools placement: a kernel that does not fit fails the way kexec-tools does', () => {
  const r = kexecLoadCrash({
    build: KEXEC_TOOLS_BUILDS['2.0.32'], crashRanges: [{ base: 0xec000000n, size: 48n * MiB }], systemRam: [{ base: 0x40000000n, size: 4n << 30n }],
    memoryRanges: [{ base: 0x40000000n, size: 4n << 30n }], cpus: 2, image: { imageSize: 0x2f00000n, textOffset: 0n, fileBytes: 0n },
    initrdBytes: 4n * MiB, dtbBytes: 8000n,
  });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.why, /initrd|DTB|purgatory|kernel/);
});
