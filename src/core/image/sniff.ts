// Format sniffing by magic bytes, never by file name or claimed MIME type: a PNG named .jpg is
// a PNG, and a text file named .jpg is text.
import { ascii, startsWith, u32le } from './bytes';
import { sniffBmp } from './bmp';
import { sniffGif } from './gif';
import { sniffIsoBmff } from './isobmff';
import { sniffJpeg } from './jpeg';
import { sniffPng } from './png';
import { sniffText } from './text';
import { readIfd0 } from './tiff-ifd';
import type { SniffResult } from './types';
import { sniffWebp } from './webp';

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// DIB header sizes of real BMPs; checked so a text file starting "BM" is not taken for one.
const BMP_DIB_SIZES = [12, 40, 52, 56, 64, 108, 124];
const JXL_CONTAINER = [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a];

function sniffTiff(b: Uint8Array): SniffResult {
  const ifd = readIfd0(b);
  const out: SniffResult = { kind: 'tiff', mime: 'image/tiff' };
  if (ifd?.width !== undefined) out.width = ifd.width;
  if (ifd?.height !== undefined) out.height = ifd.height;
  if (ifd?.bitsPerSample !== undefined) out.bitDepth = ifd.bitsPerSample;
  if (ifd?.orientation !== undefined) out.orientation = ifd.orientation;
  return out;
}

/** What `bytes` is, and what its headers declare. `fileName` is not used to decide the format. */
export function sniffImage(bytes: Uint8Array, _fileName: string): SniffResult {
  const b = bytes;
  if (startsWith(b, [0xff, 0xd8, 0xff])) return sniffJpeg(b);
  if (startsWith(b, PNG)) return sniffPng(b);
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return sniffGif(b);
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return sniffWebp(b);
  if (ascii(b, 4, 4) === 'ftyp') return sniffIsoBmff(b);
  if (ascii(b, 0, 2) === 'BM' && BMP_DIB_SIZES.includes(u32le(b, 14))) return sniffBmp(b);
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]) || startsWith(b, [0x49, 0x49, 0x2b, 0x00])) {
    return sniffTiff(b);
  }
  if (startsWith(b, [0xff, 0x0a]) || startsWith(b, JXL_CONTAINER)) return { kind: 'jxl', mime: 'image/jxl' };
  return sniffText(b) ?? { kind: 'unknown', mime: '' };
}
