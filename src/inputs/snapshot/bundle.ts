// The snapshot bundle: one JSON document holding what `bootmap snapshot` read from a running arm64 machine.
// Format (docs/REAL-MACHINES.md): { format, version, created, root, tool, efi, items: { <key>: item } }, an item
// being { source, encoding: utf8 | base64 | gzip-base64, size, data } or { source, error, message? }.
import { gzipSync } from 'fflate';
import { base64Encode } from './base64.ts';

export const SNAPSHOT_FORMAT = 'bootmap-snapshot';
export const SNAPSHOT_VERSION = 1;

/** The items a bundle may hold, and where `bootmap snapshot` reads each from. */
export const SNAPSHOT_SOURCES = {
  fdt: '/sys/firmware/fdt',
  iomem: '/proc/iomem',
  cmdline: '/proc/cmdline',
  release: '/proc/sys/kernel/osrelease',
  'page-size': 'getconf PAGESIZE',
  config: '/boot/config-$(uname -r)',
  'kexec-crash-size': '/sys/kernel/kexec_crash_size',
  'kexec-crash-loaded': '/sys/kernel/kexec_crash_loaded',
  dmesg: 'dmesg',
  'acpi-IORT': '/sys/firmware/acpi/tables/IORT',
  'acpi-SPCR': '/sys/firmware/acpi/tables/SPCR',
  'acpi-APIC': '/sys/firmware/acpi/tables/APIC',
  'acpi-SRAT': '/sys/firmware/acpi/tables/SRAT',
} as const;

export type SnapshotKey = keyof typeof SNAPSHOT_SOURCES;
export const SNAPSHOT_KEYS = Object.keys(SNAPSHOT_SOURCES) as SnapshotKey[];
/** Items stored as text; the others are binary blobs (gzip-compressed: QEMU pads its DTB to 1 MiB of zeros). */
export const TEXT_KEYS: ReadonlySet<SnapshotKey> = new Set(['iomem', 'cmdline', 'release', 'page-size', 'config', 'kexec-crash-size', 'kexec-crash-loaded', 'dmesg']);

/** One collected item: its bytes, or why it could not be read (an errno name such as EACCES, or ENOENT). */
export type CollectedItem = { source: string; bytes: Uint8Array } | { source: string; error: string; message?: string };

export interface CollectedSnapshot {
  created: string;
  root: string;
  tool: string;
  /** /sys/firmware/efi exists: the machine booted through UEFI. */
  efi: boolean;
  items: Partial<Record<SnapshotKey, CollectedItem>>;
}

export type BundleItemJson =
  | { source: string; encoding: 'utf8' | 'base64' | 'gzip-base64'; size: number; data: string }
  | { source: string; error: string; message?: string };

export interface BundleJson {
  format: typeof SNAPSHOT_FORMAT;
  version: typeof SNAPSHOT_VERSION;
  created: string;
  root: string;
  tool: string;
  efi: boolean;
  items: Partial<Record<SnapshotKey, BundleItemJson>>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function encodeItem(key: SnapshotKey, it: CollectedItem): BundleItemJson {
  if ('error' in it) return it.message === undefined ? { source: it.source, error: it.error } : { source: it.source, error: it.error, message: it.message };
  if (TEXT_KEYS.has(key)) {
    try {
      return { source: it.source, encoding: 'utf8', size: it.bytes.length, data: utf8.decode(it.bytes) };
    } catch {
      // not UTF-8 after all: keep the bytes exactly
    }
  }
  const gz = gzipSync(it.bytes, { level: 9, mtime: 0 });
  return gz.length < it.bytes.length
    ? { source: it.source, encoding: 'gzip-base64', size: it.bytes.length, data: base64Encode(gz) }
    : { source: it.source, encoding: 'base64', size: it.bytes.length, data: base64Encode(it.bytes) };
}

/** The bundle text (JSON, items in SNAPSHOT_KEYS order, two-space indented, newline-terminated). */
export function encodeSnapshot(s: CollectedSnapshot): string {
  const items: BundleJson['items'] = {};
  for (const k of SNAPSHOT_KEYS) {
    const it = s.items[k];
    if (it) items[k] = encodeItem(k, it);
  }
  const doc: BundleJson = { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, created: s.created, root: s.root, tool: s.tool, efi: s.efi, items };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
