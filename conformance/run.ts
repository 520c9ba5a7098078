// `npm run conformance`: boots every scenario under each Debian kernel in QEMU and records or checks the fixtures.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Command } from 'commander';
import { extractMemoryLines, findLine, type MemoryLine } from './lines.ts';
import {
  CALIBRATION_DIR, diffLines, type Fixture, FIXTURE_DIR, fixturePath, formatDiff, type LoadedScenario, loadScenarios,
  onlyMemoryDrift, readFixture,
} from './fixture.ts';
import {
  atArgv, boot, type BootResult, machineArgs, findKernel, hex, type KernelImage, kernelDir, prepareDtb, type PreparedDtb,
  qemuVersion, sha256, virtArgv, withBootargs,
} from './qemu.ts';
import { CALIBRATION_ARGS, fullCmdline, PROFILES, type Profile, type Scenario } from './scenario.ts';
import { prepareUefi, uefiArgv } from './uefi.ts';
import { setup } from './setup.ts';

const program = new Command()
  .name('conformance')
  .description('Boot the scenario corpus under the Debian arm64 kernels in QEMU; record or check the fixtures.')
  .option('--record', 'boot and (over)write the fixtures of the selected scenarios')
  .option('--live', 'boot and compare with the stored fixtures, writing nothing')
  .option('--determinism', 'boot the selected scenarios twice and report lines that differ')
  .option('--calibrate', 'also boot with memblock=debug and store the console under conformance/calibration/')
  .option('--only <ids...>', 'only these scenario ids')
  .option('--kernel <profiles...>', `only these profiles (${PROFILES.join(', ')})`)
  .option('--jobs <n>', 'QEMUs at once (1 or 2)', '2')
  .option('--no-setup', 'skip the apt-get and kernel fetch step')
  .parse();
const opt = program.opts<{
  record?: boolean; live?: boolean; determinism?: boolean; calibrate?: boolean; only?: string[]; kernel?: string[]; jobs: string; setup: boolean;
}>();

interface Job {
  readonly ls: LoadedScenario;
  readonly kernel: KernelImage;
  readonly argv: string[];
  /** The argv as the fixture records it: the Image relative to the kernel cache, DTBs by file name. */
  readonly shownArgv: string[];
}

/** Runs jobs with at most `n` QEMUs at once. */
async function pool<T, R>(items: readonly T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

const tmpUefi = mkdtempSync(join(tmpdir(), 'bootmap-uefi-'));

function argvFor(s: Scenario, kernel: KernelImage, dtb: PreparedDtb, cmdline: string): { argv: string[]; shown: string[] } {
  const show = (argv: string[]): string[] =>
    argv.map((a) =>
      a.replace(kernel.path, `$KERNELS/${kernel.name}`)
        .replace(dtb.machine, 'machine.dtb').replace(dtb.input ?? '\0', 'input.dtb').replace(dtb.stub ?? '\0', 'stub.bin'));
  if (s.loader.kind === 'uefi') {
    // UEFI boots: per-boot vars copies and the IORT upgrade cpio live next to the prepared DTB.
    const dir = dirname(dtb.machine.startsWith(FIXTURE_DIR) ? join(tmpUefi, s.id, 'x') : dtb.machine);
    mkdirSync(dir, { recursive: true });
    const files = prepareUefi(s, dir);
    const argv = uefiArgv(machineArgs(s), kernel.path, cmdline, dir, kernel.profile, files);
    return { argv, shown: show(argv).map((a) => a.replace(/^if=pflash,format=raw,file=.*\/(vars-[^/]*\.fd)$/, 'if=pflash,format=raw,file=$1').replace(files.initrd ?? '\0', 'acpi-upgrade.cpio')) };
  }
  const argv = s.loader.kind === 'at' ? atArgv(s, kernel.path, dtb.machine, dtb.stub!) : virtArgv(s, kernel.path, cmdline, dtb.input);
  return { argv, shown: show(argv) };
}

const imageSha = new Map<string, string>();
function kernelSha(k: KernelImage): string {
  let h = imageSha.get(k.path);
  if (!h) imageSha.set(k.path, (h = sha256(readFileSync(k.path))));
  return h;
}

/** The part of the console up to the stop, gzip-compressed. */
const gz = (log: string): Uint8Array => gzipSync(Buffer.from(log), { level: 9 });

function kernelsOf(s: Scenario): KernelImage[] {
  const want = opt.kernel ? s.kernels.filter((p) => opt.kernel!.includes(p)) : s.kernels;
  return want.map((p) => {
    const k = findKernel(p);
    if (!k) throw new Error(`no kernel for ${p} under ${kernelDir()} (run scripts/fetch-kernels.sh)`);
    return k;
  });
}

function describe(r: BootResult, lines: readonly MemoryLine[]): string {
  return `${(r.ms / 1000).toFixed(1)} s, ${lines.length} lines, stop: ${r.stop}`;
}

async function main(): Promise<void> {
  if (opt.setup) setup();
  for (const p of opt.kernel ?? []) if (!(PROFILES as readonly string[]).includes(p)) throw new Error(`unknown profile ${p}`);
  const { scenarios: all, errors } = loadScenarios(sha256);
  if (errors.length) {
    console.error(errors.join('\n'));
    process.exit(2);
  }
  for (const id of opt.only ?? []) if (!all.some((l) => l.scenario.id === id)) throw new Error(`no scenario ${id}`);
  // --determinism without --only boots a spread sample of about a dozen scenarios (every k-th by id).
  const step = Math.max(1, Math.ceil(all.length / 12));
  const selected = opt.only ? all.filter((l) => opt.only!.includes(l.scenario.id))
    : opt.determinism ? all.filter((_, i) => i % step === 0) : all;
  const jobs = Math.max(1, Math.min(2, Number(opt.jobs) || 2));
  const version = qemuVersion();
  const tmp = mkdtempSync(join(tmpdir(), 'bootmap-conformance-'));
  const t0 = Date.now();
  let failed = 0;
  try {
    // record: 'all' with --record; 'missing' (fixtures absent or recorded from another scenario file) by default.
    const record = opt.record ? 'all' : opt.live || opt.determinism || opt.calibrate ? 'none' : 'missing';
    const mode = opt.live ? 'live' : opt.determinism ? 'determinism' : record !== 'none' ? 'record' : 'calibrate';
    // Prepare each scenario's DTB once: every kernel of a scenario boots the same machine.dtb.
    const work: { job: Job; dtb: PreparedDtb; record: boolean }[] = [];
    for (const ls of selected) {
      const s = ls.scenario;
      const kernels = kernelsOf(s);
      const missing = (k: KernelImage): boolean => readFixture(s.id, k.profile)?.scenarioSha256 !== ls.sha256;
      const toRecord = record === 'all' ? kernels : record === 'missing' ? kernels.filter(missing) : [];
      const todo = opt.live || opt.determinism || opt.calibrate ? kernels : toRecord;
      if (todo.length === 0) continue;
      const dir = join(tmp, s.id);
      mkdirSync(dir);
      const cmdline = fullCmdline(s);
      let dtb = prepareDtb(s, kernels[0].path, cmdline, dir);
      const stored = join(FIXTURE_DIR, s.id, 'machine.dtb');
      // A fresh machine.dtb only when all of the scenario's fixtures are recorded anew; otherwise the stored blob
      // is the one an `at` boot loads, and the one a partial re-recording of a -kernel boot refers to.
      if (toRecord.length < kernels.length && existsSync(stored)) {
        if (s.loader.kind === 'at') copyFileSync(stored, dtb.machine);
        else dtb = { ...dtb, machine: stored };
      }
      for (const kernel of todo) {
        const { argv, shown } = argvFor(s, kernel, dtb, cmdline);
        work.push({ job: { ls, kernel, argv, shownArgv: shown }, dtb, record: toRecord.includes(kernel) });
      }
    }
    console.log(`${mode}: ${work.length} boots of ${new Set(work.map((w) => w.job.ls.scenario.id)).size} scenarios, ${jobs} at once (QEMU ${version})`);

    if (record !== 'none') {
      const written = new Set<string>();
      await pool(work.filter((w) => w.record), jobs, async ({ job, dtb }) => {
        const s = job.ls.scenario;
        let r: BootResult;
        try {
          r = await boot(job.argv);
        } catch (e) {
          console.log(`${s.id.padEnd(34)} ${job.kernel.profile.padEnd(12)} FAILED: ${(e as Error).message.split('\n')[0]}`);
          failed++;
          return;
        }
        const { lines, stop } = extractMemoryLines(r.log);
        const dir = join(FIXTURE_DIR, s.id);
        mkdirSync(dir, { recursive: true });
        if (!written.has(s.id)) {
          written.add(s.id);
          if (dtb.machine !== join(dir, 'machine.dtb')) copyFileSync(dtb.machine, join(dir, 'machine.dtb'));
          if (dtb.input) copyFileSync(dtb.input, join(dir, 'input.dtb'));
          const iort = job.argv.includes('-initrd') ? join(dirname(job.argv[job.argv.indexOf('-initrd') + 1]), 'iort.aml') : undefined;
          if (iort) copyFileSync(iort, join(dir, 'iort.aml'));
        }
        const banner = findLine(r.log, 'Linux version ') ?? '';
        const fixture: Fixture = {
          scenario: s.id,
          scenarioSha256: job.ls.sha256,
          profile: job.kernel.profile,
          kernel: { image: job.kernel.name, sha256: kernelSha(job.kernel), banner },
          cmdline: (findLine(r.log, 'Kernel command line: ') ?? '').replace(/^Kernel command line: /, ''),
          qemu: { version, argv: job.shownArgv },
          cpu: s.machine.cpu,
          loader: s.loader.kind === 'at'
            ? { type: 'at', kind: 'at', imageAddr: hex(s.loader.imageAddr), dtbAddr: hex(s.loader.dtbAddr), stubAddr: hex(s.loader.stubAddr) }
            : s.loader.kind === 'uefi'
              ? { type: 'uefi', kind: 'uefi', ...(s.loader.iort ? { iort: 'iort.aml' as const, initrdSize: '0x7000' } : {}) }
              : { type: 'qemu-virt', kind: 'qemu-virt' },
          dtb: {
            file: 'machine.dtb',
            sha256: sha256(readFileSync(dtb.machine)),
            ...(dtb.input ? { input: { file: 'input.dtb' as const, sha256: sha256(readFileSync(dtb.input)) } } : {}),
          },
          stop,
          bootMs: r.ms,
          lines,
        };
        writeFileSync(fixturePath(s.id, job.kernel.profile), JSON.stringify(fixture, null, 1) + '\n');
        writeFileSync(join(dir, `${job.kernel.profile}.log.gz`), gz(r.log));
        if (stop !== 'memory' || !banner) failed++;
        console.log(`${s.id.padEnd(34)} ${job.kernel.profile.padEnd(12)} recorded (${describe(r, lines)})`);
      });
    }

    if (mode === 'live' || mode === 'determinism') {
      // per profile: boots whose lines were identical / differed only in the Memory: line / differed elsewhere
      const tally = new Map<Profile, [number, number, number]>();
      const count = (p: Profile, d: readonly unknown[], memoryOnly: boolean): void => {
        const t = tally.get(p) ?? [0, 0, 0];
        t[d.length === 0 ? 0 : memoryOnly ? 1 : 2]++;
        tally.set(p, t);
      };
      await pool(work, jobs, async ({ job }) => {
        const s = job.ls.scenario;
        const fx = readFixture(s.id, job.kernel.profile);
        const a = await boot(job.argv);
        const la = extractMemoryLines(a.log).lines;
        const tag = `${s.id.padEnd(34)} ${job.kernel.profile.padEnd(12)}`;
        if (mode === 'determinism') {
          const b = await boot(job.argv);
          const d = diffLines(la, extractMemoryLines(b.log).lines);
          count(job.kernel.profile, d, onlyMemoryDrift(d));
          console.log(`${tag} ${d.length === 0 ? 'identical' : onlyMemoryDrift(d) ? 'Memory: drift only' : 'DIFFERENT'} (${describe(a, la)}; ${(b.ms / 1000).toFixed(1)} s)`);
          if (d.length) console.log(formatDiff(d));
          if (d.length && !onlyMemoryDrift(d)) failed++;
        }
        if (!fx) {
          console.log(`${tag} no fixture`);
          return;
        }
        const d = diffLines(fx.lines, la);
        const stale = fx.scenarioSha256 !== job.ls.sha256 ? ' (scenario file changed since recording)' : '';
        if (mode === 'determinism' && d.length) {
          console.log(`${tag} first boot vs fixture: ${onlyMemoryDrift(d) ? 'Memory: drift only' : 'DIFFERENT'}\n${formatDiff(d)}`);
        }
        if (mode === 'live') {
          count(job.kernel.profile, d, onlyMemoryDrift(d));
          console.log(`${tag} ${d.length === 0 ? 'matches' : onlyMemoryDrift(d) ? 'matches but for Memory: drift' : 'STALE'}${stale} (${describe(a, la)})`);
          if (d.length) console.log(formatDiff(d));
          if ((d.length && !onlyMemoryDrift(d)) || stale) failed++;
        }
      });
      const what = mode === 'live' ? 'fresh boot vs fixture' : 'boot vs repeated boot';
      for (const [p, [same, mem, other]] of [...tally].sort()) {
        console.log(`${what} ${p.padEnd(12)} identical ${same}, Memory: line only ${mem}, other lines ${other}`);
      }
    }

    if (opt.calibrate) {
      await pool(work, jobs, async ({ job, dtb }) => {
        const s = job.ls.scenario;
        const cmdline = fullCmdline(s, CALIBRATION_ARGS);
        let argv: string[];
        if (s.loader.kind === 'at') {
          const cal = join(tmp, s.id, `calibration-${job.kernel.profile}.dtb`);
          withBootargs(dtb.machine, cmdline, cal);
          argv = atArgv(s, job.kernel.path, cal, dtb.stub!);
        } else argv = virtArgv(s, job.kernel.path, cmdline, dtb.input);
        const r = await boot(argv);
        const lines = extractMemoryLines(r.log).lines;
        const dir = join(CALIBRATION_DIR, s.id);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `${job.kernel.profile}.memblock.log.gz`), gz(r.log));
        const fx = readFixture(s.id, job.kernel.profile);
        const d = fx ? diffLines(fx.lines, lines) : [];
        const verdict = !fx ? 'no fixture to compare' : d.length === 0 ? 'memory lines unchanged' : onlyMemoryDrift(d) ? 'unchanged but for Memory: drift' : 'MEMORY LINES MOVED';
        console.log(`${s.id.padEnd(34)} ${job.kernel.profile.padEnd(12)} calibration ${verdict} (${describe(r, lines)})`);
        if (d.length && !onlyMemoryDrift(d)) {
          console.log(formatDiff(d));
          failed++;
        }
      });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(tmpUefi, { recursive: true, force: true });
  }
  console.log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s${failed ? `, ${failed} problem(s)` : ''}`);
  process.exit(failed ? 1 : 0);
}

main().catch((e: unknown) => {
  console.error(`conformance: ${(e as Error).message}`);
  process.exit(2);
});
