// kexec-tools' purgatory check (kexec/kexec.c update_purgatory(), purgatory/purgatory.c verify_sha256_digest()):
// one sha256 over every segment but the purgatory, each fed as its bytes then zeros up to memsz, checked at crash
// time before the kdump kernel is entered. The in-kernel kexec_file_load path has no purgatory on arm64.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Segment } from './kexec-tools.ts';

export interface PurgatoryDigest {
  /** kexec -i / --no-checks: skip_checks = 1, the digest is not verified. */
  checked: boolean;
  /** sha256_regions[]: what the digest covers. */
  regions: { name: string; start: bigint; len: bigint; sha256?: string }[];
  /** The whole digest, when every covered segment's bytes are known; otherwise why not. */
  digest?: string;
  unknown: string[];
}

export function purgatoryDigest(segments: readonly Segment[], bytes: { kernel?: Uint8Array; initrd?: Uint8Array }, noChecks: boolean): PurgatoryDigest {
  const covered = segments.filter((s) => s.name !== 'purgatory');
  const known: Partial<Record<string, Uint8Array>> = { kernel: bytes.kernel, initrd: bytes.initrd };
  const unknown: string[] = [];
  const all = sha256.create();
  const regions = covered.map((s) => {
    const b = known[s.name];
    if (!b || BigInt(b.length) > s.memsz) {
      unknown.push(s.name === 'dtb' ? 'dtb: its kaslr-seed comes from getrandom() at load time'
        : s.name === 'elfcorehdr' ? 'elfcorehdr: it holds the addresses of the per-CPU crash notes and vmcoreinfo, known only on the machine'
          : `${s.name}: its bytes were not given`);
      return { name: s.name, start: s.mem, len: s.memsz };
    }
    const fill = new Uint8Array(Number(s.memsz) - b.length);
    all.update(b).update(fill);
    return { name: s.name, start: s.mem, len: s.memsz, sha256: bytesToHex(sha256.create().update(b).update(fill).digest()) };
  });
  return { checked: !noChecks, regions, ...(unknown.length ? {} : { digest: bytesToHex(all.digest()) }), unknown };
}
