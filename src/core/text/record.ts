// The unified, versioned analytics record stored per image.
import { extractCaptions, type Triplet } from './extract.ts';

export type { Triplet } from './extract.ts';

/** Bump when the extraction output changes shape or meaning; readers re-derive older records. */
export const ANALYTICS_RECORD_VERSION = 1;

export interface ModelIds {
  readonly captioner: string;
  readonly embedder: string;
}

export interface AnalyticsRecord {
  readonly version: number;
  readonly captions: readonly string[];
  readonly triplets: readonly Triplet[];
  readonly tags: readonly string[];
  readonly models: ModelIds;
  /** How many captions indexing asked for (sampled ones may repeat the first and be dropped). */
  readonly captionsAsked?: number;
  /**
   * Text read in the photo (OCR), lines joined by newlines; '' when the reader found none. Absent
   * when no reader has looked yet (older records, or OCR turned off): the background pass fills it.
   */
  readonly ocr?: OcrText;
}

export interface OcrText {
  readonly text: string;
  /** 0-1, the reader's mean line confidence. */
  readonly confidence: number;
  /** The reader's model id. */
  readonly model: string;
}

/** Builds the record from an image's captions (tags and triplets are derived, lemmatised). */
export function buildRecord(captions: readonly string[], models: ModelIds): AnalyticsRecord {
  const clean = captions.map((c) => c.trim()).filter((c) => c.length > 0);
  const { triplets, tags } = extractCaptions(clean);
  return { version: ANALYTICS_RECORD_VERSION, captions: clean, triplets, tags, models };
}

/** True if `x` is a record of the current version (older ones should be rebuilt from captions). */
export function isCurrentRecord(x: unknown): x is AnalyticsRecord {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Partial<AnalyticsRecord>;
  return (
    r.version === ANALYTICS_RECORD_VERSION &&
    Array.isArray(r.captions) &&
    r.captions.every((c) => typeof c === 'string') &&
    Array.isArray(r.triplets) &&
    r.triplets.every((t) => typeof t?.s === 'string' && typeof t.r === 'string' && typeof t.o === 'string') &&
    Array.isArray(r.tags) &&
    r.tags.every((t) => typeof t === 'string') &&
    typeof r.models?.captioner === 'string' &&
    typeof r.models.embedder === 'string' &&
    (r.ocr === undefined || (typeof r.ocr?.text === 'string' && typeof r.ocr.confidence === 'number' && typeof r.ocr.model === 'string'))
  );
}
