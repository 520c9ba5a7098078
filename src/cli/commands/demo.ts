// `bootmap demo`: the built-in example, no files needed: QEMU virt, 4 GiB, 2 CPUs, crashkernel=256M, all four kernels.
import type { Command } from 'commander';
import { predict } from '../../api/predict.ts';
import { InputFailure } from '../../inputs/errors.ts';
import { PROFILE_NAMES } from '../../kernels/profiles.ts';
import { renderDmesg } from '../../render/dmesg.ts';
import { renderText } from '../../render/text.ts';

export function registerDemo(program: Command, out: (s: string) => void): void {
  program
    .command('demo')
    .description('predict a built-in example on all four Debian kernels (no input files needed)')
    .option('--ram <size>', 'RAM', '4G')
    .option('--cmdline <string>', 'command line', 'console=ttyAMA0 crashkernel=256M')
    .action((flags: { ram: string; cmdline: string }) => {
      out(`bootmap demo: QEMU virt, ${flags.ram} RAM, 2 CPUs, "${flags.cmdline}"\n`);
      for (const kernel of PROFILE_NAMES) {
        const ram = BigInt(parseInt(flags.ram, 10)) << (/g/i.test(flags.ram) ? 30n : 20n);
        const r = predict({ machine: { type: 'qemu-virt', ramBytes: ram, smp: 2 }, kernel, cmdline: flags.cmdline });
        if (!r.ok) throw new InputFailure(r.error);
        out(`\n=== ${kernel} ===\n${renderText(r.value)}--- memory lines (dmesg) ---\n${renderDmesg(r.value.trace)}`);
      }
    });
}
