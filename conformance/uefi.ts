// UEFI + ACPI boots (loader kind `uefi`): Debian's edk2 (AAVMF) in pflash, the Image through the EFI stub, and an
// optional IORT given to the kernel by ACPI table upgrade (an uncompressed cpio as the initrd; harness-notes).
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIort, type IortNodeSpec } from '../src/inputs/acpi/writer.ts';
import type { Scenario } from './scenario.ts';

export const AAVMF_CODE = '/usr/share/AAVMF/AAVMF_CODE.fd';
export const AAVMF_VARS = '/usr/share/AAVMF/AAVMF_VARS.fd';
/** The kernel command line of UEFI boots starts with this (after the console prefix). */
export const UEFI_ARGS = 'acpi=force efi=debug';
/** QEMU 7.2's ACPI tables carry these ids; an upgrade table must repeat them. */
export const QEMU_OEM_ID = 'BOCHS ';
export const QEMU_OEM_TABLE_ID = 'BXPC    ';
/** The upgrade cpio is padded to this size so that its Loader Data region can be told apart in the EFI map. */
export const INITRD_SIZE = 0x7000;

/** A cpio "newc" archive of the given files (directories first), uncompressed, zero-padded to `padTo`. */
export function cpioNewc(files: readonly { name: string; data?: Uint8Array }[], padTo = 0): Uint8Array {
  const parts: Uint8Array[] = [];
  let ino = 1;
  const enc = new TextEncoder();
  const entry = (name: string, mode: number, data: Uint8Array): void => {
    const h = (v: number): string => v.toString(16).padStart(8, '0');
    const nm = enc.encode(name + '\0');
    const head = '070701' + [ino++, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nm.length, 0].map(h).join('');
    const pad4 = (n: number): number => (4 - (n % 4)) % 4;
    parts.push(enc.encode(head), nm, new Uint8Array(pad4(110 + nm.length)), data, new Uint8Array(pad4(data.length)));
  };
  const dirs = new Set<string>();
  for (const f of files) {
    const segs = f.name.split('/');
    for (let i = 1; i < segs.length; i++) dirs.add(segs.slice(0, i).join('/'));
  }
  for (const d of [...dirs].sort()) entry(d, 0o40755, new Uint8Array());
  for (const f of files) entry(f.name, 0o100644, f.data ?? new Uint8Array());
  entry('TRAILER!!!', 0, new Uint8Array());
  const len = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(Math.max(len, padTo));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export interface UefiFiles {
  /** The IORT given by table upgrade (also stored next to the fixtures as iort.aml). */
  readonly iort?: string;
  /** The cpio holding kernel/firmware/acpi/IORT.aml. */
  readonly initrd?: string;
}

/** Writes the scenario's IORT and its upgrade cpio into `dir`. */
export function prepareUefi(s: Scenario, dir: string): UefiFiles {
  if (s.loader.kind !== 'uefi' || !s.loader.iort) return {};
  // acpi_table_initrd_override() replaces a table only by one with a higher oem_revision (QEMU's is 1).
  const iort = buildIort(s.loader.iort as IortNodeSpec[], { oemId: QEMU_OEM_ID, oemTableId: QEMU_OEM_TABLE_ID, oemRevision: 2 });
  const iortFile = join(dir, 'iort.aml');
  writeFileSync(iortFile, iort);
  const initrd = join(dir, 'acpi-upgrade.cpio');
  writeFileSync(initrd, cpioNewc([{ name: 'kernel/firmware/acpi/IORT.aml', data: iort }], INITRD_SIZE));
  return { iort: iortFile, initrd };
}

/** QEMU's argv for a UEFI boot: edk2 in pflash (a fresh copy of the blank vars file per boot), -kernel through the stub. */
export function uefiArgv(machineArgs: string[], image: string, cmdline: string, dir: string, tag: string, files: UefiFiles): string[] {
  const vars = join(dir, `vars-${tag}.fd`);
  if (!existsSync(vars)) copyFileSync(AAVMF_VARS, vars);
  return [
    '-M', 'virt', ...machineArgs,
    '-drive', `if=pflash,format=raw,readonly=on,file=${AAVMF_CODE}`,
    '-drive', `if=pflash,format=raw,file=${vars}`,
    '-kernel', image, '-append', cmdline,
    ...(files.initrd ? ['-initrd', files.initrd] : []),
  ];
}
