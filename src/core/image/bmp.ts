// BMP: BITMAPFILEHEADER then a DIB header whose size tells the variant (12 = OS/2 core,
// 40+ = Windows info header; a negative height means top-down rows).
import { has, i32le, u16le, u32le } from './bytes';
import type { SniffResult } from './types';

export function sniffBmp(b: Uint8Array): SniffResult {
  const out: SniffResult = { kind: 'bmp', mime: 'image/bmp' };
  if (!has(b, 0, 26)) return { ...out, truncated: true };
  const dib = u32le(b, 14);
  if (dib === 12) {
    out.width = u16le(b, 18);
    out.height = u16le(b, 20);
    out.bitDepth = u16le(b, 24);
  } else if (dib >= 40 && has(b, 0, 30)) {
    out.width = i32le(b, 18);
    out.height = Math.abs(i32le(b, 22));
    out.bitDepth = u16le(b, 28);
  }
  if (out.width !== undefined && out.width <= 0) out.headerDamaged = true;
  if (u32le(b, 10) > b.length) out.truncated = true; // pixel data would start past the end
  return out;
}
