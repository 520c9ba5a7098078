// `bootmap explore`: the crash-reservation orderings kernels have used (and one hypothetical) over a platform corpus.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseSize } from '../../api/sizes.ts';
import { GRANULES, PLATFORMS, runExplore, type ExploreGranule } from '../../explore/index.ts';
import { InputFailure } from '../../inputs/errors.ts';
import { renderExploreJson, renderExploreSvg, renderExploreTable } from '../../render/explore.ts';

interface ExploreFlags { format: string; out?: string; crashSize: string; extraCmdline: string; platform?: string; granule?: string }

const list = (s: string | undefined): string[] | undefined => (s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter(Boolean));

export function registerExplore(program: Command, out: (s: string) => void, err: (s: string) => void): void {
  program
    .command('explore')
    .description('compare crash-reservation orderings over a platform corpus: placement, DMA reach, protection, page tables, TLB reach')
    .option('--format <fmt>', 'table | json | svg', 'table')
    .option('--out <file>', 'write the output to a file instead of stdout')
    .option('--crash-size <size>', 'the crashkernel= size', '512M')
    .option('--extra-cmdline <words>', 'the rest of the command line', 'rodata=off kfence.sample_interval=100')
    .option('--platform <ids>', `comma-separated subset of: ${PLATFORMS.map((p) => p.id).join(', ')}`)
    .option('--granule <sizes>', 'comma-separated subset of 4K, 16K, 64K')
    .addHelpText('after', `
Examples:
  bootmap explore
  bootmap explore --format svg --out explore.svg
  bootmap explore --platform rpi4-8g,server-16t --granule 4K --crash-size 1G --format json`)
    .action((f: ExploreFlags) => {
      if (!['table', 'json', 'svg'].includes(f.format)) throw new InputFailure({ kind: 'option', code: 'BAD_FORMAT', file: '--format', expected: 'table, json or svg', found: f.format });
      const size = parseSize(f.crashSize, '--crash-size');
      if (!size.ok) throw new InputFailure(size.error);
      if (size.value < 2n << 20n || size.value % (2n << 20n) !== 0n) throw new InputFailure({ kind: 'option', code: 'BAD_SIZE', file: '--crash-size', expected: 'a multiple of 2 MiB', found: f.crashSize });
      const ids = list(f.platform);
      const platforms = ids?.map((id) => {
        const p = PLATFORMS.find((q) => q.id === id);
        if (!p) throw new InputFailure({ kind: 'option', code: 'UNKNOWN_PLATFORM', file: '--platform', expected: PLATFORMS.map((q) => q.id).join(', '), found: id });
        return p;
      });
      const granules = list(f.granule)?.map((g): ExploreGranule => {
        const v = parseSize(g, '--granule');
        const n = v.ok ? Number(v.value) : NaN;
        if (!(GRANULES as readonly number[]).includes(n)) throw new InputFailure({ kind: 'option', code: 'BAD_GRANULE', file: '--granule', expected: '4K, 16K or 64K', found: g });
        return n as ExploreGranule;
      });
      const t0 = performance.now();
      const x = runExplore({ crashSize: size.value, extraCmdline: f.extraCmdline, platforms, granules });
      const ms = (performance.now() - t0).toFixed(0);
      const text = f.format === 'json' ? renderExploreJson(x) : f.format === 'svg' ? renderExploreSvg(x) : renderExploreTable(x);
      if (f.out) {
        writeFileSync(f.out, text);
        err(`${x.rows.length} runs in ${ms} ms → ${f.out}\n`);
      } else {
        out(text);
      }
    });
}
