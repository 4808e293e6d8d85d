// CRC-32 (zip's, as zlib computes it) of a stored entry, so the zip writer can put it in the local
// header before the data and write the data straight through: without it, zip.js holds a second
// copy of each entry in memory to fill in the header afterwards (library-writer.ts). zip.js does
// not export its own; it skips its pass when given this one.

const TABLES: Int32Array[] = [];

function tables(): Int32Array[] {
  if (TABLES.length > 0) return TABLES;
  const t0 = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    t0[n] = c;
  }
  TABLES.push(t0);
  // Slicing by 4: table k is the CRC of a byte followed by k zero bytes.
  for (let k = 1; k < 4; k++) {
    const prev = TABLES[k - 1]!, t = new Int32Array(256);
    for (let n = 0; n < 256; n++) t[n] = (prev[n]! >>> 8) ^ t0[prev[n]! & 0xff]!;
    TABLES.push(t);
  }
  return TABLES;
}

/** The CRC-32 of `bytes` (unsigned). */
export function crc32(bytes: Uint8Array): number {
  const [t0, t1, t2, t3] = tables() as [Int32Array, Int32Array, Int32Array, Int32Array];
  let c = -1;
  let i = 0;
  const end4 = bytes.length - (bytes.length % 4);
  for (; i < end4; i += 4) {
    c ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    c = t3[c & 0xff]! ^ t2[(c >>> 8) & 0xff]! ^ t1[(c >>> 16) & 0xff]! ^ t0[c >>> 24]!;
  }
  for (; i < bytes.length; i++) c = (c >>> 8) ^ t0[(c ^ bytes[i]!) & 0xff]!;
  return ~c >>> 0;
}
