// `bootmap predict`: what the kernel will print about memory, and where crashkernel= lands.
import type { Command } from 'commander';
import { predict, type PredictOptions } from '../../api/predict.ts';
import { parseSize } from '../../api/sizes.ts';
import { InputFailure, type Result } from '../../inputs/errors.ts';
import { renderDmesg } from '../../render/dmesg.ts';
import { renderJson } from '../../render/json.ts';
import { renderText } from '../../render/text.ts';
import { renderSvg } from '../../render/svg.ts';
import { renderHtml } from '../../render/html.ts';
import { EXIT_OK, EXIT_RESERVATION_FAILS } from '../exit-codes.ts';
import { readInput } from '../io.ts';
import { dtsToDtb, isDtsPath } from '../dts.ts';
import { parseSnapshot, snapshotToPredictOptions } from '../../inputs/snapshot/index.ts';

export interface InputFlags {
  kernel?: string;
  config?: string;
  dtb?: string;
  machine?: string;
  ram?: string;
  smp?: string;
  cpu?: string;
  loader?: string;
  imageAddr?: string;
  dtbAddr?: string;
  initrdAddr?: string;
  initrdSize?: string;
  cmdline?: string;
  efiMemmap?: string;
  iort?: string;
  snapshot?: string;
}

const unwrap = <T>(r: Result<T>): T => {
  if (!r.ok) throw new InputFailure(r.error);
  return r.value;
};

/** Builds PredictOptions from the shared input flags (predict, linear-map, kexec, explain … share them). */
export function optionsFromFlags(f: InputFlags, explicitKernel = true): PredictOptions {
  if (f.snapshot) {
    // A live machine's bundle: its DTB, memory and command line, unless the flags override them.
    const s = parseSnapshot(readInput(f.snapshot, 'snapshot bundle'), f.snapshot);
    if (!s.ok) throw new InputFailure(s.error);
    const kernel = !explicitKernel || f.kernel === undefined ? undefined : /^debian-/.test(f.kernel) ? f.kernel : { bytes: readInput(f.kernel, 'kernel image'), file: f.kernel };
    const o = snapshotToPredictOptions(s.value, { kernel, cmdline: f.cmdline });
    if (!o.ok) throw new InputFailure(o.error);
    return o.value;
  }
  const o: PredictOptions = { cmdline: f.cmdline, cpu: f.cpu };
  if (f.kernel) o.kernel = /^debian-/.test(f.kernel) ? f.kernel : { bytes: readInput(f.kernel, 'kernel image'), file: f.kernel };
  if (f.config) o.config = { text: new TextDecoder().decode(readInput(f.config, 'kernel config')), file: f.config };
  if (f.efiMemmap) {
    const smp = Number(f.smp ?? '1');
    o.efi = {
      memmap: { text: new TextDecoder().decode(readInput(f.efiMemmap, 'boot log or dmesg with efi=debug memory-map lines')), file: f.efiMemmap },
      iort: f.iort ? { bytes: readInput(f.iort, 'ACPI IORT table'), file: f.iort } : undefined,
      cpus: Number.isInteger(smp) && smp > 0 ? smp : 1,
    };
  }
  if (f.dtb) o.dtb = { bytes: isDtsPath(f.dtb) ? dtsToDtb(f.dtb) : readInput(f.dtb, 'devicetree blob'), file: f.dtb };
  if (f.machine) {
    if (f.machine !== 'qemu-virt') throw new InputFailure({ kind: 'option', code: 'UNKNOWN_MACHINE', file: '--machine', expected: 'qemu-virt', found: f.machine });
    const smp = Number(f.smp ?? '1');
    if (!Number.isInteger(smp) || smp < 1 || smp > 512) throw new InputFailure({ kind: 'option', code: 'BAD_SMP', file: '--smp', expected: 'a CPU count from 1 to 512', found: String(f.smp) });
    o.machine = { type: 'qemu-virt', ramBytes: unwrap(parseSize(f.ram ?? '4G', '--ram')), smp, cpu: f.cpu };
  }
  if (f.loader === 'at') {
    if (!f.imageAddr || !f.dtbAddr) throw new InputFailure({ kind: 'option', code: 'LOADER_AT', file: '--loader at', expected: '--image-addr X and --dtb-addr Y' });
    o.loader = {
      type: 'at', imageAddr: unwrap(parseSize(f.imageAddr, '--image-addr')), dtbAddr: unwrap(parseSize(f.dtbAddr, '--dtb-addr')),
      initrdAddr: f.initrdAddr ? unwrap(parseSize(f.initrdAddr, '--initrd-addr')) : undefined,
      initrdSize: f.initrdSize ? unwrap(parseSize(f.initrdSize, '--initrd-size')) : undefined,
    };
  } else if (f.loader && f.loader !== 'qemu-virt') {
    throw new InputFailure({ kind: 'option', code: 'UNKNOWN_LOADER', file: '--loader', expected: 'qemu-virt or at', found: f.loader });
  }
  return o;
}

export function addInputOptions(c: Command): Command {
  return c
    .option('--kernel <image|profile>', 'kernel image file, or a profile: debian-5.10, debian-6.1, debian-6.12, debian-7.2 (default debian-6.12)')
    .option('--snapshot <file>', 'a bundle from `bootmap snapshot`: predict for that machine (--kernel/--cmdline: what if)')
    .option('--config <file>', 'the kernel config (/boot/config-*)')
    .option('--dtb <file>', 'the devicetree blob the kernel receives')
    .option('--machine <name>', 'build the DTB of a machine preset instead: qemu-virt')
    .option('--ram <size>', 'RAM of the machine preset', '4G')
    .option('--smp <n>', 'CPUs of the machine preset', '1')
    .option('--cpu <model>', 'QEMU CPU model (max implements LPA2)')
    .option('--loader <kind>', 'qemu-virt (QEMU -kernel placement) or at (explicit addresses)')
    .option('--image-addr <addr>', 'with --loader at: physical address of the Image')
    .option('--dtb-addr <addr>', 'with --loader at: physical address of the DTB')
    .option('--initrd-addr <addr>', 'with --loader at: physical address of the initrd')
    .option('--initrd-size <size>', 'with --loader at: size of the initrd')
    .option('--cmdline <string>', 'the kernel command line (default: /chosen/bootargs)')
    .option('--efi-memmap <file>', 'a UEFI + ACPI boot: a boot log or dmesg with the efi=debug memory-map lines (other lines are ignored)')
    .option('--iort <file>', 'with --efi-memmap: the ACPI IORT (default: QEMU virt\'s, which limits nothing)');
}

export function registerPredict(program: Command, out: (s: string) => void, setExit: (c: number) => void): void {
  addInputOptions(program.command('predict'))
    .description('predict the kernel\'s memory layout and its memory lines')
    .option('--format <fmt>', 'dmesg | json | text | svg | html', 'dmesg')
    .addHelpText('after', `
Examples:
  bootmap predict --machine qemu-virt --ram 4G --smp 2 --cmdline crashkernel=256M
  bootmap predict --dtb board.dtb --kernel debian-7.2 --loader at --image-addr 0x200000 --dtb-addr 0x2e00000 --format text
  bootmap predict --dtb machine.dtb --kernel /boot/vmlinuz-6.12.0 --config /boot/config-6.12.0 --format json`)
    .action((flags: InputFlags & { format: string }) => {
      const r = predict(optionsFromFlags(flags));
      if (!r.ok) throw new InputFailure(r.error);
      const p = r.value;
      if (flags.format === 'json') out(renderJson(p));
      else if (flags.format === 'text') out(renderText(p));
      else if (flags.format === 'dmesg') out(renderDmesg(p.trace));
      else if (flags.format === 'svg') out(renderSvg(p));
      else if (flags.format === 'html') out(renderHtml(p));
      else throw new InputFailure({ kind: 'option', code: 'BAD_FORMAT', file: '--format', expected: 'dmesg, json, text, svg or html', found: flags.format });
      setExit(p.crash && !p.crash.ok ? EXIT_RESERVATION_FAILS : EXIT_OK);
    });
}
