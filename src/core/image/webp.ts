// WebP RIFF walk: the first chunk gives the size (VP8 lossy, VP8L lossless, VP8X extended with
// canvas size and flags); ANMF chunks are frames; EXIF carries orientation.
import { ascii, has, u16le, u24le, u32le, u8 } from './bytes';
import { readIfd0 } from './tiff-ifd';
import type { SniffResult } from './types';

export function sniffWebp(b: Uint8Array): SniffResult {
  const out: SniffResult = { kind: 'webp', mime: 'image/webp', bitDepth: 8 };
  const end = Math.min(b.length, 8 + u32le(b, 4));
  let truncated = 8 + u32le(b, 4) > b.length;
  let frames = 0;
  for (let o = 12; o < end; ) {
    if (!has(b, o, 8)) { truncated = true; break; }
    const type = ascii(b, o, 4);
    const len = u32le(b, o + 4);
    const p = o + 8;
    if (!has(b, p, len)) truncated = true;
    if (type === 'VP8 ' && out.width === undefined && u8(b, p + 3) === 0x9d && u8(b, p + 4) === 0x01 && u8(b, p + 5) === 0x2a) {
      out.width = u16le(b, p + 6) & 0x3fff;
      out.height = u16le(b, p + 8) & 0x3fff;
    } else if (type === 'VP8L' && out.width === undefined && u8(b, p) === 0x2f) {
      const bits = u32le(b, p + 1);
      out.width = (bits & 0x3fff) + 1;
      out.height = ((bits >>> 14) & 0x3fff) + 1;
      out.hasAlpha = ((bits >>> 28) & 1) === 1;
    } else if (type === 'VP8X' && len >= 10) {
      const flags = u8(b, p);
      out.animated = (flags & 0x02) !== 0;
      out.hasAlpha = (flags & 0x10) !== 0;
      out.width = u24le(b, p + 4) + 1;
      out.height = u24le(b, p + 7) + 1;
    } else if (type === 'ANMF') {
      frames++;
    } else if (type === 'EXIF') {
      // Some writers keep JPEG's "Exif\0\0" prefix in the chunk.
      const start = ascii(b, p, 6) === 'Exif\0\0' ? p + 6 : p;
      out.orientation ??= readIfd0(b.subarray(start, p + len))?.orientation;
    }
    o = p + len + (len & 1);
  }
  if (frames > 0) out.frameCount = frames;
  if (truncated) out.truncated = true;
  return out;
}
