// `bootmap demo`: the built-in example, no files needed: QEMU virt, 4 GiB, 2 CPUs, crashkernel=256M, all four kernels.
import type { Command } from 'commander';
import { predict } from '../../api/predict.ts';
import { InputFailure } from '../../inputs/errors.ts';
import { PROFILE_NAMES } from '../../kernels/profiles.ts';
import { renderDmesg } from '../../render/dmesg.ts';
import { renderText } from '../../render/text.ts';
import { predictionJson } from '../../render/json.ts';
import { parseSize } from '../../api/sizes.ts';

export function registerDemo(program: Command, out: (s: string) => void): void {
  program
    .command('demo')
    .description('predict a built-in example on all four Debian kernels (no input files needed)')
    .option('--ram <size>', 'RAM', '4G')
    .option('--cmdline <string>', 'command line', 'console=ttyAMA0 crashkernel=256M')
    .option('--json', 'the four predictions as a JSON array (schema bootmap.prediction/1 each)')
    .addHelpText('after', `
Examples:
  bootmap demo
  bootmap demo --ram 2G --cmdline "crashkernel=512M,high" --json`)
    .action((flags: { ram: string; cmdline: string; json?: boolean }) => {
      const ram = parseSize(flags.ram, '--ram');
      if (!ram.ok) throw new InputFailure(ram.error);
      const preds = PROFILE_NAMES.map((kernel) => {
        const r = predict({ machine: { type: 'qemu-virt', ramBytes: ram.value, smp: 2 }, kernel, cmdline: flags.cmdline });
        if (!r.ok) throw new InputFailure(r.error);
        return r.value;
      });
      if (flags.json) return void out(JSON.stringify(preds.map(predictionJson), null, 2) + '\n');
      out(`bootmap demo: QEMU virt, ${flags.ram} RAM, 2 CPUs, "${flags.cmdline}"\n`);
      // Side by side first: where each generation puts things.
      const hex = (v?: bigint) => (v === undefined ? '-' : '0x' + v.toString(16));
      const rows: [string, (p: (typeof preds)[number]) => string][] = [
        ['ZONE_DMA ends', (p) => hex(p.dma?.dmaPhysLimit)],
        ['CMA', (p) => (p.cma?.ok ? hex(p.cma.base) : p.cma ? 'fails' : '-')],
        ['crash kernel', (p) => (p.crash?.ok ? hex(p.crash.main!.base) : p.crash ? 'FAILS' : '-')],
        ['crash low', (p) => hex(p.crash?.low?.base)],
        ['swiotlb', (p) => hex(p.swiotlb?.base)],
      ];
      out(`\n${''.padEnd(16)}${PROFILE_NAMES.map((k) => k.padEnd(14)).join('')}\n`);
      for (const [name, f] of rows) out(`${name.padEnd(16)}${preds.map((p) => f(p).padEnd(14)).join('')}\n`);
      for (const p of preds) out(`\n=== ${p.profile.name} ===\n${renderText(p)}--- memory lines (dmesg) ---\n${renderDmesg(p.trace)}`);
    });
}
