// Installs what a recording needs on a fresh machine (QEMU, dtc, cpio from Debian's packages; apt-get, with sudo
// when not root) and fetches the Debian kernels (scripts/fetch-kernels.sh; a no-op when they are cached).
import { spawnSync } from 'node:child_process';
import { kernelDir } from './qemu.ts';

export function setup(): void {
  const missing = ['qemu-system-aarch64', 'dtc', 'cpio'].filter((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status !== 0);
  if (missing.length) {
    const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
    console.log(`installing qemu-system-arm device-tree-compiler cpio (missing: ${missing.join(', ')})`);
    const sh = (args: string[]): void => {
      const r = spawnSync(sudo[0] ?? args[0], sudo.length ? args : args.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      if (r.status !== 0) throw new Error(`${args.join(' ')} failed`);
    };
    sh(['apt-get', 'update']);
    sh(['apt-get', 'install', '-y', '--no-install-recommends', 'qemu-system-arm', 'device-tree-compiler', 'cpio']);
  }
  const script = new URL('../scripts/fetch-kernels.sh', import.meta.url).pathname;
  const r = spawnSync('bash', [script, '--dest', kernelDir()], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('scripts/fetch-kernels.sh failed');
}
