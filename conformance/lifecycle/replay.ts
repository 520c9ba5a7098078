// Runs bootmap's model on a recorded lifecycle fixture's inputs (the DTB QEMU gave the first kernel, the command
// lines, the actions, the initrd's size, the suite's kexec-tools) — never on what the guest printed.
import { predict } from '../../src/api/predict.ts';
import { builtinProfile } from '../../src/kernels/profiles.ts';
import { parseFdt } from '../../src/inputs/fdt/check.ts';
import { formatInputError } from '../../src/inputs/errors.ts';
import { findNode } from '../../src/inputs/fdt/tree.ts';
import type { Prediction } from '../../src/kernels/boot.ts';
import { KEXEC_TOOLS_BUILDS, KEXEC_TOOLS_OF_PROFILE } from '../../src/model/kexec/kexec-tools-builds.ts';
import { type LifecycleAction, type LifecycleInput, type LifecycleStep, runLifecycle, type CrashState } from '../../src/model/kexec/lifecycle.ts';
import { QEMU_CPU_PA_BITS } from '../../src/model/kaslr.ts';
import type { LifecycleRecord } from './transcript.ts';

const MiB2 = 2n << 20n;
const QEMU_VIRT_IMAGE = 0x40200000n;

export interface ModelRun {
  input: LifecycleInput;
  first: Prediction;
  boot: CrashState;
  steps: LifecycleStep[];
}

export function toActions(actions: readonly string[]): LifecycleAction[] {
  return actions.map((a) => (a.startsWith('shrink:') ? { kind: 'shrink', bytes: BigInt(a.slice(7)) }
    : a === 'load-nochecks' ? { kind: 'load', nochecks: true } : { kind: a as 'load' | 'unload' | 'crash' }));
}

export function runModel(rec: LifecycleRecord): ModelRun {
  const fdt = parseFdt(rec.dtb, `${rec.dir}/${rec.fixture.profile}.dtb`);
  if (!fdt.ok) throw new Error(formatInputError(fdt.error));
  // QEMU's -kernel boot: the Image at RAM + 2 MiB, the DTB at the first 2 MiB boundary after the initrd.
  const end = findNode(fdt.value, '/chosen')?.props.find((p) => p.name === 'linux,initrd-end');
  if (!end) throw new Error('the recorded DTB has no linux,initrd-end');
  // QEMU writes the initrd bounds as one or two cells, as the property's length says.
  const dv = new DataView(end.value.buffer, end.value.byteOffset, end.value.byteLength);
  const initrdEnd = end.value.byteLength >= 8 ? dv.getBigUint64(0) : BigInt(dv.getUint32(0));
  const dtbAddr = (initrdEnd + MiB2 - 1n) & ~(MiB2 - 1n);
  const cpu = rec.fixture.argv[rec.fixture.argv.indexOf('-cpu') + 1];
  const p = predict({ dtb: { bytes: rec.dtb, file: 'machine.dtb' }, kernel: rec.fixture.profile, loader: { type: 'at', imageAddr: QEMU_VIRT_IMAGE, dtbAddr }, cmdline: rec.fixture.cmdline, cpu });
  if (!p.ok) throw new Error(`first boot: ${formatInputError(p.error)}`);
  const first = p.value;
  // The crash kernel: the first kernel's, or another generation's when the scenario says so.
  const crashProfile = rec.fixture.crashKernel ? builtinProfile(rec.fixture.crashKernel.profile)! : first.profile;
  const smp = Number(rec.fixture.argv[rec.fixture.argv.indexOf('-smp') + 1]);
  const input = {
    first, dtb: rec.dtb, fdt: fdt.value,
    crashKernel: { profile: crashProfile, imageSize: crashProfile.image.imageSize, textOffset: crashProfile.image.textOffset, fileBytes: 0n },
    initrdBytes: BigInt(rec.fixture.kdumpInitrdBytes), kdumpCmdline: rec.fixture.kdumpCmdline,
    build: KEXEC_TOOLS_BUILDS[KEXEC_TOOLS_OF_PROFILE[rec.fixture.profile]], cpus: smp, paRangeBits: QEMU_CPU_PA_BITS[cpu],
  };
  const r = runLifecycle(input, toActions(rec.fixture.actions));
  return { first, ...r, input };
}
