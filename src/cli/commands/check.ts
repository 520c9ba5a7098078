// `bootmap check`: will kdump work here? Findings with evidence; exit 1 when one is an error.
import type { Command } from 'commander';
import { predict } from '../../api/predict.ts';
import { kexecPlan } from '../../api/kexec.ts';
import { checkKdump, renderFindings } from '../../check/lint.ts';
import { InputFailure } from '../../inputs/errors.ts';
import { parseFdt } from '../../inputs/fdt/check.ts';
import { EXIT_OK, EXIT_RESERVATION_FAILS } from '../exit-codes.ts';
import { addInputOptions, optionsFromFlags, type InputFlags } from './predict.ts';

export function registerCheck(program: Command, out: (s: string) => void, setExit: (c: number) => void): void {
  addInputOptions(program.command('check'))
    .description('will kdump work here? a lint with the evidence for each finding')
    .option('--json', 'findings as JSON')
    .addHelpText('after', `
Examples:
  bootmap check --machine qemu-virt --ram 4G --cmdline "crashkernel=512M,high" --kernel debian-6.1
  bootmap check --snapshot host.bootmap.json`)
    .action((f: InputFlags & { json?: boolean }) => {
      const o = optionsFromFlags(f);
      const r = predict(o);
      if (!r.ok) throw new InputFailure(r.error);
      const fdt = o.dtb ? parseFdt(o.dtb.bytes, o.dtb.file) : undefined;
      // The kdump kernel's own boot inside the region (DT boots: kexec-tools needs the DTB), with Debian's kdump command line.
      const plan = r.value.crash?.ok && !o.efi ? kexecPlan({ first: o }) : undefined;
      const findings = checkKdump(r.value, fdt?.ok ? fdt.value : undefined, plan?.ok ? plan.value.verdict : undefined);
      out(f.json ? JSON.stringify({ findings }, null, 2) + '\n' : renderFindings(findings));
      setExit(findings.some((x) => x.level === 'error') ? EXIT_RESERVATION_FAILS : EXIT_OK);
    });
}
