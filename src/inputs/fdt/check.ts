// parseFdt(): the layers in order (probe → header check → memory reservation map → structure walk), errors returned, never thrown.
import { ByteReader } from '../bytes/reader.ts';
import { fail, InputFailure, ok, type Result } from '../errors.ts';
import { asFdtError } from './errors.ts';
import { checkHeader, probeHeader } from './header.ts';
import { readMemReserve } from './memrsv.ts';
import { StringsBlock } from './strings.ts';
import { DEFAULT_BUDGET, walkStructure, type WalkBudget } from './structure.ts';
import type { Fdt } from './tree.ts';

export function parseFdt(bytes: Uint8Array, file: string, budget: WalkBudget = DEFAULT_BUDGET): Result<Fdt> {
  try {
    const r = new ByteReader(bytes, file, 'fdt');
    const header = probeHeader(r);
    checkHeader(header, file);
    const memreserve = readMemReserve(r, header);
    const root = walkStructure(r, header, new StringsBlock(r, header), budget);
    return ok({ header, memreserve, root, file });
  } catch (e) {
    if (e instanceof InputFailure) return fail(asFdtError(e.error));
    throw e;
  }
}
