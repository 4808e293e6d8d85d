// ISO base media files (HEIF/HEIC, AVIF, MP4/MOV): the ftyp brands say which; for still images
// the item properties (meta → iprp → ipco) carry ispe (size) and irot (rotation).
import { ascii, has, u32be, u8 } from './bytes';
import type { SniffResult } from './types';

const AVIF = new Set(['avif', 'avis']);
const HEIC = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'mif2']);
const VIDEO = new Set(['isom', 'iso2', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'qt  ', 'M4V ', 'M4A ', 'avc1', 'dash', '3gp4', '3gp5', '3gp6', '3g2a', 'MSNV']);
// irot's anticlockwise quarter turns as the EXIF orientation that displays the same way.
const IROT_TO_EXIF = [1, 8, 3, 6] as const;

interface Box { type: string; start: number; body: number; end: number }

/** Boxes between `from` and `to`; stops at the first malformed size. */
function* boxes(b: Uint8Array, from: number, to: number): Generator<Box> {
  for (let o = from, n = 0; has(b, o, 8) && o < to && n < 1000; n++) {
    let size = u32be(b, o);
    let body = o + 8;
    if (size === 1) {
      if (!has(b, o, 16) || u32be(b, o + 8) !== 0) return; // > 4 GiB: not a photo we read
      size = u32be(b, o + 12);
      body = o + 16;
    } else if (size === 0) {
      size = to - o;
    }
    if (size < body - o) return;
    yield { type: ascii(b, o + 4, 4), start: o, body, end: Math.min(o + size, to) };
    o += size;
  }
}

const child = (b: Uint8Array, parent: Box, type: string, skip = 0): Box | undefined => {
  for (const box of boxes(b, parent.body + skip, parent.end)) if (box.type === type) return box;
  return undefined;
};

export function sniffIsoBmff(b: Uint8Array): SniffResult {
  const size = Math.min(u32be(b, 0), b.length);
  const brands = new Set([ascii(b, 8, 4)]);
  for (let o = 16; o + 4 <= size; o += 4) brands.add(ascii(b, o, 4));
  const major = ascii(b, 8, 4);
  const isAvif = AVIF.has(major) || (!HEIC.has(major) && [...brands].some((x) => AVIF.has(x)));
  if (!isAvif && ![...brands].some((x) => HEIC.has(x))) {
    return [...brands].some((x) => VIDEO.has(x)) ? { kind: 'video', mime: 'video/mp4' } : { kind: 'unknown', mime: '' };
  }
  const out: SniffResult = isAvif
    ? { kind: 'avif', mime: 'image/avif', animated: brands.has('avis') }
    : { kind: 'heic', mime: 'image/heic', animated: brands.has('msf1') || brands.has('heis') };
  readItemProperties(b, out);
  return out;
}

function readItemProperties(b: Uint8Array, out: SniffResult): void {
  const top: Box = { type: '', start: 0, body: 0, end: b.length };
  const meta = child(b, top, 'meta');
  const iprp = meta && child(b, meta, 'iprp', 4); // meta is a FullBox: 4 bytes version/flags
  const ipco = iprp && child(b, iprp, 'ipco');
  if (!ipco) return; // no size: checkIntake reports the header as damaged
  // A grid photo lists one ispe per tile plus the whole; thumbnails are smaller. The largest is
  // the primary image (and the right one to check against the pixel limit).
  let rotations = 0;
  for (const box of boxes(b, ipco.body, ipco.end)) {
    if (box.type === 'ispe' && has(b, box.body, 12)) {
      const w = u32be(b, box.body + 4);
      const h = u32be(b, box.body + 8);
      if ((out.width ?? 0) * (out.height ?? 0) <= w * h) Object.assign(out, { width: w, height: h });
    } else if (box.type === 'irot' && has(b, box.body, 1)) {
      rotations++;
      out.orientation = IROT_TO_EXIF[u8(b, box.body) & 3];
    } else if (box.type === 'imir') {
      rotations = 2; // mirrored: not worth mapping to EXIF; leave orientation unknown
    }
  }
  if (rotations !== 1) delete out.orientation;
}
