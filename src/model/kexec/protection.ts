// What guards a loaded crash kernel against a stray write, per generation (arch/arm64/kernel/machine_kexec.c).
import type { KernelProfile } from '../../kernels/profile.ts';
import type { Segment } from './kexec-tools.ts';

export interface Protection {
  mechanism: 'segments-invalid' | 'none';
  /** The ranges made invalid in the linear map while the crash kernel is loaded. */
  invalid: { base: bigint; size: bigint }[];
  /** In plain words: what a stray write into a loaded segment meets. */
  strayWrite: string;
}

export function kexecProtection(profile: KernelProfile, segments: readonly Segment[] | undefined): Protection {
  const mech = profile.behaviours.kexecProtect;
  if (!segments) return { mechanism: mech, invalid: [], strayWrite: 'nothing is loaded, nothing to protect' };
  if (mech === 'segments-invalid') {
    return {
      mechanism: mech,
      invalid: segments.map((s) => ({ base: s.mem, size: s.memsz })),
      strayWrite: 'arch_kexec_protect_crashkres() cleared PTE_VALID on every loaded segment (the crash region is mapped with pages for this): '
        + 'a stray write faults at once ("Unable to handle kernel paging request"); the rest of the crash region stays writable',
    };
  }
  return {
    mechanism: mech,
    invalid: [],
    strayWrite: 'arm64 no longer protects the crash region (6.12: "arm64: kdump : take off the protection on crashkernel memory region"): '
      + 'a stray write lands silently; with kexec_load, purgatory\'s sha256 check stops the kdump boot at crash time ("sha256 digests do not match :(") unless kexec -i was used',
  };
}
