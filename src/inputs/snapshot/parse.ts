// Parses a snapshot bundle (bundle.ts) back into bytes per item, checking every field it relies on.
import { gunzipSync } from 'fflate';
import { fail, ok, type InputError, type Result } from '../errors.ts';
import { base64Decode } from './base64.ts';
import { SNAPSHOT_FORMAT, SNAPSHOT_KEYS, SNAPSHOT_VERSION, type SnapshotKey } from './bundle.ts';

export type SnapshotItem =
  | { key: SnapshotKey; source: string; bytes: Uint8Array; text: string }
  | { key: SnapshotKey; source: string; error: string; message?: string };

export interface Snapshot {
  file: string;
  created: string;
  root: string;
  tool: string;
  efi: boolean;
  items: Partial<Record<SnapshotKey, SnapshotItem>>;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v)?.slice(0, 40) ?? String(v));

/** The bytes of an item that was read, or undefined when it is absent or was unreadable. */
export function snapshotBytes(s: Snapshot, key: SnapshotKey): Uint8Array | undefined {
  const it = s.items[key];
  return it && 'bytes' in it ? it.bytes : undefined;
}

/** The text of an item that was read (UTF-8, replacement characters for bad bytes). */
export function snapshotText(s: Snapshot, key: SnapshotKey): string | undefined {
  const it = s.items[key];
  return it && 'text' in it ? it.text : undefined;
}

export function parseSnapshot(input: string | Uint8Array, file: string): Result<Snapshot> {
  const err = (code: string, field: string | undefined, expected: string, found?: string, offset?: number): Result<never> =>
    fail<InputError>({ kind: 'snapshot', code, file, field, expected, found, offset });
  const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const at = /position (\d+)/.exec((e as Error).message);
    return err('SNAPSHOT_BAD_JSON', undefined, 'a bootmap snapshot bundle (JSON)', (e as Error).message.split('\n')[0].slice(0, 60), at ? Number(at[1]) : 0);
  }
  if (!isObj(doc)) return err('SNAPSHOT_BAD_JSON', undefined, 'a JSON object', show(doc));
  if (doc.format !== SNAPSHOT_FORMAT) return err('SNAPSHOT_FORMAT', 'format', JSON.stringify(SNAPSHOT_FORMAT), show(doc.format));
  if (doc.version !== SNAPSHOT_VERSION) return err('SNAPSHOT_VERSION', 'version', `version ${SNAPSHOT_VERSION}`, show(doc.version));
  for (const f of ['created', 'root', 'tool'] as const) if (typeof doc[f] !== 'string') return err('SNAPSHOT_FIELD', f, 'a string', show(doc[f]));
  if (typeof doc.efi !== 'boolean') return err('SNAPSHOT_FIELD', 'efi', 'true or false', show(doc.efi));
  if (!isObj(doc.items)) return err('SNAPSHOT_FIELD', 'items', 'an object of items', show(doc.items));
  const items: Snapshot['items'] = {};
  for (const [key, v] of Object.entries(doc.items)) {
    const field = `items.${key}`;
    if (!(SNAPSHOT_KEYS as string[]).includes(key)) return err('SNAPSHOT_UNKNOWN_ITEM', field, `one of ${SNAPSHOT_KEYS.join(', ')}`, JSON.stringify(key));
    const k = key as SnapshotKey;
    if (!isObj(v)) return err('SNAPSHOT_FIELD', field, 'an object', show(v));
    if (typeof v.source !== 'string') return err('SNAPSHOT_FIELD', `${field}.source`, 'a string', show(v.source));
    if ('error' in v) {
      if (typeof v.error !== 'string' || v.error === '') return err('SNAPSHOT_FIELD', `${field}.error`, 'an error name such as EACCES', show(v.error));
      if (v.message !== undefined && typeof v.message !== 'string') return err('SNAPSHOT_FIELD', `${field}.message`, 'a string', show(v.message));
      items[k] = { key: k, source: v.source, error: v.error, ...(v.message !== undefined ? { message: v.message as string } : {}) };
      continue;
    }
    if (typeof v.data !== 'string') return err('SNAPSHOT_FIELD', `${field}.data`, 'a string', show(v.data));
    if (typeof v.size !== 'number' || !Number.isSafeInteger(v.size) || v.size < 0) return err('SNAPSHOT_FIELD', `${field}.size`, 'a byte count', show(v.size));
    let bytes: Uint8Array;
    if (v.encoding === 'utf8') {
      bytes = new TextEncoder().encode(v.data);
    } else if (v.encoding === 'base64' || v.encoding === 'gzip-base64') {
      const d = base64Decode(v.data);
      if (!d.ok) return err('SNAPSHOT_BAD_BASE64', `${field}.data`, 'base64 text', `a bad character at index ${d.at}`);
      bytes = d.bytes;
      if (v.encoding === 'gzip-base64') {
        try {
          bytes = gunzipSync(bytes);
        } catch (e) {
          return err('SNAPSHOT_BAD_GZIP', `${field}.data`, 'gzip data', (e as Error).message);
        }
      }
    } else {
      return err('SNAPSHOT_FIELD', `${field}.encoding`, 'utf8, base64 or gzip-base64', show(v.encoding));
    }
    if (bytes.length !== v.size) return err('SNAPSHOT_SIZE', `${field}.size`, `the decoded length ${bytes.length}`, String(v.size));
    const txt = v.encoding === 'utf8' ? v.data : new TextDecoder().decode(bytes);
    items[k] = { key: k, source: v.source, bytes, text: txt };
  }
  return ok({ file, created: doc.created as string, root: doc.root as string, tool: doc.tool as string, efi: doc.efi, items });
}
