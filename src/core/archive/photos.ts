// A chunk's photo records (photos/NNNNN.json): parsed and checked before anything is written.
// Every field the library stores is checked for type and range; text is stored and shown as
// text, and markup in it is refused (Glimpse never writes any: it means the file was altered).
import { isCurrentRecord, type AnalyticsRecord } from '../text/record.ts';
import { LIMITS } from './entries.ts';
import { LibraryFileError } from './errors.ts';
import { entryName, type ChunkRef, type FileRef, type Manifest, type PhotoEntry, type ThumbRef } from './format.ts';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isTime = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const SHA256 = /^[0-9a-f]{64}$/;

/** A tag-like run: `<` then a letter, `/`, `!` or `?`, up to a `>`. Plain `<` in text is fine. */
const MARKUP = /<[a-z!/?][^<>]*>/i;

export function hasMarkup(text: string): boolean {
  return MARKUP.test(text);
}

const MAX = { name: 1024, path: 4096, caption: 2000, captions: 32, triplets: 512, tags: 512, type: 128, ocrText: 100_000, model: 256 };
/** Perceptual hashes: 64-bit hex words, the whole photo's then its windows' (src/core/similar/phash.ts). */
const PHASH = /^(?:[0-9a-f]{16}){1,16}$/u;

/** The text fields of a photo, each with a label for messages. */
function texts(p: { name: string; path: string; record: AnalyticsRecord }): [string, string][] {
  const r = p.record;
  return [
    ['name', p.name],
    ['path', p.path],
    ...r.captions.map((c, i): [string, string] => [`caption ${i + 1}`, c]),
    ...r.tags.map((t): [string, string] => ['tag', t]),
    ...r.triplets.flatMap((t): [string, string][] => [['triplet', t.s], ['triplet', t.r], ['triplet', t.o]]),
  ];
}

/**
 * Checks a chunk's records against the manifest. `seen` holds the SHA-256 of photos in earlier
 * chunks (a library holds each photo once); this chunk's are added to it.
 */
export function parsePhotos(text: string, chunk: ChunkRef, manifest: Manifest, fileName: string, seen: Set<string>): PhotoEntry[] {
  const entry = chunk.records.path;
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    throw new LibraryFileError('bad-record', fileName, `its entry ${entry} is not valid JSON.`);
  }
  if (!Array.isArray(list)) throw new LibraryFileError('bad-record', fileName, `its entry ${entry} is not a list of photos.`);
  if (list.length !== chunk.count) throw new LibraryFileError('counts', fileName, `its entry ${entry} holds ${list.length} photos, and its manifest.json says ${chunk.count}.`);
  let offset = 0;
  const photos = list.map((x: unknown, i) => {
    const index = chunk.first + i;
    const label = isObj(x) && typeof x.name === 'string' ? `photo ${index + 1} ("${x.name.slice(0, 80)}")` : `photo ${index + 1}`;
    const bad = (what: string): never => {
      throw new LibraryFileError('bad-record', fileName, `${label} in ${entry} ${what}.`);
    };
    const p = parsePhoto(x, index, manifest, bad);
    for (const [field, value] of texts(p)) {
      if (hasMarkup(value)) throw new LibraryFileError('markup', fileName, `${label} in ${entry} has markup in its ${field}: "${value.slice(0, 80)}".`);
    }
    if (seen.has(p.sha256)) throw new LibraryFileError('duplicate-photo', fileName, `${label} in ${entry} is the same photo (SHA-256) as an earlier one.`);
    seen.add(p.sha256);
    // Thumbnails are packed one after another, in photo order.
    if (p.thumb.offset !== offset) throw new LibraryFileError('counts', fileName, `${label} in ${entry} places its thumbnail at byte ${p.thumb.offset} of ${chunk.thumbs.path}, where the previous one ends at ${offset}.`);
    offset += p.thumb.bytes;
    return p;
  });
  if (offset !== chunk.thumbs.bytes) throw new LibraryFileError('counts', fileName, `its records of ${entry} place ${offset} bytes of thumbnails in ${chunk.thumbs.path}, which holds ${chunk.thumbs.bytes}.`);
  return photos;
}

function parseThumb(x: unknown, bad: (what: string) => never): ThumbRef {
  if (!isObj(x) || !isCount(x.offset)) return bad('gives its thumbnail no offset');
  if (!isCount(x.bytes) || x.bytes < 1 || x.bytes > LIMITS.thumb) return bad('gives its thumbnail no valid size');
  if (typeof x.sha256 !== 'string' || !SHA256.test(x.sha256)) return bad('gives its thumbnail no SHA-256');
  if (typeof x.type !== 'string' || !x.type.startsWith('image/') || x.type.length > MAX.type) return bad('gives its thumbnail no image type');
  return { offset: x.offset, bytes: x.bytes, sha256: x.sha256, type: x.type };
}

function parseFileRef(x: unknown, expected: string, limit: number, what: string, bad: (what: string) => never): FileRef {
  if (!isObj(x) || x.path !== expected) return bad(`does not name its ${what} ${expected}`);
  if (!isCount(x.bytes) || x.bytes < 1 || x.bytes > limit) return bad(`gives its ${what} no valid size`);
  if (typeof x.sha256 !== 'string' || !SHA256.test(x.sha256)) return bad(`gives its ${what} no SHA-256`);
  if (typeof x.type !== 'string' || x.type.length > MAX.type) return bad(`gives its ${what} no type`);
  return { path: x.path, bytes: x.bytes, sha256: x.sha256, type: x.type };
}

function parseRecord(x: unknown, manifest: Manifest, bad: (what: string) => never): AnalyticsRecord {
  if (!isCurrentRecord(x)) return bad('has no valid record (captions, triplets, tags, models)');
  const r = x as AnalyticsRecord & Obj;
  if (r.captions.length > MAX.captions || r.triplets.length > MAX.triplets || r.tags.length > MAX.tags) bad('has more captions, triplets or tags than a record holds');
  if (r.captions.some((c) => c.length > MAX.caption)) bad('has a caption too long to be one');
  if (r.captionsAsked !== undefined && !isCount(r.captionsAsked)) bad('has no valid count of captions asked');
  const known = (id: string, role: string): boolean => manifest.models.some((m) => m.id === id && m.role === role);
  if (!known(r.models.captioner, 'captioner') || !known(r.models.embedder, 'embedder')) bad('names models its manifest.json does not list');
  // Only the fields the library keeps: anything else in the file is dropped here.
  return {
    version: r.version,
    captions: [...r.captions],
    triplets: r.triplets.map((t) => ({ s: t.s, r: t.r, o: t.o })),
    tags: [...r.tags],
    models: { captioner: r.models.captioner, embedder: r.models.embedder },
    ...(r.captionsAsked !== undefined && { captionsAsked: r.captionsAsked }),
    ...(r.ocr !== undefined && { ocr: parseOcr(r.ocr, bad) }),
  };
}

/** Text read in the photo. Kept as text (it is shown as text, never as markup): a screenshot of code may hold tags. */
function parseOcr(o: NonNullable<AnalyticsRecord['ocr']>, bad: (what: string) => never): NonNullable<AnalyticsRecord['ocr']> {
  if (o.text.length > MAX.ocrText) bad('holds more text read in the photo than a record keeps');
  if (!Number.isFinite(o.confidence) || o.confidence < 0 || o.confidence > 1) bad('gives its read text a confidence outside 0–1');
  if (o.model.length === 0 || o.model.length > MAX.model) bad('names no valid text reader');
  return { text: o.text, confidence: o.confidence, model: o.model };
}

function parsePhoto(x: unknown, index: number, manifest: Manifest, bad: (what: string) => never): PhotoEntry {
  if (!isObj(x)) return bad('is not a photo record');
  if (typeof x.sha256 !== 'string' || !SHA256.test(x.sha256)) bad('has no valid SHA-256');
  if (typeof x.name !== 'string' || x.name.length === 0 || x.name.length > MAX.name) bad('has no valid name');
  if (typeof x.path !== 'string' || x.path.length > MAX.path) bad('has no valid path');
  if (typeof x.type !== 'string' || x.type.length > MAX.type) bad('has no valid type');
  for (const k of ['size', 'width', 'height'] as const) if (!isCount(x[k])) bad(`has no valid ${k}`);
  if (!isTime(x.addedAt)) bad('has no valid date added');
  if (x.takenAt !== undefined && !isTime(x.takenAt)) bad('has no valid date taken');
  const record = parseRecord(x.record, manifest, bad);
  const thumb = parseThumb(x.thumb, bad);
  const photo: PhotoEntry = {
    sha256: x.sha256 as string,
    name: x.name as string,
    path: x.path as string,
    size: x.size as number,
    type: x.type as string,
    width: x.width as number,
    height: x.height as number,
    addedAt: x.addedAt as number,
    record,
    thumb,
  };
  if (x.takenAt !== undefined) photo.takenAt = x.takenAt as number;
  if (x.phash !== undefined) {
    if (typeof x.phash !== 'string' || !PHASH.test(x.phash)) bad('has no valid perceptual hash');
    photo.phash = x.phash as string;
  }
  if (x.original !== undefined) photo.original = parseFileRef(x.original, entryName.original(index, photo.name), Number.MAX_SAFE_INTEGER, 'original', bad);
  return photo;
}
