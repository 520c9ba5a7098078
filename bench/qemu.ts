// The route bootmap replaces: boot the real kernel under QEMU (TCG) and wait for its `Memory:` line.
// Same scenario as the cold CLI figure: -M virt -cpu cortex-a57 -smp 2 -m 4G, crashkernel=512M.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { summarize, type Summary } from './stats.ts';

export interface QemuRow {
  kernel: string;
  image: string;
  /** Spawn to the `Memory:` line on the serial console. */
  ms: Summary;
}

const SUITES: Record<string, string> = { 'debian-5.10': 'bullseye', 'debian-6.1': 'bookworm', 'debian-6.12': 'trixie', 'debian-7.2': 'sid' };
const TIMEOUT_MS = 120_000;

export function qemuAvailable(): boolean {
  return spawnSync('qemu-system-aarch64', ['--version']).status === 0;
}

export function kernelImage(profile: string): string | undefined {
  const dir = join(process.env.BOOTMAP_KERNELS ?? join(homedir(), '.cache', 'arm64-kernels'), SUITES[profile] ?? '');
  if (!existsSync(dir)) return undefined;
  const f = readdirSync(dir).filter((n) => n.startsWith('vmlinuz-')).sort().pop();
  return f ? join(dir, f) : undefined;
}

/** One boot, killed as soon as the line is out; resolves to the milliseconds it took. */
export function bootUntilMemoryLine(image: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const q = spawn('qemu-system-aarch64', [
      '-M', 'virt', '-cpu', 'cortex-a57', '-smp', '2', '-m', '4G', '-nographic', '-no-reboot',
      '-kernel', image, '-append', 'console=ttyAMA0 panic=-1 crashkernel=512M',
    ], { stdio: ['ignore', 'pipe', 'ignore'] });
    let buf = '';
    let done = false;
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      q.kill('SIGKILL');
      if (err) reject(err);
      else resolve(performance.now() - t);
    };
    const timer = setTimeout(() => finish(new Error(`no Memory: line in ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    q.stdout.setEncoding('latin1');
    q.stdout.on('data', (d: string) => {
      buf = (buf + d).slice(-4096);
      if (/\bMemory: \d+K\/\d+K available/.test(buf)) finish();
    });
    q.on('error', (e) => finish(e));
    q.on('exit', () => finish(new Error('QEMU exited before the Memory: line')));
  });
}

export async function benchQemu(runs: number, kernels: readonly string[]): Promise<QemuRow[]> {
  if (!qemuAvailable()) return [];
  const rows: QemuRow[] = [];
  for (const k of kernels) {
    const image = kernelImage(k);
    if (!image) continue;
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) ms.push(await bootUntilMemoryLine(image));
    rows.push({ kernel: k, image: image.split('/').slice(-2).join('/'), ms: summarize(ms) });
  }
  return rows;
}
