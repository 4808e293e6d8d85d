// Re-analysis of images already in the library: after the person picks other models (their
// descriptions and vectors come from the old ones), and to add the extra sampled captions that
// indexing leaves for later (the first caption makes a photo searchable; more make it findable).
// The source is the original through its kept file handle when reading it is already allowed (a
// worker cannot ask), else the stored thumbnail: the captioner looks at 224-384 px anyway. Photos
// indexed before text reading (or with it off) get their text read the same way ('text'): from the
// original, else from the thumbnail (256 px: large signs only; photos found to have text keep a
// 1024-px thumbnail, see read-text.ts).
import { isNamedError } from '../../src/core/errors';
import { recordText } from '../../src/core/text/record-text';
import { countStaleRows, countUnreadText, handleById, nextRowWhere } from '../../src/storage/library-store';
import type { ImageRow } from '../../src/storage/rows';
import { analyzeImage, type OcrOptions, type PreparedImage } from './analyze-image';
import { decodeImage } from './decode-image';
import type { Library } from './library';
import type { Loaded } from './model-host';
import { readText } from './read-text';

export interface RefreshWant {
  captioner: string;
  embedder: string;
  captionCount: number;
  /** Re-describe images made by other models (the person agreed to re-index). */
  reindex: boolean;
  /** Read text in photos that were never read (the OCR setting). */
  ocr?: boolean;
}

export type RefreshKind = 'models' | 'captions' | 'text';

export function staleness(row: ImageRow, want: RefreshWant): RefreshKind | undefined {
  const m = row.record.models;
  // Never add captions with other models than the image's own unless re-indexing.
  if (m.captioner !== want.captioner || m.embedder !== want.embedder) return want.reindex ? 'models' : undefined;
  // `captionCount` in the record is what indexing asked for; fewer distinct captions is not stale.
  const asked = row.record.captionsAsked ?? row.record.captions.length;
  if (asked < want.captionCount) return 'captions';
  return want.ocr && row.record.ocr === undefined ? 'text' : undefined;
}

/** Per library: rows below this id all have their text read (a record only ever gains its `ocr`). */
const unreadFrom = new WeakMap<Library, number>();

/** What `staleness` would say of every row (with reindex on): models and captions from indexes, text by a walk from the last unread row. */
export async function countStale(library: Library, want: RefreshWant): Promise<Record<RefreshKind, number>> {
  const counts = await countStaleRows(library.db, want.captioner, want.embedder, want.captionCount);
  if (!want.ocr) return { ...counts, text: 0 };
  const from = unreadFrom.get(library) ?? 0;
  const unread = await countUnreadText(library.db, from, want.captioner, want.embedder, want.captionCount);
  unreadFrom.set(library, unread.first ?? (unread.last === undefined ? from : unread.last + 1));
  return { ...counts, text: unread.count };
}

export interface RefreshOptions {
  maxNewTokens: number;
  signal?: AbortSignal;
  /** The reader, when text is to be read (want.ocr) and its files could be had. */
  ocr?: OcrOptions;
}

/** queryPermission is not in TypeScript's types yet; without it, reading is not known to be allowed. */
type Readable = FileSystemFileHandle & { queryPermission?(d: { mode: 'read' }): Promise<PermissionState> };

/** Failures of the original that the thumbnail gets around: moved, deleted, changed, undecodable. */
const ORIGINAL_GONE = ['NotFoundError', 'NotReadableError', 'NotAllowedError', 'SecurityError', 'ImageRejectedError'];

/** The image analysed from its original, when it has a handle, reading is granted and the bytes are still the same. */
async function fromOriginal(library: Library, models: Loaded, row: ImageRow, want: RefreshWant, opts: RefreshOptions): Promise<PreparedImage | undefined> {
  const handle = (await handleById(library.db, row.id)) as Readable | undefined;
  if (!handle) return undefined;
  try {
    if ((await handle.queryPermission?.({ mode: 'read' })) !== 'granted') return undefined;
    const file = await handle.getFile();
    const meta = { name: row.name, path: row.path, type: file.type || row.type, lastModified: row.takenAt ?? row.addedAt };
    // Another file now under that name is not this image: `isKnown` true stops before the models run.
    const { prepared } = await analyzeImage(file, meta, models, { ...analysis(row, want, opts), isKnown: (sha) => Promise.resolve(sha !== row.sha256) });
    return prepared;
  } catch (e) {
    if (ORIGINAL_GONE.some((name) => isNamedError(e, name))) return undefined;
    throw e;
  }
}

/** Re-analyses the next stale image after `afterId`; undefined when none is left. */
export async function refreshNext(library: Library, models: Loaded, afterId: number, want: RefreshWant, opts: RefreshOptions): Promise<{ id: number; kind: RefreshKind } | undefined> {
  const row = await nextRowWhere(library.db, afterId, (r) => staleness(r, want) !== undefined);
  if (!row) return undefined;
  const kind = staleness(row, want)!;
  if (kind === 'text') {
    if (!opts.ocr) throw new Error('refreshNext: text to read but no reader');
    await readStoredText(library, models, row, opts.ocr, opts.signal);
    return { id: row.id, kind };
  }
  let prepared = await fromOriginal(library, models, row, want, opts);
  if (!prepared) {
    const thumb = await library.thumb(row.id);
    if (!thumb) return { id: row.id, kind }; // nothing to look at: the consistency check reports it
    const meta = { name: row.name, path: row.path, type: thumb.type, lastModified: row.takenAt ?? row.addedAt };
    ({ prepared } = await analyzeImage(thumb, meta, models, analysis(row, want, opts)));
  }
  // Same captioner: the stored visual vector (from the full-size file) stays. A thumbnail made for
  // text (larger than the grid's) replaces the stored one.
  if (prepared) await library.replace(row.id, prepared, row.record.models.captioner === want.captioner, keptThumb(row, prepared));
  return { id: row.id, kind };
}

/** What a re-analysis asks for: the text already read is kept; unread text is read when wanted. */
function analysis(row: ImageRow, want: RefreshWant, opts: RefreshOptions) {
  const known = row.record.ocr;
  return {
    captionCount: want.captionCount,
    maxNewTokens: opts.maxNewTokens,
    thumbSize: 64,
    signal: opts.signal,
    ...(known ? { knownText: known } : want.ocr && opts.ocr ? { ocr: opts.ocr } : {}),
  };
}

/** The new thumbnail if text reading made one (it is the large one), else undefined (keep the stored). */
function keptThumb(row: ImageRow, p: PreparedImage): Blob | undefined {
  return !row.record.ocr && p.record.ocr?.text ? p.thumb : undefined;
}

/** The original's bytes when it has a handle, reading is granted and they are still this image's. */
async function originalBytes(library: Library, row: ImageRow): Promise<{ bytes: ArrayBuffer; type: string } | undefined> {
  const handle = (await handleById(library.db, row.id)) as Readable | undefined;
  if (!handle) return undefined;
  try {
    if ((await handle.queryPermission?.({ mode: 'read' })) !== 'granted') return undefined;
    const file = await handle.getFile();
    const bytes = await file.arrayBuffer();
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    const hex = Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
    return hex === row.sha256 ? { bytes, type: file.type || row.type } : undefined;
  } catch (e) {
    if (ORIGINAL_GONE.some((name) => isNamedError(e, name))) return undefined;
    throw e;
  }
}

/** Reads the text of an image that has everything else: decode (original, else thumbnail), read, re-embed, replace. */
async function readStoredText(library: Library, models: Loaded, row: ImageRow, ocr: OcrOptions, signal?: AbortSignal): Promise<void> {
  const original = await originalBytes(library, row);
  const thumb = original ? undefined : await library.thumb(row.id);
  const source = original ?? (thumb && { bytes: await thumb.arrayBuffer(), type: thumb.type });
  if (!source) return; // nothing to look at: the consistency check reports it
  const decoded = await decodeImage(source.bytes, row.name, source.type, { thumbSize: 64, modelSize: 512, signal, keepSource: true });
  try {
    if (!decoded.pixels || !decoded.source) return;
    const read = await readText(ocr, decoded.pixels, decoded.source, signal, () => {});
    const record = { ...row.record, ocr: read.ocr };
    const [textVector, visualVector] = await Promise.all([models.embedder.embed([recordText(record)], signal), library.visualVectorOf(row.id)]);
    if (!visualVector) return;
    const meta = { name: row.name, path: row.path, type: row.type, lastModified: row.takenAt ?? row.addedAt };
    const prepared: PreparedImage = { sha256: row.sha256, meta, size: row.size, width: row.width, height: row.height, thumb: read.thumb ?? decoded.thumbnail, record, textVector, visualVector };
    // Only a thumbnail made from the original is worth more than the stored one.
    await library.replace(row.id, prepared, true, original ? read.thumb : undefined);
  } finally {
    decoded.source?.close();
  }
}
