// `bootmap linear-map`: the linear map the kernel builds for a machine (the same inputs as `predict`).
import type { Command } from 'commander';
import { predict } from '../../api/predict.ts';
import { linearMapReportOf } from '../../explore/linear-map-input.ts';
import { InputFailure } from '../../inputs/errors.ts';
import { dmesgLines } from '../../render/dmesg.ts';
import { renderLinearMapJson, renderLinearMapText, type LinearMapView } from '../../render/linear-map.ts';
import { EXIT_OK, EXIT_RESERVATION_FAILS } from '../exit-codes.ts';
import { addInputOptions, optionsFromFlags, type InputFlags } from './predict.ts';

export function registerLinearMap(program: Command, out: (s: string) => void, setExit: (c: number) => void): void {
  addInputOptions(program.command('linear-map'))
    .description('summarise the linear map: entries per level, mapping sizes, page-table memory, TLB reach, the crash region\'s mapping')
    .option('--format <fmt>', 'text | json', 'text')
    .addHelpText('after', `
Examples:
  bootmap linear-map --machine qemu-virt --ram 4G --cmdline "crashkernel=512M" --kernel debian-6.1
  bootmap linear-map --machine qemu-virt --ram 16G --cmdline "crashkernel=512M rodata=off kfence.sample_interval=100" --format json`)
    .action((flags: InputFlags & { format: string }) => {
      if (flags.format !== 'text' && flags.format !== 'json') throw new InputFailure({ kind: 'option', code: 'BAD_FORMAT', file: '--format', expected: 'text or json', found: flags.format });
      const opts = optionsFromFlags(flags);
      const r = predict(opts);
      if (!r.ok) throw new InputFailure(r.error);
      const p = r.value;
      const cpu = opts.machine?.cpu ?? opts.cpu;
      const report = linearMapReportOf(p, { lpa2: cpu?.split(',')[0] === 'max' });
      const view: LinearMapView = {
        kernel: p.profile.name,
        cmdline: p.cmdline,
        report,
        tracePages: report.tracePages,
        memoryLine: dmesgLines(p.trace).find((l) => l.text.startsWith('Memory:'))?.text,
      };
      out(flags.format === 'json' ? renderLinearMapJson(view) : renderLinearMapText(view));
      setExit(p.crash && !p.crash.ok ? EXIT_RESERVATION_FAILS : EXIT_OK);
    });
}
