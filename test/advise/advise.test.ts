// bootmap advise on real devicetree blobs (conformance/fixtures, dumped from QEMU): the recommended crashkernel=
// reserves per the model, the distributions' values give what their sourced tables say, and the CLI keeps its
// conventions (--json, exit codes, `-` for stdin).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { advise, type AdviseOptions } from '../../src/advise/advise.ts';
import { addToRanges, DISTRO_DEFAULTS, KDUMP_UTILS_AARCH64, rangeListSize } from '../../src/advise/distro-tables.ts';
import { percpuUnitBytes } from '../../src/advise/estimate.ts';
import { predict, type PredictOptions } from '../../src/api/predict.ts';
import { builtinProfile, PROFILE_NAMES } from '../../src/kernels/profiles.ts';
import { main } from '../../src/cli/main.ts';

const MiB = 1n << 20n;
const GiB = 1n << 30n;
const fixture = (id: string) => ({ bytes: new Uint8Array(readFileSync(`conformance/fixtures/${id}/machine.dtb`)), file: `${id}/machine.dtb` });
const opts = (predict: PredictOptions, initrd = 32n * MiB): AdviseOptions => ({ predict, initrdBytes: initrd, initrdUnpackedBytes: 3n * initrd, cpus: 1, assumed: { initrd: true, unpacked: true } });

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => ((out += s), true), err: (s) => ((err += s), true) });
  return { code, out, err };
}

test('distro tables: the values read from their sources', () => {
  const row = (id: string) => DISTRO_DEFAULTS.find((d) => d.id === id)!;
  assert.equal(row('kdump-utils').crashkernel, '2G-4G:256M,4G-64G:320M,64G-:576M');
  // kdump-lib.sh's own comment: 'And finally, we have "2G-4G:356M;4G-64G:420M;64G-:676M"' for 64K kernels.
  assert.equal(row('kdump-utils-64k').crashkernel, '2G-4G:356M,4G-64G:420M,64G-:676M');
  assert.equal(row('kdump-utils-64k-smmu').crashkernel, addToRanges(KDUMP_UTILS_AARCH64.base, 484));
  assert.equal(row('debian').crashkernel, '2G-4G:320M,4G-32G:512M,32G-64G:1024M,64G-128G:2048M,128G-:4096M');
  assert.equal(row('suse').crashkernel, undefined, 'no number without its source');
  for (const d of DISTRO_DEFAULTS) assert.ok(d.sources.length && d.sources.every((s) => s.repo && s.file && s.version), d.id);
  assert.equal(rangeListSize(row('debian').crashkernel!, 2n * GiB - 1n), 0n);
  assert.equal(rangeListSize(row('debian').crashkernel!, 4n * GiB), 512n * MiB, 'ranges are [start, end)');
  assert.equal(rangeListSize(row('kdump-utils').crashkernel!, 1n << 50n), 576n * MiB, 'an open end');
});

test('distro values on QEMU virt: the model reserves what each sourced table gives for the RAM', () => {
  for (const gib of [1n, 2n, 3n, 4n, 8n]) {
    const r = advise(opts({ machine: { type: 'qemu-virt', ramBytes: gib * GiB, smp: 2 }, kernel: 'debian-6.12' }));
    assert.ok(r.ok);
    for (const d of r.value.distros) {
      if (d.row.crashkernel === undefined) {
        assert.equal(d.outcome, undefined);
        continue;
      }
      const want = rangeListSize(d.row.crashkernel, gib * GiB);
      const o = d.outcome!;
      assert.equal(o.cmdline, `crashkernel=${d.row.crashkernel}`);
      if (want === 0n) assert.ok(!o.ok && o.main === undefined, `${d.row.id} ${gib}G: nothing below 2G`);
      else {
        assert.ok(o.ok, `${d.row.id} ${gib}G reserves`);
        assert.equal(o.main!.size, want, `${d.row.id} ${gib}G`);
        assert.equal(d.belowEstimate, want < r.value.estimate.total);
      }
    }
  }
});

test('the estimate: its components come from the profile and the model, its margin is 30 % + 64 MiB', () => {
  const r = advise(opts({ machine: { type: 'qemu-virt', ramBytes: 4n * GiB, smp: 4 }, kernel: 'debian-7.2' }));
  assert.ok(r.ok);
  const e = r.value.estimate;
  const c = (name: string) => e.components.find((x) => x.name === name)!.bytes;
  assert.equal(c('kernel image'), builtinProfile('debian-7.2')!.image.imageSize);
  assert.equal(c('initrd (loaded)'), 32n * MiB);
  assert.equal(c('initrd (unpacked)'), 96n * MiB);
  const first = predict({ machine: { type: 'qemu-virt', ramBytes: 4n * GiB, smp: 4 }, kernel: 'debian-7.2' });
  assert.ok(first.ok);
  assert.equal(c('per-CPU'), percpuUnitBytes(first.value)! + 32n * 1024n, 'one CPU: the model\'s unit plus two 16 KiB stacks');
  // 128 MiB sections from 6.1: 2 MiB of struct pages each; one more section than the size needs.
  assert.equal(c('memmap'), (e.total / (128n * MiB) + (e.total % (128n * MiB) ? 1n : 0n) + 1n) * 2n * MiB);
  assert.equal(e.subtotal, e.components.reduce((a, x) => a + x.bytes, 0n));
  assert.equal(e.margin.bytes, (e.subtotal * 30n) / 100n + 64n * MiB);
  assert.equal(e.total % (16n * MiB), 0n);
  assert.ok(e.total >= e.subtotal + e.margin.bytes && e.total < e.subtotal + e.margin.bytes + 16n * MiB);
  const bigger = advise(opts({ machine: { type: 'qemu-virt', ramBytes: 4n * GiB, smp: 4 }, kernel: 'debian-7.2' }, 96n * MiB));
  assert.ok(bigger.ok && bigger.value.estimate.total >= e.total + 4n * 64n * MiB, 'a larger initrd raises the size by at least its loaded and unpacked growth');
});

const fixtures = ['virt-4g', 'dma31-ck256m', 'at-8g-hole-at-4g-ck512m-high', 'virt-16g-ck512m-high'];
for (const id of fixtures) {
  test(`${id}: the recommended crashkernel= reserves on every kernel, per the model`, () => {
    for (const kernel of PROFILE_NAMES) {
      const o: PredictOptions = { dtb: fixture(id), kernel };
      const r = advise(opts(o));
      assert.ok(r.ok, `${kernel}: ${!r.ok && r.error.code}`);
      const a = r.value;
      assert.ok(a.recommended, `${kernel}: ${a.why}`);
      // Independently of advise: the command line it recommends, run through the model.
      const base = predict(o);
      assert.ok(base.ok);
      const cmdline = `${base.value.cmdline.split(' ').filter((t) => !t.startsWith('crashkernel=')).join(' ')} ${a.recommended.cmdline}`.trim();
      const p = predict({ ...o, cmdline });
      assert.ok(p.ok && p.value.crash?.ok, `${kernel}: ${a.recommended.cmdline} reserves`);
      assert.deepEqual(p.value.crash!.main, a.recommended.main);
      assert.equal(p.value.crash!.main!.size, a.estimate.total, `${kernel}: the reserved size is the estimate`);
      if (a.recommended.label === 'plain') {
        assert.ok(p.value.crash!.main!.base + p.value.crash!.main!.size <= p.value.dma!.dmaPhysLimit, `${kernel}: one region lies below the DMA limit`);
      } else assert.ok(p.value.crash!.low, `${kernel}: the split keeps a low block`);
      const current = a.candidates.find((c) => c.label === 'current');
      assert.equal(current?.cmdline, /crashkernel=\S+/.exec(base.value.cmdline)?.[0], 'the DTB\'s own crashkernel= is the "current" candidate');
    }
  });
}

test('dma30-below-ram: the DMA limit lies below RAM, no candidate reserves → no recommendation, exit 1', async () => {
  const r = advise(opts({ dtb: fixture('dma30-below-ram-ck256m'), kernel: 'debian-6.12' }));
  assert.ok(r.ok);
  assert.equal(r.value.recommended, undefined);
  assert.ok(r.value.candidates.every((c) => !c.ok));
  const c = await cli(['advise', '--dtb', 'conformance/fixtures/dma30-below-ram-ck256m/machine.dtb', '--kernel', 'debian-6.12']);
  assert.equal(c.code, 1);
  assert.match(c.out, /Recommended: none reserves on this machine/);
});

test('bootmap advise: text, --json and a DTB from stdin', async () => {
  const t = await cli(['advise', '--machine', 'qemu-virt', '--ram', '4G', '--kernel', 'debian-6.12']);
  assert.equal(t.code, 0, t.err);
  assert.match(t.out, /Recommended: crashkernel=\d+M/);
  assert.match(t.out, /Debian, kdump-tools \(arm64\)\s+2G-4G:320M,4G-32G:512M,32G-64G:1024M,64G-128G:2048M,128G-:4096M\s+512 MiB at/);
  assert.match(t.out, /SUSE \/ openSUSE, kdump \(kdumptool calibrate\)\s+unknown \(source not found\)/);
  const j = await cli(['advise', '--machine', 'qemu-virt', '--ram', '4G', '--kernel', 'debian-6.12', '--json', '--kdump-initrd-size', '48M']);
  assert.equal(j.code, 0, j.err);
  const doc = JSON.parse(j.out);
  assert.equal(doc.schema, 'bootmap.advise/1');
  assert.equal(doc.estimate.components.find((c: { name: string }) => c.name === 'initrd (loaded)').bytes, 48 * 2 ** 20);
  assert.equal(doc.recommended, `crashkernel=${doc.estimate.total / 2 ** 20}M`);
  assert.equal(doc.distros.find((d: { id: string }) => d.id === 'suse').crashkernel, 'unknown (source not found)');
  const bad = await cli(['advise', '--machine', 'qemu-virt', '--kdump-initrd-size', 'big']);
  assert.equal(bad.code, 2);
  const stdin = spawnSync(process.execPath, ['--import', 'tsx', 'bin/bootmap.mjs', 'advise', '--dtb', '-', '--kernel', 'debian-6.1', '--json'], {
    input: readFileSync('conformance/fixtures/virt-2g-ck256m/machine.dtb'), encoding: 'utf8', env: { ...process.env, BOOTMAP_NO_BUNDLE: '1' },
  });
  assert.equal(stdin.status, 0, stdin.stderr);
  assert.equal(JSON.parse(stdin.stdout).candidates[0].crashkernel, 'crashkernel=256M', 'the DTB read from stdin, its bootargs the current candidate');
});
