// Parses an arm64 kernel image (raw Image, gzip, EFI zboot): boot header (Documentation/arch/arm64/booting.rst) and the version banner.
import { Gunzip } from 'fflate';
import { fail, ok, InputFailure, type Result } from './errors.ts';
import { ByteReader, latin1 } from './bytes/reader.ts';

export interface KernelImageInfo {
  format: 'image' | 'gzip' | 'zboot';
  textOffset: bigint;
  imageSize: bigint;
  flags: bigint;
  /** From flags bits 1–2; null when the image leaves it unspecified (0). */
  pageSize: 4096 | 16384 | 65536 | null;
  bigEndian: boolean;
  /** flags bit 3: 1 = anywhere in physical memory, 0 = 2 MiB aligned base close to the start of DRAM. */
  physPlacementAnywhere: boolean;
  /** The `Linux version …` line without its trailing newline. */
  banner: string;
  /** The upstream version: the release's X.Y, and the patch from "Debian X.Y.Z-" when the release carries an ABI number. */
  version: { major: number; minor: number; patch: number };
  /** The release as `uname -r` prints it. */
  release: string;
}

/** Decompression output cap: a larger gzip is refused (gzip bombs). */
export const MAX_DECOMPRESSED = 256 * 1024 * 1024;
const ARM64_MAGIC = 0x644d5241; // "ARM\x64" little-endian
const BANNER = 'Linux version ';

function gunzipCapped(data: Uint8Array, file: string, offset: number, cap: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let over = false;
  let done = false;
  const g = new Gunzip((chunk, final) => {
    total += chunk.length;
    if (total > cap) over = true;
    else chunks.push(chunk);
    if (final) done = true;
  });
  const step = 1 << 12; // one push inflates to at most ~1032× its size: small pushes keep the overrun past the cap to a few MiB
  try {
    for (let i = 0; i < data.length && !over; i += step) g.push(data.subarray(i, Math.min(data.length, i + step)), i + step >= data.length);
  } catch (e) {
    throw new InputFailure({ kind: 'image', code: 'IMAGE_BAD_GZIP', file, offset, field: 'gzip', expected: 'a valid gzip stream', found: String((e as Error).message ?? e) });
  }
  if (over) throw new InputFailure({ kind: 'image', code: 'IMAGE_TOO_LARGE', file, offset, field: 'gzip', expected: `at most ${cap} decompressed bytes`, found: `more than ${cap}` });
  if (!done) throw new InputFailure({ kind: 'image', code: 'IMAGE_BAD_GZIP', file, offset, field: 'gzip', expected: 'a complete gzip stream', found: 'truncated stream' });
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

function findBanner(b: Uint8Array): { text: string; offset: number } | undefined {
  const first = BANNER.charCodeAt(0);
  outer: for (let i = b.indexOf(first); i >= 0 && i + BANNER.length < b.length; i = b.indexOf(first, i + 1)) {
    for (let k = 1; k < BANNER.length; k++) if (b[i + k] !== BANNER.charCodeAt(k)) continue outer;
    const d = b[i + BANNER.length]!;
    if (d < 0x30 || d > 0x39) continue; // skip format strings such as "Linux version %s"
    let e = i;
    while (e < b.length && e - i < 1024 && b[e] !== 0 && b[e] !== 0x0a) e++;
    return { text: latin1(b.subarray(i, e)), offset: i };
  }
  return undefined;
}

function parseRaw(r: ByteReader, format: KernelImageInfo['format']): KernelImageInfo {
  r.need(0, 64, 'header');
  const magic = r.u32le(56, 'magic');
  if (magic !== ARM64_MAGIC) r.fail('IMAGE_BAD_MAGIC', 56, 'magic', 'ARM\\x64 (0x644d5241)', `0x${magic.toString(16)}`);
  const textOffset = r.u64le(8, 'text_offset');
  const imageSize = r.u64le(16, 'image_size');
  const flags = r.u64le(24, 'flags');
  const ps = Number((flags >> 1n) & 3n);
  const banner = findBanner(r.bytes);
  if (!banner) r.fail('IMAGE_NO_BANNER', 0, 'linux_banner', "a 'Linux version X.Y.Z' string");
  const rel = /^Linux version (\d+)\.(\d+)(?:\.(\d+))?(\S*)/.exec(banner.text);
  if (!rel) r.fail('IMAGE_BAD_BANNER', banner.offset, 'linux_banner', "'Linux version X.Y[.Z]…'", JSON.stringify(banner.text.slice(0, 40)));
  const major = Number(rel[1]);
  const minor = Number(rel[2]);
  let patch = Number(rel[3] ?? 0);
  const deb = new RegExp(`Debian ${major}\\.${minor}\\.(\\d+)-`).exec(banner.text);
  if (deb) patch = Number(deb[1]);
  return {
    format, textOffset, imageSize, flags,
    pageSize: ([null, 4096, 16384, 65536] as const)[ps]!,
    bigEndian: (flags & 1n) === 1n,
    physPlacementAnywhere: (flags & 8n) === 8n,
    banner: banner.text,
    version: { major, minor, patch },
    release: `${rel[1]}.${rel[2]}${rel[3] !== undefined ? `.${rel[3]}` : ''}${rel[4]}`,
  };
}

/** The raw arm64 Image inside a file: itself, or its gzip / EFI zboot payload decompressed (what kexec-tools loads). */
export function kernelImageBytes(bytes: Uint8Array, file: string, cap = MAX_DECOMPRESSED): Result<Uint8Array> {
  const r = new ByteReader(bytes, file, 'image');
  try {
    if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return ok(gunzipCapped(bytes, file, 0, cap));
    if (bytes.length >= 8 && bytes[0] === 0x4d && bytes[1] === 0x5a && latin1(bytes.subarray(4, 8)) === 'zimg') {
      const off = r.u32le(8, 'payload_offset');
      const size = r.u32le(12, 'payload_size');
      const comp = r.cstring(24, 24 + 32, 'compression');
      if (comp !== 'gzip') r.fail('IMAGE_UNSUPPORTED_COMPRESSION', 24, 'compression', 'gzip', JSON.stringify(comp));
      return ok(gunzipCapped(r.slice(off, size, 'payload'), file, off, cap));
    }
    return ok(bytes);
  } catch (e) {
    if (e instanceof InputFailure) return fail(e.error);
    throw e;
  }
}

/** A kernel image's header facts and the raw Image inside it, decompressed once for both. */
export function readKernelImage(bytes: Uint8Array, file: string, cap = MAX_DECOMPRESSED): Result<{ info: KernelImageInfo; raw: Uint8Array }> {
  const raw = kernelImageBytes(bytes, file, cap);
  if (!raw.ok) return raw;
  const format = raw.value === bytes ? 'image' : bytes[0] === 0x1f ? 'gzip' : 'zboot';
  try {
    return ok({ info: parseRaw(new ByteReader(raw.value, file, 'image'), format), raw: raw.value });
  } catch (e) {
    if (e instanceof InputFailure) return fail(e.error);
    throw e;
  }
}

/** Parses a kernel image: raw arm64 Image, gzip of one, or EFI zboot (`MZ` + `zimg`) with a gzip payload. */
export function parseKernelImage(bytes: Uint8Array, file: string, cap = MAX_DECOMPRESSED): Result<KernelImageInfo> {
  const r = readKernelImage(bytes, file, cap);
  return r.ok ? ok(r.value.info) : r;
}
