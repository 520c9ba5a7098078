// The crash region's life after boot as one call: boot the first kernel (predict), then shrink, load the crash
// kernel the way the chosen path places it, and boot the kdump kernel inside what it was given.
import { fail, ok, type InputError, type Result } from '../inputs/errors.ts';
import { parseFdt } from '../inputs/fdt/check.ts';
import { qemuVirtDtb } from '../inputs/machines/qemu-virt.ts';
import type { Prediction } from '../kernels/boot.ts';
import type { KernelProfile } from '../kernels/profile.ts';
import { KEXEC_TOOLS_BUILDS, KEXEC_TOOLS_OF_PROFILE } from '../model/kexec/kexec-tools-builds.ts';
import { type LifecycleAction, type LifecycleStep, runLifecycle, type CrashState } from '../model/kexec/lifecycle.ts';
import { kexecProtection, type Protection } from '../model/kexec/protection.ts';
import { purgatoryDigest, type PurgatoryDigest } from '../model/kexec/purgatory.ts';
import { kdumpVerdict, type KdumpVerdict } from '../model/kexec/kdump-verdict.ts';
import { predict, type PredictOptions, resolveKernelImage } from './predict.ts';
import { QEMU_CPU_PA_BITS } from '../model/kaslr.ts';

export type LoadPath = 'kexec_load' | 'kexec_file_load';

export interface KexecOptions {
  /** The first kernel and its machine, as for predict(). */
  first: PredictOptions;
  /** The crash kernel: a profile name, or an Image (raw, gzip or zboot). Default: the first kernel's. */
  crashKernel?: string | { bytes: Uint8Array; file: string };
  /** The kdump kernel's initrd: its bytes (digest computed) or only its size. */
  initrd?: { size: bigint; bytes?: Uint8Array; file?: string };
  /** The kdump kernel's command line. Default: Debian kdump-tools' (the first command line without crashkernel=, plus its append). */
  crashCmdline?: string;
  load?: LoadPath;
  /** Bytes written to /sys/kernel/kexec_crash_size before loading, in order. */
  shrink?: bigint[];
  /** kexec -i: purgatory skips its sha256 check. */
  noChecks?: boolean;
}

export interface KexecReport {
  first: Prediction;
  crashProfile: KernelProfile;
  load: LoadPath;
  kexecTools: string;
  crashCmdline: string;
  boot: CrashState;
  steps: LifecycleStep[];
  protection: Protection;
  digest?: PurgatoryDigest;
  kdump?: Prediction;
  verdict: KdumpVerdict;
}

/** kdump-tools' KDUMP_CMDLINE_APPEND default (Debian kdump-tools 1.10.7, /usr/sbin/kdump-config). */
export const DEBIAN_KDUMP_APPEND = 'reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1';

/** kdump-config's KDUMP_CMDLINE: /proc/cmdline without crashkernel=, hugepages=, hugepagesz=, abm=, then the append. */
export function debianKdumpCmdline(first: string): string {
  return `${first.replace(/(^| )(crashkernel|hugepages|hugepagesz|abm)=[^ ]*/g, '')} ${DEBIAN_KDUMP_APPEND}`.trim();
}

export function kexecPlan(o: KexecOptions): Result<KexecReport, InputError> {
  let first = o.first;
  if (first.efi) return fail({ kind: 'option', code: 'KEXEC_NEEDS_DTB', file: '--efi-memmap', expected: 'a DTB boot (--dtb, --machine or --snapshot): kexec-tools builds the kdump kernel\'s DTB from /sys/firmware/fdt' });
  if (first.machine && !first.dtb) {
    const m = first.machine;
    first = { ...first, machine: undefined, dtb: { bytes: qemuVirtDtb({ ramBytes: m.ramBytes, smp: m.smp, cpu: m.cpu ?? first.cpu, cmdline: first.cmdline }), file: `qemu-virt(${m.ramBytes >> 20n}M)` } };
  }
  if (!first.dtb) return fail({ kind: 'option', code: 'NO_MACHINE', file: 'kexec', expected: '--dtb FILE, --snapshot FILE or --machine qemu-virt --ram SIZE' });
  const p = predict(first);
  if (!p.ok) return p;
  const fdt = parseFdt(first.dtb.bytes, first.dtb.file);
  if (!fdt.ok) return fdt;
  const crash = crashKernelFacts(o.crashKernel, p.value.profile);
  if (!crash.ok) return crash;
  const load = o.load ?? 'kexec_load';
  const kexecTools = KEXEC_TOOLS_OF_PROFILE[p.value.profile.name] ?? '2.0.32';
  const crashCmdline = o.crashCmdline ?? debianKdumpCmdline(p.value.cmdline);
  const cpus = countCpus(p.value);
  const cpuModel = (o.first.cpu ?? o.first.machine?.cpu)?.split(',')[0];
  const actions: LifecycleAction[] = [...(o.shrink ?? []).map((bytes) => ({ kind: 'shrink' as const, bytes })), { kind: 'load', nochecks: o.noChecks }, { kind: 'crash' }];
  const input = {
    first: p.value, dtb: first.dtb.bytes, fdt: fdt.value, crashKernel: crash.value, initrdBytes: o.initrd?.size,
    kdumpCmdline: crashCmdline, build: KEXEC_TOOLS_BUILDS[kexecTools], cpus,
    paRangeBits: cpuModel ? QEMU_CPU_PA_BITS[cpuModel] : undefined,
    path: load,
  };
  const r = runLifecycle(input, actions);
  const loaded = r.steps.find((s) => s.kind === 'load');
  const crashed = r.steps.find((s) => s.kind === 'crash');
  const kdump = crashed?.kind === 'crash' ? crashed.kdump : undefined;
  const segments = loaded?.kind === 'load' && loaded.result.ok ? loaded.result.segments : undefined;
  return ok({
    first: p.value, crashProfile: crash.value.profile, load, kexecTools, crashCmdline, boot: r.boot, steps: r.steps,
    protection: kexecProtection(p.value.profile, segments),
    digest: segments && load === 'kexec_load' ? purgatoryDigest(segments, { kernel: crash.value.bytes, initrd: o.initrd?.bytes }, !!o.noChecks) : undefined,
    kdump,
    verdict: kdumpVerdict(loaded?.kind === 'load' ? loaded.result : undefined, kdump, crashed?.kind === 'crash' ? crashed.panic : undefined, o.initrd?.size),
  });
}

/** The first kernel's possible CPUs: one crash note each in the ELF core header. */
const countCpus = (p: Prediction): number => p.possibleCpus ?? 1;

function crashKernelFacts(k: KexecOptions['crashKernel'], firstProfile: KernelProfile): Result<{ profile: KernelProfile; imageSize: bigint; textOffset: bigint; fileBytes: bigint; bytes?: Uint8Array }> {
  if (k === undefined) return ok({ profile: firstProfile, imageSize: firstProfile.image.imageSize, textOffset: firstProfile.image.textOffset, fileBytes: 0n });
  const prof = resolveKernelImage(k);
  if (!prof.ok) return prof;
  const { profile, image } = prof.value;
  if (!image) return ok({ profile, imageSize: profile.image.imageSize, textOffset: profile.image.textOffset, fileBytes: 0n });
  // kexec-tools decompresses a gzip or zboot vmlinuz and loads (and hashes) the Image inside.
  return ok({ profile, imageSize: image.info.imageSize, textOffset: image.info.textOffset, fileBytes: BigInt(image.raw.length), bytes: image.raw });
}
