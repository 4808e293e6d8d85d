// FNV-1a over 32-bit words: one multiply per 4 bytes, so verifying a 60 KB leaf
// on a cold read costs microseconds (byte-wise CRC32 would dominate query time).
// It detects torn writes and bit rot; it is not a defence against tampering.

export function checksum32(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  const words = (end - start) >>> 2;
  // Aligned fast path; block payloads are 4-aligned by construction.
  if (((bytes.byteOffset + start) & 3) === 0) {
    const w = new Uint32Array(bytes.buffer, bytes.byteOffset + start, words);
    for (let i = 0; i < words; i++) h = Math.imul(h ^ w[i], 0x01000193);
  } else {
    for (let i = 0; i < words; i++) {
      const o = start + i * 4;
      const v = bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24);
      h = Math.imul(h ^ v, 0x01000193);
    }
  }
  for (let o = start + words * 4; o < end; o++) h = Math.imul(h ^ bytes[o], 0x01000193);
  // Final avalanche so single-bit flips spread over the whole word.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}
