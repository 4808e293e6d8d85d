// decodeImage's kept source, in Node with sharp: larger copies of the photo on demand.
import sharp from 'sharp';
import type { PixelSource } from '../../workers/lib/decode-image.ts';

export function nodeSource(bytes: Uint8Array): PixelSource {
  const fit = { fit: 'inside', withoutEnlargement: true } as const;
  return {
    async pixels(max) {
      const raw = await sharp(bytes).rotate().resize(max, max, fit).flatten({ background: '#ffffff' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      const data = new Uint8ClampedArray(new ArrayBuffer(raw.data.byteLength));
      data.set(raw.data);
      return { data, width: raw.info.width, height: raw.info.height };
    },
    async thumbnail(max) {
      const b = await sharp(bytes).rotate().resize(max, max, fit).webp({ quality: 80 }).toBuffer();
      return new Blob([new Uint8Array(b)], { type: 'image/webp' });
    },
    close() {},
  };
}
