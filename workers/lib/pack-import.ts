// "Add to my library" for an open pack: the pack is written as a `.glimpse` library file (the
// archive room's own writer, into a Blob the browser may keep on disk), then imported through the
// library file's own import (archive-import.ts): the same checks, the same batched writes, the
// same consent when the pack's models differ. Nothing here writes IndexedDB.
import { LibraryWriter, type ExportPhoto } from '../../src/archive/library-writer';
import { CHUNK_SIZE } from '../../src/core/archive/index';
import { throwIfAborted } from '../../src/core/errors';
import { importLibraryFile, type ImportOptions, type ImportProgress, type ImportResult } from './archive-import';
import type { Library } from './library';
import type { PackLibrary } from './pack-library';
import { version } from '../../package.json';

/** Thumbnails fetched at once while the pack is read whole. */
const PARALLEL = 8;

async function mapLimited<T, R>(items: readonly T[], limit: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await f(items[i]!);
      }
    }),
  );
  return out;
}

/** The pack as a library file: rows, both vectors (as the pack's forests hold them) and thumbnails, a chunk at a time. */
export async function packAsLibraryFile(pack: PackLibrary, o: { revisionOf: (id: string) => string; onProgress?: (p: ImportProgress) => void; signal?: AbortSignal }): Promise<Blob> {
  const pipe = new TransformStream<Uint8Array, Uint8Array>();
  const blob = new Response(pipe.readable).blob();
  blob.catch(() => {}); // an aborted write is reported by the writer
  const writer = await LibraryWriter.create(pipe.writable, { app: { name: 'Glimpse', version }, revisionOf: o.revisionOf, signal: o.signal });
  try {
    for (let first = 1; first <= pack.count; first += CHUNK_SIZE) {
      throwIfAborted(o.signal);
      const ids = Array.from({ length: Math.min(CHUNK_SIZE, pack.count - first + 1) }, (_, k) => first + k);
      const [rows, vectors] = await Promise.all([pack.rows(ids), pack.storedVectors(ids)]);
      const thumbs = await mapLimited(rows, PARALLEL, async (r) => (r ? pack.thumbBytes(r) : undefined));
      const chunk: ExportPhoto[] = [];
      rows.forEach((r, k) => {
        const v = vectors[k];
        if (!r || !v) throw new Error(`photo ${ids[k]} of the pack has no ${r ? 'vectors' : 'row'}; make the pack again.`);
        const { id: _id, thumb: _thumb, ...fields } = r;
        chunk.push({ ...fields, thumb: { bytes: thumbs[k]!, type: 'image/webp' }, vectors: v });
      });
      await writer.addChunk(chunk);
      o.onProgress?.({ phase: 'fetching', done: first - 1 + ids.length, total: pack.count, added: 0 });
    }
    await writer.finish(() => Promise.reject(new Error('a pack has no originals')));
  } catch (e) {
    await writer.abort(e);
    throw e;
  }
  return blob;
}

/** Reads the pack whole, then imports it into `library` (archive-import.ts). */
export async function addPackToLibrary(pack: PackLibrary, library: Library, o: ImportOptions): Promise<ImportResult> {
  const file = await packAsLibraryFile(pack, o);
  return importLibraryFile(library, file, `photo pack ${pack.source.url}`, o);
}
