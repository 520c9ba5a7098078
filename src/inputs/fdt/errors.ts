// FDT error codes (libfdt's closed set, libfdt.h) and the one constructor of FDT input errors.
import { InputFailure, type InputError } from '../errors.ts';

/** The libfdt codes this parser reports (libfdt.h `FDT_ERR_*`). */
export type FdtErrorCode =
  | 'FDT_ERR_TRUNCATED'
  | 'FDT_ERR_BADMAGIC'
  | 'FDT_ERR_BADVERSION'
  | 'FDT_ERR_BADOFFSET'
  | 'FDT_ERR_ALIGNMENT'
  | 'FDT_ERR_BADSTRUCTURE'
  | 'FDT_ERR_BADNCELLS'
  | 'FDT_ERR_BADVALUE'
  | 'FDT_ERR_NOSPACE';

export function fdtError(file: string, code: FdtErrorCode, offset: number, field: string, expected: string, found?: string): InputError {
  return { kind: 'fdt', code, file, offset, field, expected, found };
}

/** Throws an FDT error out of deep walker code; parseFdt() turns it back into a Result. */
export function fdtFail(file: string, code: FdtErrorCode, offset: number, field: string, expected: string, found?: string): never {
  throw new InputFailure(fdtError(file, code, offset, field, expected, found));
}

/** ByteReader reports generic codes ('TRUNCATED', 'BADSTRING'); inside an FDT they become libfdt's. */
export function asFdtError(e: InputError): InputError {
  if (e.code.startsWith('FDT_ERR_')) return e;
  const code = e.code === 'BADSTRING' ? 'FDT_ERR_TRUNCATED' : `FDT_ERR_${e.code}`;
  return { ...e, kind: 'fdt', code };
}

export const hex = (n: number | bigint): string => `0x${n.toString(16)}`;
