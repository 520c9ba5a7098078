// Devicetree source input: compiles a .dts with the system's dtc (device-tree-compiler) into the blob predict reads.
import { createRequire } from 'node:module';
import { InputFailure } from '../inputs/errors.ts';

/** True when the file name says devicetree source (.dts / .dtsi) rather than a blob. */
export const isDtsPath = (path: string): boolean => /\.dtsi?$/i.test(path);

/**
 * `dtc -I dts -O dtb -o - FILE`: the blob, or an InputFailure (one line, exit 2) when dtc is missing or
 * refuses the source (its first error line, which names the file and line).
 */
export function dtsToDtb(path: string, dtc = 'dtc'): Uint8Array {
  // node:child_process costs ~6 ms to load: only a .dts input needs it
  const { spawnSync } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
  const r = spawnSync(dtc, ['-q', '-I', 'dts', '-O', 'dtb', '-o', '-', path], { maxBuffer: 64 << 20 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code ?? 'EIO';
    throw new InputFailure({
      kind: 'option', code: code === 'ENOENT' ? 'DTC_MISSING' : code, file: path,
      expected: 'dtc to compile devicetree source (apt install device-tree-compiler), or a .dtb', found: code === 'ENOENT' ? 'no dtc on PATH' : code,
    });
  }
  if (r.status !== 0) {
    const first = r.stderr.toString('utf8').split('\n').find((l) => /error|Error|ERROR/.test(l)) ?? r.stderr.toString('utf8').split('\n')[0];
    throw new InputFailure({ kind: 'option', code: 'DTC_FAILED', file: path, expected: 'devicetree source dtc accepts', found: first.trim().slice(0, 200) || `dtc exit ${r.status}` });
  }
  return new Uint8Array(r.stdout);
}
