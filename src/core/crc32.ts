// CRC-32 (zip's and PNG's polynomial, as zlib computes it), unsigned. From crc-32 (SheetJS: no
// dependencies, slicing-by-16 tables) rather than a table of our own: the PNG header check and the
// library writer's stored zip entries both use it. Default import: the package is UMD (CommonJS in
// Node), whose named exports Node cannot see.
import CRC32 from 'crc-32';

export function crc32(bytes: Uint8Array): number {
  return CRC32.buf(bytes) >>> 0;
}
