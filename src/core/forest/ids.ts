// External ids: integers 0 … 2^32 − 2 (2^32 − 1 is the tombstone), unique.
import { DuplicateIdError, InvalidIdError } from './errors.ts';
import { TOMBSTONE } from './meta-codec.ts';

export function checkIds(ids: ArrayLike<number>): Uint32Array {
  const out = new Uint32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!Number.isInteger(id) || id < 0 || id >= TOMBSTONE) throw new InvalidIdError(id);
    out[i] = id;
  }
  const sorted = out.slice().sort();
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) throw new DuplicateIdError(sorted[i]);
  return out;
}
