// Reads the few IFD0 tags we need from a TIFF structure: a TIFF file itself, or the EXIF block
// inside a JPEG APP1 / PNG eXIf / WebP EXIF chunk (all use the same layout).
import { has, u16be, u16le, u32be, u32le } from './bytes';

export interface Ifd0 {
  width?: number;
  height?: number;
  bitsPerSample?: number;
  orientation?: number;
}

const TAG_WIDTH = 0x0100;
const TAG_HEIGHT = 0x0101;
const TAG_BITS = 0x0102;
const TAG_ORIENTATION = 0x0112;
const TYPE_SHORT = 3;
const TYPE_LONG = 4;
/** Enough for any real IFD0; stops a hostile count from making us loop for long. */
const MAX_ENTRIES = 512;

/** `start` is where the TIFF header ("II*\0" or "MM\0*") begins inside `b`. */
export function readIfd0(b: Uint8Array, start = 0): Ifd0 | undefined {
  if (!has(b, start, 8)) return undefined;
  const le = b[start] === 0x49 && b[start + 1] === 0x49;
  const be = b[start] === 0x4d && b[start + 1] === 0x4d;
  if (!le && !be) return undefined;
  const r16 = le ? u16le : u16be;
  const r32 = le ? u32le : u32be;
  if (r16(b, start + 2) !== 42) return undefined; // BigTIFF (43) and others: not read
  const ifd = start + r32(b, start + 4);
  if (!has(b, ifd, 2)) return undefined;
  const count = Math.min(r16(b, ifd), MAX_ENTRIES);
  const out: Ifd0 = {};
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + i * 12;
    if (!has(b, e, 12)) break;
    const type = r16(b, e + 2);
    if (type !== TYPE_SHORT && type !== TYPE_LONG) continue;
    const value = type === TYPE_SHORT ? r16(b, e + 8) : r32(b, e + 8);
    switch (r16(b, e)) {
      case TAG_WIDTH: out.width = value; break;
      case TAG_HEIGHT: out.height = value; break;
      // RGB has three samples: more than 4 bytes of SHORTs live at an offset; the first one will do.
      case TAG_BITS: out.bitsPerSample = type === TYPE_SHORT && r32(b, e + 4) > 2 ? r16(b, start + r32(b, e + 8)) : value; break;
      case TAG_ORIENTATION: if (value >= 1 && value <= 8) out.orientation = value; break;
    }
  }
  return out;
}
