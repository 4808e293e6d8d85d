// JPEG header walk: segments from SOI to the first SOS, then a scan for EOI. Reads the frame size
// (SOFn), precision, component count (4 = CMYK/YCCK) and EXIF orientation; never decodes.
import { ascii, has, u16be, u8 } from './bytes';
import { readIfd0 } from './tiff-ifd';
import type { SniffResult } from './types';

// SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.
const isSof = (m: number): boolean => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
// Markers with no length field: TEM, RST0–7, SOI.
const isStandalone = (m: number): boolean => m === 0x01 || (m >= 0xd0 && m <= 0xd8);

export function sniffJpeg(b: Uint8Array): SniffResult {
  const out: SniffResult = { kind: 'jpeg', mime: 'image/jpeg' };
  let o = 2;
  while (o < b.length) {
    // Like libjpeg, skip stray bytes before a marker and any 0xFF fill bytes.
    if (b[o] !== 0xff) { o++; continue; }
    while (b[o] === 0xff) o++;
    if (o >= b.length) break;
    const m = u8(b, o++);
    if (m === 0x00 || isStandalone(m)) continue;
    if (m === 0xd9) return out; // EOI before any scan: header-only file, decoder will refuse
    if (!has(b, o, 2)) break;
    const len = u16be(b, o);
    if (len < 2 || !has(b, o, len)) break;
    const seg = o + 2;
    if (isSof(m) && out.width === undefined && len >= 8) {
      out.bitDepth = u8(b, seg);
      out.height = u16be(b, seg + 1) || undefined; // 0 = set later by a DNL marker: unknown here
      out.width = u16be(b, seg + 3);
      out.cmyk = u8(b, seg + 5) === 4;
    } else if (m === 0xe1 && ascii(b, seg, 6) === 'Exif\0\0') {
      const orientation = readIfd0(b.subarray(seg + 6, o + len))?.orientation;
      if (orientation !== undefined && out.orientation === undefined) out.orientation = orientation;
    } else if (m === 0xda) {
      out.truncated = !hasEoi(b, o + len);
      return out;
    }
    o += len;
  }
  out.truncated = true; // the headers ran out before the first scan
  return out;
}

/** Inside entropy-coded data 0xFF is always followed by 0x00 or RSTn, so FF D9 is the real EOI. */
function hasEoi(b: Uint8Array, from: number): boolean {
  for (let i = b.indexOf(0xd9, from); i !== -1; i = b.indexOf(0xd9, i + 1)) {
    if (b[i - 1] === 0xff) return true;
  }
  return false;
}
