// The kexec-tools builds Debian ships for arm64, as data: version and the purgatory each binary carries (an ELF
// relocatable linked into kexec; its loaded size is a fact of the build, like a kernel's image_size). The purgatory
// sizes are those `kexec -d -p` reports for the purgatory segment (bufsz, and memsz rounded to a page) on each
// suite's own binary (conformance/lifecycle: busybox + kexec-tools guests built from Debian's packages).
import type { KexecToolsBuild } from './kexec-tools.ts';

export const KEXEC_TOOLS_BUILDS: Readonly<Record<string, KexecToolsBuild>> = {
  // bullseye 1:2.0.20-2.1: one "Crash kernel" range (crash_reserved_mem was a single range until 2.0.24)
  '2.0.20': { version: '2.0.20', purgatory: { bufsz: 0x3460n, memsz: 0x4000n }, maxCrashRanges: 1, reserveHint: 'crashkernel=X@Y' },
  // bookworm 1:2.0.25-3+deb12u3
  '2.0.25': { version: '2.0.25', purgatory: { bufsz: 0x3558n, memsz: 0x4000n }, maxCrashRanges: 2, reserveHint: 'crashkernel=Y@X' },
  // trixie 1:2.0.29-2+b1
  '2.0.29': { version: '2.0.29', purgatory: { bufsz: 0x3580n, memsz: 0x4000n }, maxCrashRanges: 2, reserveHint: 'crashkernel=Y@X' },
  // sid 1:2.0.32-3+b1
  '2.0.32': { version: '2.0.32', purgatory: { bufsz: 0x3510n, memsz: 0x4000n }, maxCrashRanges: 2, reserveHint: 'crashkernel=Y@X' },
};

/** The kexec-tools of the Debian suite whose kernel a profile stands for. */
export const KEXEC_TOOLS_OF_PROFILE: Readonly<Record<string, string>> = {
  'debian-5.10': '2.0.20', 'debian-6.1': '2.0.25', 'debian-6.12': '2.0.29', 'debian-7.2': '2.0.32',
};
