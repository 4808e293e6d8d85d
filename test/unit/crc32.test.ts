// The CRC-32 the library writer puts in each stored entry's header (src/core/crc32.ts, the crc-32 package)
// against zlib's, on lengths around its 4-byte steps.
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/core/crc32.ts';

describe('crc32', () => {
  it('equals zlib\'s for every length from 0 to 70 and for 1 MB of varied bytes', () => {
    const bytes = Uint8Array.from({ length: 1 << 20 }, (_, i) => (Math.imul(i, 2654435761) >>> 24) ^ (i & 0xff));
    for (let n = 0; n <= 70; n++) expect(crc32(bytes.subarray(0, n))).toBe(zlibCrc32(bytes.subarray(0, n)));
    expect(crc32(bytes.subarray(3))).toBe(zlibCrc32(bytes.subarray(3)));
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});
