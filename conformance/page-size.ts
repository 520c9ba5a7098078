// Records boots of Debian's 16K-page kernel (trixie ships linux-image-<rel>-arm64-16k beside the 4K one) on QEMU
// virt with -cpu max (the Cortex-A57 model has no 16K granule): the memory lines and the DTB each boot got, with the
// kernel's config, so that test/conformance/page-size.test.ts can predict them from the config alone.
//   npx tsx conformance/page-size.ts            (downloads the package into ~/.cache/arm64-kernels/trixie-16k)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { extractMemoryLines } from './lines.ts';
import { kernelDir, QEMU, qemuVersion } from './qemu.ts';

const RELEASE = '6.12.117+deb13-arm64-16k';
const APPEND = 'console=ttyAMA0 ignore_loglevel panic=-1';
const BOOTS: { mem: string; smp: number; cmdline: string }[] = [
  { mem: '4G', smp: 2, cmdline: 'crashkernel=512M' },
  { mem: '2G', smp: 2, cmdline: 'crashkernel=256M' },
];

/** The Image and config, fetched with the same arm64 apt state scripts/fetch-kernels.sh keeps. */
function fetchKernel(): { image: string; config: string } {
  const dir = join(kernelDir(), 'trixie-16k');
  const image = join(dir, `vmlinuz-${RELEASE}`);
  const config = join(dir, `config-${RELEASE}`);
  if (existsSync(image) && existsSync(config)) return { image, config };
  mkdirSync(dir, { recursive: true });
  const apt = join(kernelDir(), '.apt');
  const O = ['-oAPT::Architecture=arm64', '-oAPT::Architectures=arm64', `-oDir::State::Lists=${apt}/lists`, `-oDir::Etc::SourceList=${apt}/sources.list`, '-oDir::Etc::SourceParts=/dev/null', `-oDir::Cache=${apt}/cache`];
  const dl = spawnSync('apt-get', [...O, 'download', '-qq', `linux-image-${RELEASE}-unsigned`], { cwd: dir, stdio: 'inherit' });
  if (dl.status !== 0) throw new Error('apt-get download failed (run scripts/fetch-kernels.sh trixie first)');
  const deb = readdirSync(dir).find((f) => f.endsWith('.deb'))!;
  spawnSync('sh', ['-c', `dpkg-deb --fsys-tarfile '${deb}' | tar -x --wildcards './boot/vmlinuz-*' './boot/config-*' && mv boot/* . && rmdir boot && rm '${deb}'`], { cwd: dir, stdio: 'inherit' });
  return { image, config };
}

const k = fetchKernel();
const runs = BOOTS.map((b) => {
  const cmdline = `${APPEND} ${b.cmdline}`;
  const argv = ['-M', 'virt', '-cpu', 'max', '-smp', String(b.smp), '-m', b.mem, '-seed', '1', '-nographic', '-no-reboot', '-kernel', k.image, '-append', cmdline];
  const dtb = join(kernelDir(), 'trixie-16k', 'machine.dtb');
  spawnSync(QEMU, argv.map((a) => (a === 'virt' ? `virt,dumpdtb=${dtb}` : a)), { stdio: 'ignore' });
  const r = spawnSync(QEMU, argv, { encoding: 'latin1', timeout: 30_000, maxBuffer: 64 << 20 });
  const { lines, stop } = extractMemoryLines(r.stdout);
  if (stop !== 'memory') throw new Error(`${b.mem}: the boot stopped without its Memory: line (${stop})`);
  console.log(`16K ${b.mem} ${b.cmdline}: ${lines.length} memory lines`);
  return { argv: argv.map((a) => a.replace(k.image, `$KERNELS/trixie-16k/vmlinuz-${RELEASE}`)), cmdline, dtbGzB64: gzipSync(readFileSync(dtb), { level: 9 }).toString('base64'), lines };
});
mkdirSync(new URL('./page-size/', import.meta.url), { recursive: true });
writeFileSync(new URL('./page-size/config-16k.gz', import.meta.url), gzipSync(readFileSync(k.config), { level: 9 }));
writeFileSync(new URL('./page-size/fixtures.json', import.meta.url), JSON.stringify({ qemu: qemuVersion(), release: RELEASE, runs }, null, 1) + '\n');
