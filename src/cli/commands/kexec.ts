// `bootmap kexec`: the crash region's life after boot — shrink, load a crash kernel, what guards it, and the kdump
// kernel's own boot inside it, with whether it lives.
import type { Command } from 'commander';
import { kexecPlan, type LoadPath } from '../../api/kexec.ts';
import { parseSize } from '../../api/sizes.ts';
import { InputFailure, type Result } from '../../inputs/errors.ts';
import { renderKexecJson, renderKexecText } from '../../render/kexec.ts';
import { EXIT_OK, EXIT_RESERVATION_FAILS } from '../exit-codes.ts';
import { readInput } from '../io.ts';
import { addInputOptions, optionsFromFlags, type InputFlags } from './predict.ts';

interface KexecFlags extends InputFlags {
  crashKernel?: string;
  initrd?: string;
  crashCmdline?: string;
  load: string;
  shrink?: string[];
  noChecks?: boolean;
  format: string;
  json?: boolean;
}

const unwrap = <T>(r: Result<T>): T => {
  if (!r.ok) throw new InputFailure(r.error);
  return r.value;
};

export function registerKexec(program: Command, out: (s: string) => void, setExit: (c: number) => void): void {
  addInputOptions(program.command('kexec'))
    .description('load a crash kernel into the reserved region: segments, shrinking, protection, and the kdump kernel\'s boot')
    .option('--crash-kernel <image|profile>', 'the crash kernel: an Image/vmlinuz file or a profile (default: the first kernel)')
    .option('--initrd <file|size>', 'the kdump kernel\'s initrd: a file, or only its size (e.g. 24M)')
    .option('--crash-cmdline <string>', 'the kdump kernel\'s command line (default: Debian kdump-tools\': the first command line without crashkernel=, plus "reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1")')
    .option('--load <path>', 'kexec_load (kexec-tools places the segments) or kexec_file_load (the kernel does)', 'kexec_load')
    .option('--shrink <size...>', 'write these sizes to /sys/kernel/kexec_crash_size before loading, in order')
    .option('--no-checks', 'kexec -i: purgatory skips its sha256 check')
    .option('--format <fmt>', 'text | json', 'text')
    .option('--json', 'same as --format json')
    .addHelpText('after', `
Exit codes: 0 the kdump kernel is predicted to live, 1 the load fails or the kdump kernel dies, 2 bad input.

Examples:
  bootmap kexec --machine qemu-virt --ram 4G --smp 2 --cmdline crashkernel=256M --kernel debian-6.12
  bootmap kexec --machine qemu-virt --ram 4G --cmdline crashkernel=256M --shrink 192M --initrd 24M --format json
  bootmap kexec --snapshot host.bootmap.json --crash-kernel /boot/vmlinuz-6.12.0 --initrd /var/lib/kdump/initrd.img`)
    .action((f: KexecFlags) => {
      const first = optionsFromFlags(f);
      if (f.load !== 'kexec_load' && f.load !== 'kexec_file_load') {
        throw new InputFailure({ kind: 'option', code: 'BAD_LOAD', file: '--load', expected: 'kexec_load or kexec_file_load', found: f.load });
      }
      let initrd;
      if (f.initrd !== undefined) {
        const size = parseSize(f.initrd, '--initrd');
        if (size.ok) initrd = { size: size.value };
        else {
          const bytes = readInput(f.initrd, 'initrd');
          initrd = { size: BigInt(bytes.length), bytes, file: f.initrd };
        }
      }
      const crashKernel = f.crashKernel === undefined ? undefined
        : /^debian-/.test(f.crashKernel) ? f.crashKernel : { bytes: readInput(f.crashKernel, 'crash kernel image'), file: f.crashKernel };
      const r = unwrap(kexecPlan({
        first, crashKernel, initrd, crashCmdline: f.crashCmdline, load: f.load as LoadPath,
        shrink: (f.shrink ?? []).map((s) => unwrap(parseSize(s, '--shrink'))), noChecks: f.noChecks === false ? true : undefined,
      }));
      const fmt = f.json ? 'json' : f.format;
      if (fmt === 'json') out(renderKexecJson(r));
      else if (fmt === 'text') out(renderKexecText(r));
      else throw new InputFailure({ kind: 'option', code: 'BAD_FORMAT', file: '--format', expected: 'text or json', found: fmt });
      setExit(r.verdict.lives === false ? EXIT_RESERVATION_FAILS : EXIT_OK);
    });
}
