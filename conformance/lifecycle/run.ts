// `npm run lifecycle`: boots the kexec-lifecycle scenarios (scenarios.json) under each Debian kernel in QEMU with a
// guest userspace made only of Debian's arm64 packages (build-guest.sh), and records their console transcripts as
// fixtures: the first boot, /proc/iomem and the sysfs files at every step, kexec -d's output, and the kdump kernel's
// boot after the crash. `npm test` replays them (test/conformance/lifecycle.test.ts) without QEMU.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Command } from 'commander';
import { dumpDtb, findKernel, QEMU, qemuVersion, sha256 } from '../qemu.ts';
import { setup } from '../setup.ts';
import { CONSOLE_PREFIX, PROFILES, type Profile, SUITE_OF } from '../scenario.ts';
import { KDUMP_APPEND_BASE, LIFECYCLE_DIR, type LifecycleFixture, type LifecycleScenario, loadGridScenarios, loadLifecycleScenarios } from './scenario.ts';

const program = new Command()
  .name('lifecycle')
  .description('Record the kexec-lifecycle fixtures: boot, load a crash kernel, shrink, crash, boot the kdump kernel.')
  .option('--only <ids...>', 'only these scenario ids')
  .option('--grid', "the survival grid (grid.json) instead of scenarios.json")
  .option('--kernel <profiles...>', `only these profiles (${PROFILES.join(', ')})`)
  .option('--jobs <n>', 'QEMUs at once', '1')
  .option('--timeout <s>', 'seconds a whole run may take', '240')
  .option('--no-setup', 'skip the apt-get and kernel fetch step')
  .option('--kdump-extra <args>', 'append to the kdump command line (calibration runs with --out, e.g. memblock=debug)')
  .option('--out <dir>', 'write the fixtures here instead of conformance/lifecycle/fixtures (a determinism re-run)')
  .parse();
const opt = program.opts<{ only?: string[]; grid?: boolean; kernel?: string[]; jobs: string; timeout: string; out?: string; kdumpExtra?: string; setup: boolean }>();

const guestCache = (suite: string): string => join(process.env.BOOTMAP_GUESTS ?? join(homedir(), '.cache', 'bootmap-guests'), suite);
const here = dirname(new URL(import.meta.url).pathname);

function buildGuest(suite: string): string {
  const dir = guestCache(suite);
  const r = spawnSync('bash', [join(here, 'build-guest.sh'), suite, dir], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`build-guest.sh ${suite} failed`);
  return dir;
}

/** The guest's cpio, then (4-byte aligned, as the kernel's unpacker requires) an uncompressed one with the run's files. */
function makeInitrd(guest: string, work: string, files: Record<string, string | Buffer>): string {
  const ov = join(work, 'overlay');
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(ov, name)), { recursive: true });
    writeFileSync(join(ov, name), content);
  }
  const list = spawnSync('sh', ['-c', 'find . | LC_ALL=C sort | cpio -H newc -o --quiet -R 0:0'], { cwd: ov, maxBuffer: 1 << 30 });
  if (list.status !== 0) throw new Error(`cpio: ${list.stderr}`);
  const base = readFileSync(join(guest, 'guest.cpio.gz'));
  const pad = Buffer.alloc((4 - (base.length % 4)) % 4);
  const out = join(work, 'initrd.img');
  writeFileSync(out, Buffer.concat([base, pad, list.stdout]));
  return out;
}

/**
 * The kdump initrd: busybox and /init, plus (padMiB > 0) a second gzipped cpio, 4-byte aligned, holding /pad.bin of
 * incompressible bytes from a fixed seed, so it unpacks to about what it loads.
 */
function kdumpInitrd(guest: string, padMiB: number, work: string): Buffer {
  const base = readFileSync(join(guest, 'kdump-initrd.cpio.gz'));
  if (!padMiB) return base;
  const dir = join(work, `pad-${padMiB}`);
  const out = join(work, `kdump-initrd-${padMiB}.img`);
  if (existsSync(out)) return readFileSync(out);
  mkdirSync(dir, { recursive: true });
  let x = 0x9e3779b9 >>> 0;
  const pad = Buffer.alloc(padMiB << 20);
  for (let i = 0; i < pad.length; i += 4) { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; pad.writeUInt32LE(x, i); }
  writeFileSync(join(dir, 'pad.bin'), pad);
  const cpio = spawnSync('sh', ['-c', 'echo pad.bin | cpio -H newc -o --quiet -R 0:0 | gzip -1n'], { cwd: dir, maxBuffer: 1 << 30 });
  if (cpio.status !== 0) throw new Error(`cpio: ${cpio.stderr}`);
  const img = Buffer.concat([base, Buffer.alloc((4 - (base.length % 4)) % 4), cpio.stdout]);
  writeFileSync(out, img);
  return img;
}

function runQemu(argv: string[], timeoutMs: number): Promise<{ log: string; ms: number; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(QEMU, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (log += d));
    child.stderr.on('data', () => undefined);
    child.on('error', reject);
    child.on('close', () => { clearTimeout(timer); resolve({ log: log.replace(/\r/g, ''), ms: Date.now() - t0, timedOut }); });
  });
}

async function record(s: LifecycleScenario, profile: Profile): Promise<void> {
  const suite = SUITE_OF[profile];
  const kernel = findKernel(profile);
  if (!kernel) throw new Error(`no kernel for ${profile}: run scripts/fetch-kernels.sh`);
  const guest = buildGuest(suite);
  const crashKernel = s.crashKernel && s.crashKernel !== profile ? findKernel(s.crashKernel) : kernel;
  if (!crashKernel) throw new Error(`no kernel for ${s.crashKernel}: run scripts/fetch-kernels.sh`);
  const work = mkdtempSync(join(tmpdir(), 'bootmap-lc-'));
  try {
    const kdumpAppend = [KDUMP_APPEND_BASE, s.kdumpAppend, opt.kdumpExtra].filter(Boolean).join(' ');
    const scenarioSh = `ACTIONS="${s.actions.join(' ')}"\nKDUMP_APPEND="${kdumpAppend}"\n`;
    const initrd = makeInitrd(guest, work, {
      scenario: scenarioSh,
      'boot/Image': readFileSync(crashKernel.path),
      'boot/kdump-initrd': kdumpInitrd(guest, s.initrdPadMiB ?? 0, work),
    });
    const cmdline = `${CONSOLE_PREFIX} rdinit=/init ${s.cmdline}`.trim();
    const machine = ['-cpu', 'cortex-a57', '-smp', String(s.smp), '-m', s.memory, '-seed', '1', '-nographic', '-no-reboot'];
    const tail = ['-kernel', kernel.path, '-initrd', initrd, '-append', cmdline];
    const dtb = join(work, 'machine.dtb');
    dumpDtb(['-M', `virt,dumpdtb=${dtb}`, ...machine, ...tail]);
    const r = await runQemu(['-M', 'virt', ...machine, ...tail], Number(opt.timeout) * 1000);
    const dir = join(opt.out ?? LIFECYCLE_DIR, s.id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${profile}.log.gz`), gzipSync(r.log, { level: 9 }));
    writeFileSync(join(dir, `${profile}.dtb.gz`), gzipSync(readFileSync(dtb), { level: 9 }));
    const versions = readFileSync(join(guest, 'versions.txt'), 'utf8').trim().split('\n');
    const fx: LifecycleFixture = {
      scenario: s.id,
      profile,
      kernel: kernel.name,
      kernelSha256: sha256(readFileSync(kernel.path)),
      qemu: qemuVersion(),
      argv: [QEMU, '-M', 'virt', ...machine, '-kernel', kernel.name, '-initrd', 'initrd.img', '-append', cmdline],
      cmdline,
      kdumpCmdline: kdumpAppend,
      ...(crashKernel !== kernel ? { crashKernel: { profile: s.crashKernel!, kernel: crashKernel.name, kernelSha256: sha256(readFileSync(crashKernel.path)) } } : {}),
      actions: s.actions,
      guestPackages: versions,
      initrdBytes: readFileSync(initrd).length,
      kdumpInitrdBytes: kdumpInitrd(guest, s.initrdPadMiB ?? 0, work).length,
      ...(s.initrdPadMiB ? { kdumpInitrdPadMiB: s.initrdPadMiB } : {}),
      ms: r.ms,
      timedOut: r.timedOut,
    };
    writeFileSync(join(dir, `${profile}.json`), `${JSON.stringify(fx, null, 2)}\n`);
    const kdump = /===KDUMP/.test(r.log) ? 'kdump kernel reached init' : /Booting Linux[\s\S]*Booting Linux/.test(r.log) ? 'kdump kernel booted, did not reach init' : 'no kdump boot';
    console.log(`${s.id} ${profile}: ${(r.ms / 1000).toFixed(1)} s${r.timedOut ? ' (timeout)' : ''}, ${kdump}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (opt.setup) setup();
  const scenarios = (opt.grid ? loadGridScenarios() : loadLifecycleScenarios()).filter((s) => !opt.only || opt.only.includes(s.id));
  const profiles = PROFILES.filter((p) => !opt.kernel || opt.kernel.includes(p));
  const jobs = scenarios.flatMap((s) => profiles.filter((p) => !s.kernels || s.kernels.includes(p)).map((p) => () => record(s, p)));
  for (const p of profiles) buildGuest(SUITE_OF[p]);
  const n = Math.max(1, Number(opt.jobs));
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => { while (next < jobs.length) await jobs[next++](); }));
}

main().catch((e: unknown) => {
  console.error(`lifecycle: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
