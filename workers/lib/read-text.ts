// The OCR step of an analysis: a cheap first pass decides; only a photo with text pays for a
// larger copy, recognition and a larger thumbnail (so a later pass from the stored thumbnail can
// still read it). The first pass is the detector on the caption's 512-px copy, except for
// screen-like images (screenshots, scans: a large share of one exact colour), whose small text
// vanishes at 512 px: they go straight to recognition, which detects at full size.
import type { AnalyticsRecord } from '../../src/core/text/record';
import type { ModelPixels, PixelSource } from './decode-image';
import type { OcrOptions, StageMs } from './analyze-image';

/** Longest side recognition reads (measured with npm run eval:ocr --ocr-size: see README). */
export const OCR_SIZE = 1280;
/** Thumbnail kept for photos with text, so the background pass can read them again. */
export const OCR_THUMB_SIZE = 1024;

/** Share of sampled pixels holding the commonest exact colour above which an image counts as a screen. */
const FLAT_SHARE = 0.25;

/** A screenshot or document: flat backgrounds of one exact colour (a camera's noise never gives that). */
export function looksLikeScreen(p: ModelPixels): boolean {
  const counts = new Map<number, number>();
  const step = 4 * 7; // every 7th pixel: plenty for a share
  let n = 0;
  let top = 0;
  for (let i = 0; i + 2 < p.data.length; i += step) {
    const c = ((p.data[i] as number) << 16) | ((p.data[i + 1] as number) << 8) | (p.data[i + 2] as number);
    const k = (counts.get(c) ?? 0) + 1;
    counts.set(c, k);
    if (k > top) top = k;
    n++;
  }
  return n > 0 && top / n >= FLAT_SHARE;
}

export async function readText(
  opts: OcrOptions,
  small: ModelPixels,
  source: Pick<PixelSource, 'pixels' | 'thumbnail'>,
  signal: AbortSignal | undefined,
  lap: (stage: keyof StageMs) => void,
): Promise<{ ocr: NonNullable<AnalyticsRecord['ocr']>; thumb?: Blob }> {
  const screen = looksLikeScreen(small);
  const boxes = screen ? 1 : await opts.reader.find(small, signal);
  lap('textDetect');
  const none = { ocr: { text: '', confidence: 0, model: opts.reader.modelId } };
  if (boxes === 0) return none;
  const large = await source.pixels(opts.size);
  const read = await opts.reader.read(large, signal);
  lap('ocr');
  if (read.text.length === 0) return none;
  const thumb = await source.thumbnail(opts.thumbSize);
  lap('ocr');
  return { ocr: { text: read.text, confidence: read.confidence, model: opts.reader.modelId }, thumb };
}
