// `bootmap serve`: the page, on 127.0.0.1 only.
import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputFailure } from '../../inputs/errors.ts';
import { pageServer } from '../serve.ts';

export function registerServe(program: Command, out: (s: string) => void): void {
  program
    .command('serve')
    .description('a local page (127.0.0.1 only): drop a DTB or pick the preset, type a command line, compare kernels live')
    .option('--port <n>', 'port (0: any free one)', '8737')
    .addHelpText('after', `
Examples:
  bootmap serve                 # then open http://127.0.0.1:8737/
  bootmap serve --port 0        # any free port; the address is printed`)
    .action(async (f: { port: string }) => {
      const port = Number(f.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputFailure({ kind: 'option', code: 'BAD_PORT', file: '--port', expected: 'a port number', found: f.port });
      // bin/bootmap.mjs runs from the repository (bundle or sources): the page lives beside it.
      let root = join(dirname(fileURLToPath(import.meta.url)), '..', 'web', 'dist');
      if (!existsSync(root)) root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'web', 'dist');
      if (!existsSync(join(root, 'app.js'))) {
        const build = join(root, '..', '..', 'scripts', 'build-web.mjs');
        const r = spawnSync(process.execPath, [build, '--quiet'], { stdio: 'inherit' });
        if (r.status !== 0) throw new InputFailure({ kind: 'option', code: 'NO_PAGE', file: 'web/dist', expected: 'the built page (npm run build:web)' });
      }
      const server = pageServer(root);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      const addr = server.address();
      out(`bootmap page: http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}/  (Ctrl-C to stop)\n`);
      await new Promise(() => {});
    });
}
