// Base64 (RFC 4648, with padding) without Node's Buffer, so bundles decode in the browser too.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += ALPHABET[(n >> 18) & 63] + ALPHABET[(n >> 12) & 63];
    out += i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? ALPHABET[n & 63] : '=';
  }
  return out;
}

/** The bytes, or the index of the first character that is not base64 (whitespace is skipped). */
export function base64Decode(text: string): { ok: true; bytes: Uint8Array } | { ok: false; at: number } {
  const vals: number[] = [];
  let pad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (c === 0x3d) {
      pad++;
      continue;
    }
    const v = c < 128 ? VALUE[c] : -1;
    if (v < 0 || pad > 0) return { ok: false, at: i };
    vals.push(v);
  }
  if (pad > 2 || (vals.length + pad) % 4 === 1 || (pad > 0 && (vals.length + pad) % 4 !== 0)) return { ok: false, at: text.length };
  const out = new Uint8Array(Math.floor((vals.length * 6) / 8));
  let o = 0;
  for (let i = 0; i < vals.length; i += 4) {
    const n = (vals[i] << 18) | ((vals[i + 1] ?? 0) << 12) | ((vals[i + 2] ?? 0) << 6) | (vals[i + 3] ?? 0);
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return { ok: true, bytes: out };
}
