// Errors of untrusted input: a value with a code, a place and an expectation (STYLE §4).

/** One error kind per input format; the code names what was wrong. */
export type InputKind =
  | 'fdt' | 'image' | 'kconfig' | 'cmdline' | 'iomem' | 'acpi' | 'efi-memmap' | 'snapshot' | 'sweep' | 'size' | 'option' | 'machine';

export interface InputError {
  kind: InputKind;
  /** Machine-readable code, e.g. 'FDT_ERR_TRUNCATED', 'CMDLINE_BAD_SIZE'. */
  code: string;
  /** The file (or pseudo-file such as '--cmdline') the bytes came from. */
  file: string;
  /** Byte offset in the file, when there is one. */
  offset?: number;
  /** The field, property or parameter, when there is one. */
  field?: string;
  expected: string;
  found?: string;
}

export type Result<T, E = InputError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const fail = <E>(error: E): Result<never, E> => ({ ok: false, error });

/** Thrown only to carry an InputError out of deep parser code to its entry point, which returns it as a Result. */
export class InputFailure extends Error {
  constructor(readonly error: InputError) {
    super(formatInputError(error));
  }
}

/** Escapes what would break a one-line message (newlines, terminal escapes) in text taken from the input. */
function printable(s: string): string {
  return s.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The one-line message the CLI prints: `board.dtb: offset 0x48 (off_dt_strings): expected …, found …`. */
export function formatInputError(e: InputError): string {
  const where: string[] = [];
  if (e.offset !== undefined) where.push(`offset 0x${e.offset.toString(16)}`);
  if (e.field !== undefined) where.push(e.offset !== undefined ? `(${e.field})` : e.field);
  const place = where.length ? ` ${where.join(' ')}` : '';
  const found = e.found !== undefined ? `, found ${e.found}` : '';
  return printable(`${e.file}:${place ? place + ':' : ''} expected ${e.expected}${found}`);
}
