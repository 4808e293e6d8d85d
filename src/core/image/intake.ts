// The intake policy: given what sniffing found, accept the file for decoding or reject it now
// with a reason a person can act on. Everything here runs before any pixel is decoded.
import { displayName, type Rejection } from './rejection';
import { DEFAULT_LIMITS, type ImageKind, type IntakeLimits, type SniffResult } from './types';

export type IntakeCheck =
  | { ok: true; /** What to report if the browser's decoder then refuses the file. */ ifDecodeFails: Rejection }
  | { ok: false; rejection: Rejection };

const MB = 1024 * 1024;
const mb = (n: number): string => (n / MB).toFixed(n < 10 * MB ? 1 : 0);

/**
 * Formats some browsers decode and others don't (Safari reads HEIC and TIFF): try, and explain
 * only if decoding fails. AVIF is not here: every browser that runs Glimpse decodes it, so a
 * failed AVIF is a damaged file.
 */
const MAYBE_UNSUPPORTED: Partial<Record<ImageKind, (n: string) => string>> = {
  heic: (n) => `${n}: HEIC photos can't be decoded by this browser. Convert it to JPEG (on iPhone: Settings → Camera → Formats → Most Compatible) and add it again.`,
  tiff: (n) => `${n}: TIFF images (and camera RAW files) can't be decoded by this browser. Export it as JPEG or PNG and add that.`,
};

/** Rejects a file by size alone: cheap enough to run before its bytes are even read. */
export function checkByteLength(byteLength: number, fileName: string, limits: IntakeLimits = DEFAULT_LIMITS): Rejection | undefined {
  const n = displayName(fileName);
  if (byteLength === 0) {
    return { code: 'empty', message: `${n} is empty (0 bytes), so there is no picture in it. If it came from a phone or a cloud drive, download the original again and add that.` };
  }
  if (byteLength > limits.maxBytes) {
    return { code: 'too-large-bytes', message: `${n} is ${mb(byteLength)} MB; Glimpse accepts images up to ${mb(limits.maxBytes)} MB. Save a smaller copy (for example a JPEG) and add that.` };
  }
  return undefined;
}

export function decodeFailure(sniff: SniffResult, fileName: string): Rejection {
  const n = displayName(fileName);
  const unsupported = MAYBE_UNSUPPORTED[sniff.kind];
  if (unsupported) return { code: 'unsupported-format', message: unsupported(n) };
  return { code: 'corrupt', message: `${n} is damaged and couldn't be decoded. Open it in a photo app to check; if it opens there, export a new JPEG and add that.` };
}

function notAnImage(sniff: SniffResult, n: string): Rejection | undefined {
  switch (sniff.kind) {
    case 'text':
      return { code: 'not-an-image', message: `${n} is a text file, not an image, even though its name may look like one. Add the photo itself.` };
    case 'video':
      return { code: 'not-an-image', message: `${n} is a video. Glimpse searches photos; add a still image (for example a screenshot of the moment) instead.` };
    case 'unknown':
      return { code: 'not-an-image', message: `${n} isn't an image Glimpse can read (it reads JPEG, PNG, GIF, WebP, AVIF and BMP). If it is a photo, export it as JPEG from a photo app and add that.` };
    case 'svg':
      return { code: 'unsupported-format', message: `${n} is an SVG drawing, not a photo. Glimpse doesn't open SVG files (they can carry scripts); export it as PNG and add that.` };
    case 'jxl':
      // Safari could decode it, but we don't read JPEG XL headers, so its size is unchecked.
      return { code: 'unsupported-format', message: `${n} is a JPEG XL image, which Glimpse can't open yet. Convert it to JPEG or PNG and add that.` };
    default:
      return undefined;
  }
}

/** Accepts `sniff` for decoding, or rejects it with a reason that names `fileName`. */
export function checkIntake(sniff: SniffResult, byteLength: number, fileName: string, limits: IntakeLimits = DEFAULT_LIMITS): IntakeCheck {
  const n = displayName(fileName);
  const reject = (rejection: Rejection): IntakeCheck => ({ ok: false, rejection });
  const early = checkByteLength(byteLength, fileName, limits) ?? notAnImage(sniff, n);
  if (early) return reject(early);
  if (sniff.truncated) {
    return reject({ code: 'truncated', message: `${n} is cut off: the file ends before the picture does. It probably didn't finish copying or downloading; add the original again.` });
  }
  const { width, height } = sniff;
  if (sniff.headerDamaged || !width || !height) {
    // Without a size we cannot rule out a decompression bomb, so we do not decode.
    const unsupported = MAYBE_UNSUPPORTED[sniff.kind];
    if (unsupported && !sniff.headerDamaged) return reject({ code: 'unsupported-format', message: unsupported(n) });
    return reject({ code: 'corrupt', message: `${n} is damaged (its header doesn't make sense), so it can't be opened. If you have another copy, add that instead.` });
  }
  if (width * height > limits.maxPixels) {
    const mp = (x: number): string => String(Math.round(x / 1e6));
    const scale = Math.sqrt(limits.maxPixels / (width * height));
    const suggest = `${Math.floor(width * scale)} × ${Math.floor(height * scale)}`;
    return reject({
      code: 'too-large-pixels',
      message: `${n} is ${width} × ${height} pixels (${mp(width * height)} megapixels); Glimpse reads images up to ${mp(limits.maxPixels)} megapixels. Save a smaller copy (at most ${suggest}) and add that.`,
    });
  }
  return { ok: true, ifDecodeFails: decodeFailure(sniff, fileName) };
}
