// `bootmap boards`: the survey over every board DTB Debian's arm64 kernel package ships (or any directory of them).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { parseSize } from '../../api/sizes.ts';
import { renderBoardsJson, renderBoardsTable, summarize, surveyBoard, type BoardRow } from '../../boards/index.ts';
import { InputFailure } from '../../inputs/errors.ts';

export const DEFAULT_DTBS = join(homedir(), '.cache', 'arm64-kernels', 'trixie', 'dtbs');

function dtbFiles(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...dtbFiles(p));
    else if (n.endsWith('.dtb')) out.push(p);
  }
  return out;
}

export function registerBoards(program: Command, out: (s: string) => void, err: (s: string) => void): void {
  program
    .command('boards')
    .description('survey board DTBs: DMA zone limit, memory, /reserved-memory, where crashkernel= lands')
    .option('--dtbs <dir>', 'directory of .dtb files (searched recursively)', DEFAULT_DTBS)
    .option('--ram <size>', 'DRAM to fill in as each board\'s firmware would (default: the memory the DTB declares)')
    .option('--kernel <profile>', 'debian-5.10, debian-6.1, debian-6.12 or debian-7.2', 'debian-6.12')
    .option('--crashkernel <sizes>', 'comma-separated crashkernel= sizes to try', '256M,1G')
    .option('--format <fmt>', 'table | json', 'table')
    .addHelpText('after', `
The default directory is filled by: bash /work/shared/tools/debian-arm64-kernels.sh --dtbs trixie
Examples:
  bootmap boards --ram 4G
  bootmap boards --dtbs ~/.cache/arm64-kernels/trixie/dtbs/broadcom --ram 8G --kernel debian-7.2 --format json`)
    .action((f: { dtbs: string; ram?: string; kernel: string; crashkernel: string; format: string }) => {
      if (f.format !== 'table' && f.format !== 'json') throw new InputFailure({ kind: 'option', code: 'BAD_FORMAT', file: '--format', expected: 'table or json', found: f.format });
      if (!existsSync(f.dtbs) || !statSync(f.dtbs).isDirectory()) {
        throw new InputFailure({
          kind: 'option', code: 'NO_DTBS', file: f.dtbs,
          expected: 'a directory of board .dtb files (fetch Debian\'s: bash /work/shared/tools/debian-arm64-kernels.sh --dtbs trixie)', found: 'no such directory',
        });
      }
      let ramBytes: bigint | undefined;
      if (f.ram !== undefined) {
        const r = parseSize(f.ram, '--ram');
        if (!r.ok) throw new InputFailure(r.error);
        ramBytes = r.value;
      }
      const files = dtbFiles(f.dtbs);
      if (files.length === 0) throw new InputFailure({ kind: 'option', code: 'NO_DTBS', file: f.dtbs, expected: 'at least one .dtb file under it', found: 'none' });
      const requests = f.crashkernel.split(',').map((s) => s.trim()).filter(Boolean);
      const t0 = performance.now();
      const rows: BoardRow[] = files.map((p) => surveyBoard(new Uint8Array(readFileSync(p)), relative(f.dtbs, p), { ramBytes, kernel: f.kernel, requests }));
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      out(f.format === 'json' ? renderBoardsJson(rows) : renderBoardsTable(rows));
      const s = summarize(rows);
      err(`${s.boards} boards in ${secs} s: ${s.errors} rejected, ${s.fails} with a failing crashkernel=, ${s.aboveDma} with a crash region above their DMA limit\n`);
    });
}
