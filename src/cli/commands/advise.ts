// `bootmap advise`: a recommended crashkernel= for a machine and kernel, checked by the model, beside the distributions' values.
import type { Command } from 'commander';
import { advise } from '../../advise/advise.ts';
import { adviceJson, renderAdviceText } from '../../advise/render.ts';
import { parseSize } from '../../api/sizes.ts';
import { InputFailure } from '../../inputs/errors.ts';
import { EXIT_OK, EXIT_RESERVATION_FAILS } from '../exit-codes.ts';
import { addInputOptions, optionsFromFlags, type InputFlags } from './predict.ts';

type AdviseFlags = InputFlags & { json?: boolean; kdumpInitrdSize?: string; kdumpInitrdUnpacked?: string; kdumpCpus: string };

function size(text: string, field: string): bigint {
  const r = parseSize(text, field);
  if (!r.ok) throw new InputFailure(r.error);
  return r.value;
}

export function registerAdvise(program: Command, out: (s: string) => void, setExit: (c: number) => void): void {
  addInputOptions(program.command('advise'))
    .description('a crashkernel= for this machine: the dump kernel\'s needs, checked by the model, beside what distributions pick')
    .option('--kdump-initrd-size <size>', 'the dump kernel\'s initrd as loaded (default: 32M, an assumption)')
    .option('--kdump-initrd-unpacked <size>', 'its unpacked size (default: 3× the loaded size, an assumption)')
    .option('--kdump-cpus <n>', 'CPUs the dump kernel brings up (kdump-tools: nr_cpus=1)', '1')
    .option('--json', 'the advice as JSON (schema bootmap.advise/1)')
    .addHelpText('after', `
Examples:
  bootmap advise --machine qemu-virt --ram 4G --kernel debian-6.12
  bootmap advise --dtb board.dtb --loader at --image-addr 0x200000 --dtb-addr 0x2e00000 --kernel debian-7.2 --json
  bootmap advise --snapshot host.bootmap.json --kdump-initrd-size 48M

Exit codes: 0 a recommended size reserves, 1 no candidate reserves on this machine, 2 bad input.`)
    .action((f: AdviseFlags) => {
      const cpus = Number(f.kdumpCpus);
      if (!Number.isInteger(cpus) || cpus < 1 || cpus > 512) throw new InputFailure({ kind: 'option', code: 'BAD_SMP', file: '--kdump-cpus', expected: 'a CPU count from 1 to 512', found: f.kdumpCpus });
      const initrd = f.kdumpInitrdSize ? size(f.kdumpInitrdSize, '--kdump-initrd-size') : 32n << 20n;
      const unpacked = f.kdumpInitrdUnpacked ? size(f.kdumpInitrdUnpacked, '--kdump-initrd-unpacked') : 3n * initrd;
      const r = advise({
        predict: optionsFromFlags(f), initrdBytes: initrd, initrdUnpackedBytes: unpacked, cpus,
        assumed: { initrd: !f.kdumpInitrdSize, unpacked: !f.kdumpInitrdUnpacked },
      });
      if (!r.ok) throw new InputFailure(r.error);
      out(f.json ? JSON.stringify(adviceJson(r.value), null, 2) + '\n' : renderAdviceText(r.value));
      setExit(r.value.recommended ? EXIT_OK : EXIT_RESERVATION_FAILS);
    });
}
