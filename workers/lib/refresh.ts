// Re-analysis of images already in the library: after the person picks other models (their
// descriptions and vectors come from the old ones), and to add the extra sampled captions that
// indexing leaves for later (the first caption makes a photo searchable; more make it findable).
// The source is the original through its kept file handle when reading it is already allowed (a
// worker cannot ask), else the stored 256-px thumbnail: the captioner looks at 224-384 px anyway.
import { isNamedError } from '../../src/core/errors';
import { countStaleRows, handleById, nextRowWhere } from '../../src/storage/library-store';
import type { ImageRow } from '../../src/storage/rows';
import { analyzeImage, type PreparedImage } from './analyze-image';
import type { Library } from './library';
import type { Loaded } from './model-host';

export interface RefreshWant {
  captioner: string;
  embedder: string;
  captionCount: number;
  /** Re-describe images made by other models (the person agreed to re-index). */
  reindex: boolean;
}

export type RefreshKind = 'models' | 'captions';

export function staleness(row: ImageRow, want: RefreshWant): RefreshKind | undefined {
  const m = row.record.models;
  // Never add captions with other models than the image's own unless re-indexing.
  if (m.captioner !== want.captioner || m.embedder !== want.embedder) return want.reindex ? 'models' : undefined;
  // `captionCount` in the record is what indexing asked for; fewer distinct captions is not stale.
  const asked = row.record.captionsAsked ?? row.record.captions.length;
  return asked < want.captionCount ? 'captions' : undefined;
}

/** What `staleness` would say of every row (with reindex on), counted from indexes. */
export function countStale(library: Library, want: RefreshWant): Promise<Record<RefreshKind, number>> {
  return countStaleRows(library.db, want.captioner, want.embedder, want.captionCount);
}

export interface RefreshOptions {
  maxNewTokens: number;
  signal?: AbortSignal;
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
    const { prepared } = await analyzeImage(file, meta, models, { captionCount: want.captionCount, maxNewTokens: opts.maxNewTokens, thumbSize: 64, signal: opts.signal, isKnown: (sha) => Promise.resolve(sha !== row.sha256) });
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
  let prepared = await fromOriginal(library, models, row, want, opts);
  if (!prepared) {
    const thumb = await library.thumb(row.id);
    if (!thumb) return { id: row.id, kind }; // nothing to look at: the consistency check reports it
    const meta = { name: row.name, path: row.path, type: thumb.type, lastModified: row.takenAt ?? row.addedAt };
    ({ prepared } = await analyzeImage(thumb, meta, models, { captionCount: want.captionCount, maxNewTokens: opts.maxNewTokens, thumbSize: 64, signal: opts.signal }));
  }
  // Same captioner: the stored visual vector (from the full-size file) stays.
  if (prepared) await library.replace(row.id, prepared, row.record.models.captioner === want.captioner);
  return { id: row.id, kind };
}
