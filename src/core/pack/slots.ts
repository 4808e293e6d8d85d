// Format 6: a forest's slot→id table as one part instead of its slot pages (32 KB each, 400 KB at
// 100,000 photos, all read at open). Ids as zigzag varint deltas from the previous slot's, then
// raw deflate: slots follow space and ids paths, so deltas are as wide as the photo count (17 bits
// at 100,000) and the table takes ~half the pages' bytes; a run of neighbouring ids a byte a slot.

import { pushVarint, VarintReader } from '../varint.ts';

/** Varint zigzag deltas of `ids` (the first from 0). */
export function encodeSlotIds(ids: ArrayLike<number>): Uint8Array {
  const out: number[] = [];
  let prev = 0;
  for (let i = 0; i < ids.length; i++) {
    const d = ids[i]! - prev;
    prev = ids[i]!;
    // Zigzag without 32-bit overflow: ids reach 2^32 − 2.
    pushVarint(out, d >= 0 ? 2 * d : -2 * d - 1);
  }
  return Uint8Array.from(out);
}

/** The `count` ids of encodeSlotIds' bytes. RangeError when they are short, long or out of range. */
export function decodeSlotIds(bytes: Uint8Array, count: number): Uint32Array {
  const ids = new Uint32Array(count);
  const reader = new VarintReader(bytes);
  let prev = 0;
  for (let i = 0; i < count; i++) {
    const n = reader.next(() => `the slot table ends at slot ${i} of ${count}`);
    const id = prev + (n % 2 === 0 ? n / 2 : -(n + 1) / 2);
    if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new RangeError(`slot ${i} has id ${id}`);
    ids[i] = prev = id;
  }
  if (!reader.done) throw new RangeError('the slot table has trailing bytes');
  return ids;
}
