// The linear-map report against counts worked out by hand here (aligned and unaligned, 4K/16K/64K), its
// agreement with linearMapSummary(), the crash region's mapping and protection, and the CLI's JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEBIAN_IMAGE_LAYOUTS, LINEAR_MAP_RULES } from '../../src/kernels/behaviors/linear-map.ts';
import { linearMapReport, type CrashProtectMode, type MappingCounts } from '../../src/model/linear-map-report.ts';
import { linearMapSummary, type Granule, type LinearMapRules, type MapFlags } from '../../src/model/linear-map/index.ts';
import { main } from '../../src/cli/main.ts';
import { renderLinearMapText } from '../../src/render/linear-map.ts';

const M = 1n << 20n;
const G = 1n << 30n;
const K64 = 64n << 10n;
const PAGES: MapFlags = { noBlock: true, noCont: true };
const BLOCKS: MapFlags = { noBlock: false, noCont: false };
// 6.12's rules without the kernel alias and the KFENCE pool: only the memory loop, so counts are the memory's alone.
const BARE: LinearMapRules = { ...LINEAR_MAP_RULES['6.12'], kernelAlias: { ranges: [], order: 'after' }, kfencePool: 'none' };

type Mem = { base: bigint; size: bigint; nomap?: boolean };
function rep(pageSize: Granule, memory: Mem[], flags: MapFlags, crash: Mem[] = [], protect: CrashProtectMode = 'any-leaf') {
  return linearMapReport({
    paging: { memory, kernel: DEBIAN_IMAGE_LAYOUTS['6.12'], pageSize, vaBits: 48, flags },
    rules: BARE, why: 'test', crash: crash.map((c) => ({ name: 'crashkernel', ...c })), protect,
  });
}
const counts = (m: Partial<MappingCounts>): MappingCounts => ({ PTE: 0n, CONT_PTE: 0n, PMD: 0n, CONT_PMD: 0n, PUD: 0n, ...m });

test('4K blocks, [1G, 3G): two PUD blocks under one pud table', () => {
  const r = rep(4096, [{ base: G, size: 2n * G }], BLOCKS);
  assert.deepEqual(r.mappings, counts({ PUD: 2n }));
  assert.equal(r.pageTableBytes, 4096n);
  assert.equal(r.tlbEntries, 2n);
  assert.equal(r.averageTlbReach, G);
});

test('4K blocks, [1G+1M, 3G-1M): cont-PTE edges, PMD blocks up to 32 MiB alignment, cont-PMD runs, no PUD', () => {
  // Start: [1G+1M, 1G+2M) = 256 pages = 16 runs of 64 KiB; [1G+2M, 1G+32M) = 15 PMDs; [1G+32M, 2G) = 31 cont-PMD
  // runs. [2G, 3G-1M) cannot be a PUD: [2G, 3G-32M) = 31 runs, 15 PMDs, then 256 pages = 16 runs.
  const r = rep(4096, [{ base: G + M, size: 2n * G - 2n * M }], BLOCKS);
  assert.deepEqual(r.mappings, counts({ CONT_PTE: 32n, PMD: 30n, CONT_PMD: 62n }));
  assert.deepEqual(r.leaves, { pte: 512n, contPte: 512n, pmd: 30n + 62n * 16n, contPmd: 62n * 16n, pud: 0n });
  // 1 pud table, a pmd table for each GiB, a pte table at each edge.
  assert.equal(r.pageTableBytes, 5n * 4096n);
  assert.deepEqual(r.levels.map((l) => [l.level, l.tablePages, l.tableEntries, l.leafEntries]), [
    ['pgd', 0, 1n, 0n], ['pud', 1, 2n, 0n], ['pmd', 2, 2n, 1022n], ['pte', 2, 0n, 512n],
  ]);
});

test('4K pages, [1G, 3G): 524288 PTEs in 1024 pte + 2 pmd + 1 pud tables', () => {
  const r = rep(4096, [{ base: G, size: 2n * G }], PAGES);
  assert.deepEqual(r.mappings, counts({ PTE: 524288n }));
  assert.equal(r.pageTableBytes, 1027n * 4096n);
  assert.equal(r.averageTlbReach, 4096n);
});

test('16K blocks, [1G, 2G): one cont-PMD run of 32 × 32 MiB, a pud and a pmd table of 16 KiB', () => {
  const r = rep(16384, [{ base: G, size: G }], BLOCKS);
  assert.deepEqual(r.mappings, counts({ CONT_PMD: 1n }));
  assert.equal(r.leaves.pmd, 32n);
  assert.equal(r.pageTableBytes, 2n * 16384n);
  assert.equal(r.mappingSizes.PUD, 0n); // no PUD blocks off 4K
});

test('64K blocks, [1G, 2.5G + 64K): three 512 MiB PMDs and one page, 3 levels', () => {
  const r = rep(65536, [{ base: G, size: 1536n * M + K64 }], BLOCKS);
  assert.deepEqual(r.mappings, counts({ PMD: 3n, PTE: 1n }));
  assert.equal(r.levels.length, 3);
  assert.equal(r.pageTableBytes, 2n * 65536n);
});

test('NOMAP and holes are reported and left unmapped', () => {
  const r = rep(4096, [{ base: G, size: G }, { base: 2n * G, size: 2n * M, nomap: true }, { base: 4n * G, size: G }], BLOCKS);
  assert.deepEqual(r.nomap, [{ base: 2n * G, size: 2n * M }]);
  assert.deepEqual(r.holes, [{ base: 2n * G + 2n * M, size: 2n * G - 2n * M }]);
  assert.equal(r.mappedBytes, 2n * G);
  assert.deepEqual(r.mappings, counts({ PUD: 2n }));
});

test('crash region inside a PUD block: one mapping crosses its edges; carved at its edges, none does', () => {
  const crash = [{ base: G + 512n * M, size: 512n * M }];
  const whole = rep(4096, [{ base: G, size: 2n * G }], BLOCKS, crash);
  assert.equal(whole.crash[0].straddling, 1n);
  assert.equal(whole.crash[0].protectable, false);
  const carved = rep(4096, [{ base: G, size: 512n * M }, { base: G + 512n * M, size: 512n * M }, { base: 2n * G, size: G }], BLOCKS, crash);
  assert.equal(carved.crash[0].straddling, 0n);
  assert.equal(carved.crash[0].protectable, true);
  assert.deepEqual(carved.crash[0].mappings, counts({ CONT_PMD: 16n }));
  // Splitting the first GiB costs one pmd table.
  assert.equal(carved.pageTableBytes - whole.pageTableBytes, 4096n);
});

test('crash region by pages: set_memory_valid can unmap it (pte-only), and nothing protects it when the kernel cannot', () => {
  const crash = [{ base: G + 2n * M, size: 64n * M }];
  assert.equal(rep(4096, [{ base: G, size: G }], PAGES, crash, 'pte-only').crash[0].protectable, true);
  assert.equal(rep(4096, [{ base: G, size: G }], PAGES, crash, 'none').crash[0].protectable, false);
  assert.equal(rep(4096, [{ base: G, size: G }], BLOCKS, crash, 'pte-only').crash[0].protectable, false);
});

test('property: leaves and TLB entries agree with linearMapSummary() when regions do not abut', () => {
  const granules: Granule[] = [4096, 16384, 65536];
  fc.assert(fc.property(
    fc.constantFrom(...granules), fc.boolean(),
    fc.array(fc.tuple(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 3000 })), { minLength: 1, maxLength: 4 }),
    (ps, blocks, parts) => {
      const memory: Mem[] = [];
      let at = G;
      for (const [gap, len] of parts) {
        at += BigInt(gap) * BigInt(ps) * 37n;
        memory.push({ base: at, size: BigInt(len) * BigInt(ps) * 53n });
        at += BigInt(len) * BigInt(ps) * 53n;
      }
      const flags = blocks ? BLOCKS : PAGES;
      const r = rep(ps, memory, flags);
      const s = linearMapSummary({ memory, kernel: DEBIAN_IMAGE_LAYOUTS['6.12'], pageSize: ps, vaBits: 48, flags }, BARE);
      assert.deepEqual(r.leaves, s.leaves);
      assert.equal(r.tlbEntries, s.tlbEntries);
      assert.equal(r.pageTableBytes, s.pageTableBytes);
    },
  ), { numRuns: 200 });
});

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => { out += s; return true; }, err: (s) => { err += s; return true; } });
  return { code, out, err };
}

test('CLI: linear-map --format json has pageTableBytes and mappings, and agrees with the boot trace', async () => {
  for (const kernel of ['debian-5.10', 'debian-6.1', 'debian-6.12', 'debian-7.2']) {
    const r = await run(['linear-map', '--machine', 'qemu-virt', '--ram', '4G', '--kernel', kernel, '--cmdline', 'crashkernel=512M rodata=off kfence.sample_interval=100', '--format', 'json']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(typeof j.pageTableBytes, 'number');
    assert.deepEqual(Object.keys(j.mappings).sort(), ['CONT_PMD', 'CONT_PTE', 'PMD', 'PTE', 'PUD']);
    assert.equal(j.tablePages, j.tracePages);
    assert.equal(j.pageTableBytes, j.tablePages * 4096);
    assert.equal(j.crash.length, 1);
    assert.ok(j.memoryLine === null || j.memoryLine.startsWith('Memory:'));
  }
});

test('CLI: 5.10/6.1 map the crash region by pages and can protect it; 6.12/7.2 cannot', async () => {
  const want: Record<string, boolean> = { 'debian-5.10': true, 'debian-6.1': true, 'debian-6.12': false, 'debian-7.2': false };
  for (const [kernel, protectable] of Object.entries(want)) {
    const r = await run(['linear-map', '--machine', 'qemu-virt', '--ram', '2G', '--kernel', kernel, '--cmdline', 'crashkernel=256M', '--format', 'json']);
    const c = JSON.parse(r.out).crash[0];
    assert.equal(c.protectable, protectable, kernel);
    assert.equal(c.byPages, true, kernel); // Debian defaults: rodata_full (or KFENCE) maps everything by pages
  }
});

test('text rendering names every section', () => {
  const r = rep(4096, [{ base: G, size: G }], BLOCKS, [{ base: G, size: 256n * M }]);
  const t = renderLinearMapText({ kernel: 'test', cmdline: '', report: r, tracePages: 2n });
  for (const s of ['Entries per level:', 'Mappings', 'NOMAP', 'Holes', 'Crash regions:', 'PUD 1G']) assert.ok(t.includes(s), s);
});
