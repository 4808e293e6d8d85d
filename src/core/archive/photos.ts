// A chunk's photo records (photos/NNNNN.json): parsed and checked before anything is written.
// Every field the library stores is checked for type and range; text is stored and shown as
// text, and markup in it is refused (Glimpse never writes any: it means the file was altered).
import { isCount, parsePhotoFields, PHOTO_LIMITS, photoTexts, SHA256_HEX, type Bad } from '../photo/fields.ts';
import { LIMITS } from './entries.ts';
import { LibraryFileError } from './errors.ts';
import { entryName, type ChunkRef, type FileRef, type Manifest, type PhotoEntry, type ThumbRef } from './format.ts';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A tag-like run: `<` then a letter, `/`, `!` or `?`, up to a `>`. Plain `<` in text is fine. */
const MARKUP = /<[a-z!/?][^<>]*>/i;

export function hasMarkup(text: string): boolean {
  return MARKUP.test(text);
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
    for (const [field, value] of photoTexts(p)) {
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

function parseThumb(x: unknown, bad: Bad): ThumbRef {
  if (!isObj(x) || !isCount(x.offset)) return bad('gives its thumbnail no offset');
  if (!isCount(x.bytes) || x.bytes < 1 || x.bytes > LIMITS.thumb) return bad('gives its thumbnail no valid size');
  if (typeof x.sha256 !== 'string' || !SHA256_HEX.test(x.sha256)) return bad('gives its thumbnail no SHA-256');
  if (typeof x.type !== 'string' || !x.type.startsWith('image/') || x.type.length > PHOTO_LIMITS.type) return bad('gives its thumbnail no image type');
  return { offset: x.offset, bytes: x.bytes, sha256: x.sha256, type: x.type };
}

function parseFileRef(x: unknown, expected: string, limit: number, what: string, bad: Bad): FileRef {
  if (!isObj(x) || x.path !== expected) return bad(`does not name its ${what} ${expected}`);
  if (!isCount(x.bytes) || x.bytes < 1 || x.bytes > limit) return bad(`gives its ${what} no valid size`);
  if (typeof x.sha256 !== 'string' || !SHA256_HEX.test(x.sha256)) return bad(`gives its ${what} no SHA-256`);
  if (typeof x.type !== 'string' || x.type.length > PHOTO_LIMITS.type) return bad(`gives its ${what} no type`);
  return { path: x.path, bytes: x.bytes, sha256: x.sha256, type: x.type };
}

/** The shared per-photo fields (src/core/photo/fields.ts, models checked against the manifest), then the file's own: thumbnail and original. */
function parsePhoto(x: unknown, index: number, manifest: Manifest, bad: Bad): PhotoEntry {
  const fields = parsePhotoFields(x, bad, { knownModel: (id, role) => manifest.models.some((m) => m.id === id && m.role === role) });
  const o = x as Obj;
  const photo: PhotoEntry = { ...fields, thumb: parseThumb(o.thumb, bad) };
  if (o.original !== undefined) photo.original = parseFileRef(o.original, entryName.original(index, photo.name), Number.MAX_SAFE_INTEGER, 'original', bad);
  return photo;
}
