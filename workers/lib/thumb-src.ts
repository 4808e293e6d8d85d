// Thumbnails as data: URLs for the grid's <img> elements. A data: URL has no lifetime to manage:
// a blob: URL revoked before a lazy <img> fetched it failed (net::ERR_FILE_NOT_FOUND, a thumbnail
// that never showed), and one kept alive pins its Blob. Encoded here, off the main thread, a
// batch of ids per call (one read transaction for the cards of a frame).
import { thumbsByIds, type GlimpseDB } from '../../src/storage/library-store';
import { toBase64 } from '../../src/storage/base64';
import type { ThumbRow } from '../../src/storage/rows';

export async function dataUrl(stored: ThumbRow | Blob): Promise<string> {
  const bytes = stored instanceof Blob ? await stored.arrayBuffer() : stored.bytes;
  return `data:${stored.type || 'image/webp'};base64,${toBase64(new Uint8Array(bytes))}`;
}

/** The thumbnails of `ids` as data: URLs, in order; undefined where none is stored. */
export async function thumbSrcs(db: GlimpseDB, ids: readonly number[]): Promise<(string | undefined)[]> {
  const stored = await thumbsByIds(db, ids);
  return Promise.all(stored.map((t) => (t === undefined ? undefined : dataUrl(t))));
}
