// Safe decoding for intake: sniff and check first (so bombs and non-images never reach a
// decoder), then decode once with EXIF orientation applied, and draw each output in one
// downscaling drawImage. Composed by the analysis worker; the intake worker exposes it for tests.
import { throwIfAborted } from '../../src/core/errors';
import { checkIntake, DEFAULT_LIMITS, ImageRejectedError, sniffImage, type ImageKind, type IntakeLimits } from '../../src/core/image';
import { greyFromRgba, HASH_SIDE, HASH_WINDOWS, joinHashes, phash } from '../../src/core/similar/phash';

export interface DecodeOptions {
  /** Longest side of the thumbnail, in pixels (never upscaled). */
  thumbSize: number;
  /** If set, also return RGBA pixels with the longest side at most this (aspect kept, never upscaled). */
  modelSize?: number;
  signal?: AbortSignal;
  limits?: IntakeLimits;
  /** Keep the decoded image open for more copies (text recognition wants a larger one); the caller closes it. */
  keepSource?: boolean;
}

/** The decoded image, kept open: larger copies on demand (only photos with text ask). Close it once done. */
export interface PixelSource {
  pixels(maxSide: number): Promise<ModelPixels>;
  thumbnail(maxSide: number): Promise<Blob>;
  close(): void;
}

/** RGBA, flattened onto white (alpha is always 255): ready for transformers.js RawImage(data, w, h, 4). */
export interface ModelPixels {
  data: Uint8ClampedArray<ArrayBuffer>;
  width: number;
  height: number;
}

export interface DecodedImage {
  /** SHA-256 of the file's bytes, lower-case hex. */
  sha256: string;
  kind: ImageKind;
  /** Displayed size: after EXIF orientation, so 6 and 8 swap the stored width and height. */
  width: number;
  height: number;
  /** EXIF orientation as found in the file (1 when absent); already applied to all outputs. */
  orientation: number;
  /** Animated GIF/WebP/PNG/AVIF: every output shows the first frame. */
  animated: boolean;
  frameCount?: number;
  /** WebP where the browser encodes it, else JPEG on white. */
  thumbnail: Blob;
  pixels?: ModelPixels;
  /** Perceptual hashes of the whole photo and its windows (src/core/similar/phash.ts), for near-duplicates. */
  phash: string;
  /** With `keepSource`: the open image (close() it). */
  source?: PixelSource;
}

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Size that fits `w`×`h` within `max` on its longest side, never larger than it was. */
function fit(w: number, h: number, max: number): [number, number] {
  const scale = Math.min(1, max / Math.max(w, h));
  return [Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale))];
}

/** Draws `bitmap` scaled to fit `max` in a single drawImage (Chromium filters well at 'high'). */
function draw(bitmap: ImageBitmap, max: number, opts: { white: boolean; readBack: boolean }): { canvas: OffscreenCanvas; ctx: OffscreenCanvasRenderingContext2D } {
  const [w, h] = fit(bitmap.width, bitmap.height, max);
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d', { willReadFrequently: opts.readBack });
  if (!ctx) throw new Error('OffscreenCanvas 2D context unavailable');
  if (opts.white) {
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
  }
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, w, h);
  return { canvas, ctx };
}

async function thumbnail(bitmap: ImageBitmap, size: number): Promise<Blob> {
  const webp = await draw(bitmap, size, { white: false, readBack: false }).canvas.convertToBlob({ type: 'image/webp', quality: 0.8 });
  if (webp.type === 'image/webp') return webp;
  // Safari cannot encode WebP (it silently returns PNG): JPEG is smaller, and needs a background.
  return draw(bitmap, size, { white: true, readBack: false }).canvas.convertToBlob({ type: 'image/jpeg', quality: 0.82 });
}

function modelPixels(bitmap: ImageBitmap, size: number): ModelPixels {
  const { canvas, ctx } = draw(bitmap, size, { white: true, readBack: true });
  const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return { data, width, height };
}

/** The photo's perceptual hashes: each window drawn to 32×32 on white in one drawImage, then hashed. */
export function perceptualHash(bitmap: ImageBitmap): string {
  const canvas = new OffscreenCanvas(HASH_SIDE, HASH_SIDE);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('OffscreenCanvas 2D context unavailable');
  ctx.imageSmoothingQuality = 'high';
  const hashes = HASH_WINDOWS.map((w) => {
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, HASH_SIDE, HASH_SIDE);
    ctx.drawImage(bitmap, w.x * bitmap.width, w.y * bitmap.height, w.w * bitmap.width, w.h * bitmap.height, 0, 0, HASH_SIDE, HASH_SIDE);
    return phash(greyFromRgba(ctx.getImageData(0, 0, HASH_SIDE, HASH_SIDE).data, HASH_SIDE, HASH_SIDE));
  });
  return joinHashes(hashes);
}

/** The perceptual hashes of an image already stored (a thumbnail): for rows from before hashes. */
export async function perceptualHashOf(image: Blob): Promise<string> {
  const bitmap = await createImageBitmap(image);
  try {
    return perceptualHash(bitmap);
  } finally {
    bitmap.close();
  }
}

/**
 * Decodes one file. Throws ImageRejectedError (with a `code` and a message naming the file) for
 * anything that cannot be indexed, AbortError when `signal` fires; never hangs on bad input.
 * `mime` is what the file claimed; the format is decided by its bytes.
 */
export async function decodeImage(bytes: ArrayBuffer, fileName: string, _mime: string, opts: DecodeOptions): Promise<DecodedImage> {
  const sniff = sniffImage(new Uint8Array(bytes), fileName);
  const check = checkIntake(sniff, bytes.byteLength, fileName, opts.limits ?? DEFAULT_LIMITS);
  if (!check.ok) throw ImageRejectedError.from(check.rejection);
  throwIfAborted(opts.signal);
  const hashing = sha256Hex(bytes);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes], { type: sniff.mime }), { imageOrientation: 'from-image' });
  } catch {
    hashing.catch(() => {}); // the rejection below is the one that matters
    throw ImageRejectedError.from(check.ifDecodeFails);
  }
  let kept = false;
  try {
    throwIfAborted(opts.signal);
    const thumb = await thumbnail(bitmap, opts.thumbSize);
    throwIfAborted(opts.signal);
    const pixels = opts.modelSize ? modelPixels(bitmap, opts.modelSize) : undefined;
    const hash = perceptualHash(bitmap);
    const result: DecodedImage = {
      sha256: await hashing,
      kind: sniff.kind,
      width: bitmap.width,
      height: bitmap.height,
      orientation: sniff.orientation ?? 1,
      animated: sniff.animated ?? false,
      thumbnail: thumb,
      phash: hash,
    };
    if (sniff.frameCount !== undefined) result.frameCount = sniff.frameCount;
    if (pixels) result.pixels = pixels;
    if (opts.keepSource) {
      kept = true;
      result.source = { pixels: (max) => Promise.resolve(modelPixels(bitmap, max)), thumbnail: (max) => thumbnail(bitmap, max), close: () => bitmap.close() };
    }
    return result;
  } finally {
    if (!kept) bitmap.close(); // on errors too
  }
}
