// What sniffing can tell about a file from its first bytes and headers, without decoding pixels.

export type ImageKind =
  | 'jpeg'
  | 'png'
  | 'gif'
  | 'webp'
  | 'bmp'
  | 'avif'
  | 'heic'
  | 'tiff'
  | 'jxl'
  | 'svg'
  | 'video'
  | 'text'
  | 'unknown';

export interface SniffResult {
  kind: ImageKind;
  /** Canonical MIME type for the kind (used for the Blob we decode), '' when unknown. */
  mime: string;
  /** Stored (pre-orientation) size declared by the header; absent when it could not be read. */
  width?: number;
  height?: number;
  animated?: boolean;
  /** Frames counted in the header walk (GIF, APNG, WebP); absent when not counted. */
  frameCount?: number;
  /** JPEG with four components (CMYK or YCCK, usually from Adobe software). */
  cmyk?: boolean;
  /** Bits per sample: PNG bit depth, JPEG precision, BMP bits per pixel, TIFF bits per sample. */
  bitDepth?: number;
  /** PNG colour type (0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA). */
  pngColorType?: number;
  hasAlpha?: boolean;
  /** EXIF orientation 1–8 (JPEG APP1, PNG eXIf, WebP EXIF, TIFF IFD0), when present. */
  orientation?: number;
  /** The file ends before the image data does (a cut-off copy or download). */
  truncated?: boolean;
  /** A header that contradicts itself (bad PNG IHDR checksum, zero size): do not decode. */
  headerDamaged?: boolean;
}

export interface IntakeLimits {
  /** Largest accepted width × height; checked before decoding (decompression bombs). */
  maxPixels: number;
  maxBytes: number;
}

export const DEFAULT_LIMITS: Readonly<IntakeLimits> = { maxPixels: 100_000_000, maxBytes: 100 * 1024 * 1024 };
