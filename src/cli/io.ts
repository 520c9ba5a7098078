// Reading the user's files at the edge: one-line errors naming the file, never a stack trace.
import { readFileSync } from 'node:fs';
import { InputFailure } from '../inputs/errors.ts';

export function readInput(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(path === '-' ? readFileSync(0) : readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    throw new InputFailure({ kind: 'option', code, file: path, expected: `a readable ${what} file`, found: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : code });
  }
}
