// Format 6: a forest's slot→id table as one part instead of its slot pages (32 KB each, 400 KB at
// 100,000 photos, all read at open). Ids as zigzag varint deltas from the previous slot's, then
// raw deflate: slots follow space and ids paths, so deltas are as wide as the photo count (17 bits
// at 100,000) and the table takes ~half the pages' bytes; a run of neighbouring ids a byte a slot.

/** Varint zigzag deltas of `ids` (the first from 0). */
export function encodeSlotIds(ids: ArrayLike<number>): Uint8Array {
  const out: number[] = [];
  let prev = 0;
  for (let i = 0; i < ids.length; i++) {
    const d = ids[i]! - prev;
    prev = ids[i]!;
    // Zigzag without 32-bit overflow: ids reach 2^32 − 2.
    for (let n = d >= 0 ? 2 * d : -2 * d - 1; ; n = Math.floor(n / 0x80)) {
      if (n < 0x80) {
        out.push(n);
        break;
      }
      out.push((n % 0x80) | 0x80);
    }
  }
  return Uint8Array.from(out);
}

/** The `count` ids of encodeSlotIds' bytes. RangeError when they are short, long or out of range. */
export function decodeSlotIds(bytes: Uint8Array, count: number): Uint32Array {
  const ids = new Uint32Array(count);
  let at = 0, prev = 0;
  for (let i = 0; i < count; i++) {
    let n = 0, scale = 1;
    for (;;) {
      if (at >= bytes.length) throw new RangeError(`the slot table ends at slot ${i} of ${count}`);
      const v = bytes[at++]!;
      n += (v & 0x7f) * scale;
      if (v < 0x80) break;
      scale *= 0x80;
    }
    const id = prev + (n % 2 === 0 ? n / 2 : -(n + 1) / 2);
    if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new RangeError(`slot ${i} has id ${id}`);
    ids[i] = prev = id;
  }
  if (at !== bytes.length) throw new RangeError('the slot table has trailing bytes');
  return ids;
}
