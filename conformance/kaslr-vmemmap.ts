// Records how many vmemmap page-table pages (`__earlyonly_bootmem_alloc` under memblock=debug) real kernels take
// under different KASLR seeds: QEMU's -seed N decides the DTB's kaslr-seed, the seed moves the linear map (5.10–6.12)
// and the vmemmap with it, and where the vmemmap lands decides whether a table page is shared, needed once or twice.
// Writes conformance/kaslr-vmemmap/fixtures.json (the DTB each boot got, its count); test/conformance/kaslr-vmemmap.test.ts
// predicts the count from the DTB.
//   npx tsx conformance/kaslr-vmemmap.ts
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { findKernel, QEMU, qemuVersion } from './qemu.ts';
import type { Profile } from './scenario.ts';

/** The machines and seeds: the seeds the model singles out (one table page fewer, or more) and ordinary ones. */
const CASES: { profile: Profile; smp: number; mem: string; seeds: number[] }[] = [
  { profile: 'debian-6.1', smp: 4, mem: '4G', seeds: [1, 2, 3, 21, 22, 37] },
  { profile: 'debian-6.12', smp: 8, mem: '3G', seeds: [1, 4, 5, 14, 21, 37] },
];
const APPEND = 'console=ttyAMA0 ignore_loglevel panic=-1 memblock=debug';

export interface KaslrVmemmapRun {
  profile: Profile;
  argv: string[];
  /** The DTB the kernel got (QEMU's dumpdtb with the same arguments), gzip + base64. */
  dtbGzB64: string;
  /** `__earlyonly_bootmem_alloc` lines on the console: the vmemmap's page-table pages. */
  tablePages: number;
}

const out: KaslrVmemmapRun[] = [];
const tmp = join(tmpdir(), `bootmap-kv-${process.pid}`);
mkdirSync(tmp, { recursive: true });
for (const c of CASES) {
  const k = findKernel(c.profile);
  if (!k) throw new Error(`${c.profile}: no kernel (scripts/fetch-kernels.sh)`);
  for (const seed of c.seeds) {
    const argv = ['-M', 'virt', '-cpu', 'cortex-a57', '-smp', String(c.smp), '-m', c.mem, '-seed', String(seed), '-nographic', '-no-reboot', '-kernel', k.path, '-append', APPEND];
    const dtb = join(tmp, `${c.profile}-${seed}.dtb`);
    spawnSync(QEMU, argv.map((a) => (a === 'virt' ? `virt,dumpdtb=${dtb}` : a)), { stdio: 'ignore' });
    // the memblock lines come within the first second; the rest of the boot is cut off
    const r = spawnSync(QEMU, argv, { encoding: 'latin1', timeout: 20_000, maxBuffer: 64 << 20 });
    const tablePages = (r.stdout.match(/__earlyonly_bootmem_alloc/g) ?? []).length;
    if (!/Memory: /.test(r.stdout)) throw new Error(`${c.profile} -seed ${seed}: no Memory: line`);
    out.push({ profile: c.profile, argv: argv.map((a) => a.replace(k.path, `$KERNELS/${k.name}`)), dtbGzB64: gzipSync(readFileSync(dtb), { level: 9 }).toString('base64'), tablePages });
    console.log(`${c.profile} -smp ${c.smp} -m ${c.mem} -seed ${seed}: ${tablePages} vmemmap table page(s)`);
  }
}
rmSync(tmp, { recursive: true, force: true });
mkdirSync(new URL('./kaslr-vmemmap/', import.meta.url), { recursive: true });
writeFileSync(new URL('./kaslr-vmemmap/fixtures.json', import.meta.url), JSON.stringify({ qemu: qemuVersion(), append: APPEND, runs: out }, null, 1) + '\n');
