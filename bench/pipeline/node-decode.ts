// The decode stage in Node, mirroring workers/lib/decode-image.ts with sharp (no createImageBitmap
// or OffscreenCanvas here): intake checks, SHA-256, EXIF-oriented decode, a WebP thumbnail and
// RGBA model pixels (longest side ≤ 512, flattened on white).
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { checkIntake, DEFAULT_LIMITS, ImageRejectedError, sniffImage } from '../../src/core/image/index.ts';
import type { ModelPixels } from '../../workers/lib/decode-image.ts';

export interface NodeDecoded {
  sha256: string;
  width: number;
  height: number;
  thumbnail: Blob;
  pixels: ModelPixels;
}

export async function decodeInNode(bytes: Uint8Array, fileName: string, thumbSize: number, modelSize = 512): Promise<NodeDecoded> {
  const sniff = sniffImage(bytes, fileName);
  const check = checkIntake(sniff, bytes.byteLength, fileName, DEFAULT_LIMITS);
  if (!check.ok) throw ImageRejectedError.from(check.rejection);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const fit = { fit: 'inside', withoutEnlargement: true } as const;
  const [thumb, raw] = await Promise.all([
    sharp(bytes).rotate().resize(thumbSize, thumbSize, fit).webp({ quality: 80 }).toBuffer(),
    sharp(bytes).rotate().resize(modelSize, modelSize, fit).flatten({ background: '#ffffff' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true }),
  ]);
  const meta = await sharp(bytes).rotate().metadata();
  const oriented = (meta.orientation ?? 1) >= 5;
  const data = new Uint8ClampedArray(new ArrayBuffer(raw.data.byteLength));
  data.set(raw.data);
  return {
    sha256,
    width: (oriented ? meta.height : meta.width) ?? raw.info.width,
    height: (oriented ? meta.width : meta.height) ?? raw.info.height,
    thumbnail: new Blob([new Uint8Array(thumb)], { type: 'image/webp' }),
    pixels: { data, width: raw.info.width, height: raw.info.height },
  };
}
