// Sizes and addresses given by people on the command line (`4G`, `512M`, `0x48000000`).
import { fail, ok, type Result } from '../inputs/errors.ts';

const SUFFIX: Record<string, bigint> = { '': 1n, K: 1n << 10n, M: 1n << 20n, G: 1n << 30n, T: 1n << 40n, P: 1n << 50n };

export function parseSize(text: string, field: string): Result<bigint> {
  const m = /^(0x[0-9a-f]+|\d+)\s*([KMGTP]?)(i?B)?$/i.exec(text.trim());
  if (!m) return fail({ kind: 'size', code: 'BAD_SIZE', file: field, expected: 'a size such as 512M, 4G, 16T or 0x40000000', found: JSON.stringify(text) });
  const v = BigInt(m[1]) * SUFFIX[m[2].toUpperCase()];
  if (v >= 1n << 64n) return fail({ kind: 'size', code: 'BAD_SIZE', file: field, expected: 'a size below 2^64', found: text });
  return ok(v);
}
