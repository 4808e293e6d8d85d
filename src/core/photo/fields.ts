// The fields every per-photo row carries, wherever it lives: the IndexedDB row (src/storage/rows.ts
// ImageRow), a `.glimpse` library file's record (src/core/archive PhotoEntry), a photo on its way
// into one (src/archive ExportPhoto) and a pack's row page (src/core/pack PackRow). A new per-photo
// field is added here once: the checks below are keyed by PhotoFields (and AnalyticsRecord), so
// typecheck fails until the field has one, and whatever reads a row through parsePhotoFields keeps
// it instead of dropping it unseen.
import { isCurrentRecord, type AnalyticsRecord } from '../text/record.ts';

export interface PhotoFields {
  /** SHA-256 of the file's bytes (hex): a library holds each photo once. */
  sha256: string;
  name: string;
  /** Relative path inside a picked folder, or the file name. */
  path: string;
  size: number;
  type: string;
  width: number;
  height: number;
  addedAt: number;
  /** From EXIF when present, else the file's lastModified. */
  takenAt?: number;
  /** Perceptual hashes (src/core/similar/phash.ts: the whole photo's, then its windows'), for
   *  near-duplicates. Absent in rows from before them until the background pass adds them. */
  phash?: string;
  record: AnalyticsRecord;
}

/** Longest text each field may hold, and most list entries (a bound on what a file can make us keep). */
export const PHOTO_LIMITS = { name: 1024, path: 4096, caption: 2000, captions: 32, triplets: 512, tags: 512, type: 128, ocrText: 100_000, model: 256 } as const;

/** Throws (the caller's error, naming the photo) with what is wrong: "has no valid SHA-256". */
export type Bad = (what: string) => never;

export interface PhotoCheckOptions {
  /** Whether a model named by the record is one the container lists; every id is accepted without it. */
  knownModel?: (id: string, role: 'captioner' | 'embedder') => boolean;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
export const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isTime = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
export const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Perceptual hashes: 64-bit hex words, the whole photo's then its windows' (src/core/similar/phash.ts). */
const PHASH = /^(?:[0-9a-f]{16}){1,16}$/u;

/** One check per field: returns the value to keep (undefined: an optional field that is absent). */
type Checks<T> = { [K in keyof T]-?: (v: unknown, bad: Bad, o: PhotoCheckOptions) => T[K] };

const count = (k: string) => (v: unknown, bad: Bad): number => (isCount(v) ? v : bad(`has no valid ${k}`));

const PHOTO_CHECKS: Checks<PhotoFields> = {
  sha256: (v, bad) => (typeof v === 'string' && SHA256_HEX.test(v) ? v : bad('has no valid SHA-256')),
  name: (v, bad) => (typeof v === 'string' && v.length > 0 && v.length <= PHOTO_LIMITS.name ? v : bad('has no valid name')),
  path: (v, bad) => (typeof v === 'string' && v.length <= PHOTO_LIMITS.path ? v : bad('has no valid path')),
  size: count('size'),
  type: (v, bad) => (typeof v === 'string' && v.length <= PHOTO_LIMITS.type ? v : bad('has no valid type')),
  width: count('width'),
  height: count('height'),
  addedAt: (v, bad) => (isTime(v) ? v : bad('has no valid date added')),
  takenAt: (v, bad) => (v === undefined || isTime(v) ? v : bad('has no valid date taken')),
  phash: (v, bad) => (v === undefined || (typeof v === 'string' && PHASH.test(v)) ? v : bad('has no valid perceptual hash')),
  record: (v, bad, o) => parseRecord(v, bad, o),
};

/** Text read in the photo. Kept as text (it is shown as text, never as markup): a screenshot of code may hold tags. */
function parseOcr(o: NonNullable<AnalyticsRecord['ocr']>, bad: Bad): NonNullable<AnalyticsRecord['ocr']> {
  if (o.text.length > PHOTO_LIMITS.ocrText) bad('holds more text read in the photo than a record keeps');
  if (!Number.isFinite(o.confidence) || o.confidence < 0 || o.confidence > 1) bad('gives its read text a confidence outside 0–1');
  if (o.model.length === 0 || o.model.length > PHOTO_LIMITS.model) bad('names no valid text reader');
  return { text: o.text, confidence: o.confidence, model: o.model };
}

// The record's own fields, each copied (and bounded) here: anything else in the input is dropped.
const RECORD_CHECKS: Checks<AnalyticsRecord> = {
  version: (v) => v as number,
  captions: (v, bad) => {
    const c = v as string[];
    if (c.length > PHOTO_LIMITS.captions) bad('has more captions, triplets or tags than a record holds');
    if (c.some((s) => s.length > PHOTO_LIMITS.caption)) bad('has a caption too long to be one');
    return [...c];
  },
  triplets: (v, bad) => {
    const t = v as AnalyticsRecord['triplets'];
    if (t.length > PHOTO_LIMITS.triplets) bad('has more captions, triplets or tags than a record holds');
    return t.map((x) => ({ s: x.s, r: x.r, o: x.o }));
  },
  tags: (v, bad) => {
    const t = v as string[];
    if (t.length > PHOTO_LIMITS.tags) bad('has more captions, triplets or tags than a record holds');
    return [...t];
  },
  models: (v, bad, o) => {
    const m = v as AnalyticsRecord['models'];
    if (o.knownModel && (!o.knownModel(m.captioner, 'captioner') || !o.knownModel(m.embedder, 'embedder'))) bad('names models its manifest.json does not list');
    return { captioner: m.captioner, embedder: m.embedder };
  },
  captionsAsked: (v, bad) => (v === undefined || isCount(v) ? v : bad('has no valid count of captions asked')),
  ocr: (v, bad) => (v === undefined ? undefined : parseOcr(v as NonNullable<AnalyticsRecord['ocr']>, bad)),
};

/** Runs each check in order; optional fields that come back undefined are left out (not set to undefined). */
function pick<T>(x: Obj, checks: Checks<T>, bad: Bad, o: PhotoCheckOptions): T {
  const out: Obj = {};
  for (const key of Object.keys(checks) as (keyof T & string)[]) {
    const value = checks[key](x[key], bad, o);
    if (value !== undefined) out[key] = value;
  }
  return out as T;
}

function parseRecord(x: unknown, bad: Bad, o: PhotoCheckOptions): AnalyticsRecord {
  if (!isCurrentRecord(x)) return bad('has no valid record (captions, triplets, tags, models)');
  return pick(x as unknown as Obj, RECORD_CHECKS, bad, o);
}

/**
 * Checks every per-photo field of `x` for type and range and returns a copy holding only those
 * fields (anything else in `x` is left behind); `bad` is called with what is wrong.
 */
export function parsePhotoFields(x: unknown, bad: Bad, o: PhotoCheckOptions = {}): PhotoFields {
  if (!isObj(x)) return bad('is not a photo record');
  return pick(x, PHOTO_CHECKS, bad, o);
}

/** The text fields of a photo, each with a label for messages (markup checks run over these). */
export function photoTexts(p: Pick<PhotoFields, 'name' | 'path' | 'record'>): [string, string][] {
  const r = p.record;
  return [
    ['name', p.name],
    ['path', p.path],
    ...r.captions.map((c, i): [string, string] => [`caption ${i + 1}`, c]),
    ...r.tags.map((t): [string, string] => ['tag', t]),
    ...r.triplets.flatMap((t): [string, string][] => [['triplet', t.s], ['triplet', t.r], ['triplet', t.o]]),
  ];
}
