// GIF block walk: logical screen size, then image descriptors (frames) and extensions, each
// skipped by its sub-block lengths. Frame extents count too: Chromium grows the canvas to fit.
import { has, u16le, u8 } from './bytes';
import type { SniffResult } from './types';

export function sniffGif(b: Uint8Array): SniffResult {
  const out: SniffResult = { kind: 'gif', mime: 'image/gif', bitDepth: 8 };
  if (!has(b, 0, 13)) return { ...out, truncated: true };
  let width = u16le(b, 6);
  let height = u16le(b, 8);
  const packed = u8(b, 10);
  let o = 13 + (packed & 0x80 ? 3 << ((packed & 7) + 1) : 0);
  let frames = 0;
  walk: while (has(b, o, 1)) {
    const block = u8(b, o);
    if (block === 0x3b) break; // trailer
    if (block === 0x2c) {
      if (!has(b, o, 11)) break;
      width = Math.max(width, u16le(b, o + 1) + u16le(b, o + 5));
      height = Math.max(height, u16le(b, o + 3) + u16le(b, o + 7));
      const local = u8(b, o + 9);
      o += 10 + (local & 0x80 ? 3 << ((local & 7) + 1) : 0) + 1; // + LZW minimum code size
    } else if (block === 0x21) {
      o += 2;
    } else {
      break; // unknown block: decoders stop here too
    }
    for (;;) {
      if (!has(b, o, 1)) break walk;
      const size = u8(b, o);
      o += 1 + size;
      if (size === 0) break;
    }
    if (o > b.length) break;
    if (block === 0x2c) frames++;
  }
  out.width = width;
  out.height = height;
  out.frameCount = frames;
  out.animated = frames > 1;
  out.truncated = frames === 0; // a GIF cut off after its first frame still shows that frame
  return out;
}
