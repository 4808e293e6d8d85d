// PNG chunk walk: IHDR (size, bit depth, colour type), acTL (APNG frames), tRNS, eXIf,
// and IEND. Chunks are skipped by their length, so the walk costs one step per chunk.
import { ascii, has, u32be, u8 } from './bytes';
import { crc32 } from '../crc32';
import { readIfd0 } from './tiff-ifd';
import type { SniffResult } from './types';

export function sniffPng(b: Uint8Array): SniffResult {
  const out: SniffResult = { kind: 'png', mime: 'image/png' };
  if (!has(b, 8, 25) || ascii(b, 12, 4) !== 'IHDR' || u32be(b, 8) !== 13) {
    out.truncated = !has(b, 8, 25);
    out.headerDamaged = !out.truncated;
    return out;
  }
  out.headerDamaged = crc32(b.subarray(12, 29)) !== u32be(b, 29);
  out.width = u32be(b, 16);
  out.height = u32be(b, 20);
  out.bitDepth = u8(b, 24);
  out.pngColorType = u8(b, 25);
  out.hasAlpha = out.pngColorType === 4 || out.pngColorType === 6;
  let o = 33;
  for (;;) {
    if (!has(b, o, 8)) break;
    const len = u32be(b, o);
    const type = ascii(b, o + 4, 4);
    if (len > 0x7fffffff || !has(b, o, 12 + len)) break;
    if (type === 'IEND') return out;
    if (type === 'acTL' && len >= 8) {
      out.frameCount = u32be(b, o + 8);
      out.animated = out.frameCount > 1;
    } else if (type === 'tRNS') {
      out.hasAlpha = true;
    } else if (type === 'eXIf') {
      out.orientation ??= readIfd0(b.subarray(o + 8, o + 8 + len))?.orientation;
    }
    o += 12 + len;
  }
  out.truncated = true; // Chromium refuses a PNG without IEND, so a cut-off file is reported as such
  return out;
}
