// What export and import of a library file need from IndexedDB: pages of rows with their vectors
// (export reads the library in id order without holding it whole), and a batch of imported
// photos written in one short transaction with both forests' changes (each photo whole or absent).
import type { GlimpseDB } from './db';
import { chargeWrite } from './fault-injection';
import { FOREST_BLOCKS } from './forest-idb-store';
import { bumpGeneration, stageBlocks, type ForestChanges } from './library-store';
import type { ImageRow, ThumbRow, VectorRow } from './rows';

export interface ExportRow {
  row: ImageRow;
  vectors: VectorRow | undefined;
}

/** Up to `limit` images with ids above `afterId`, in id order, with their vectors; one readonly transaction. */
export async function readExportPage(db: GlimpseDB, afterId: number, limit: number): Promise<ExportRow[]> {
  const tx = db.transaction(['images', 'vectors'], 'readonly');
  const range = IDBKeyRange.lowerBound(afterId, true);
  const rows = await tx.objectStore('images').getAll(range, limit);
  const vectors = rows.length ? await tx.objectStore('vectors').getAll(IDBKeyRange.bound(rows[0]!.id, rows.at(-1)!.id)) : [];
  const keys = rows.length ? await tx.objectStore('vectors').getAllKeys(IDBKeyRange.bound(rows[0]!.id, rows.at(-1)!.id)) : [];
  await tx.done;
  const byId = new Map(keys.map((k, i) => [Number(k), vectors[i]]));
  return rows.map((row) => ({ row, vectors: byId.get(row.id) }));
}

/** The SHA-256s among `shas` that the library already holds. */
export async function knownShas(db: GlimpseDB, shas: readonly string[]): Promise<Set<string>> {
  const index = db.transaction('images', 'readonly').store.index('by-sha');
  const found = await Promise.all(shas.map((sha) => index.getKey(sha)));
  return new Set(shas.filter((_, i) => found[i] !== undefined));
}

/** Ids of images that kept their original's file handle, with the handle. */
export async function storedHandles(db: GlimpseDB): Promise<{ id: number; handle: FileSystemFileHandle }[]> {
  const tx = db.transaction('handles', 'readonly');
  const [keys, handles] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()]);
  await tx.done;
  return keys.flatMap((k, i) => (handles[i] ? [{ id: Number(k), handle: handles[i] }] : []));
}

export interface ImportedImage {
  row: ImageRow;
  thumb: Blob;
  vectors: VectorRow;
}

/** Imported images (rows, thumbnails, vectors) and both forests' changes for them, in one transaction. Returns the new generation. */
export async function commitImages(db: GlimpseDB, images: readonly ImportedImage[], forests: ForestChanges[]): Promise<number> {
  // Bytes, not Blobs (schema v4: WebKit cannot keep a Blob in every session kind); read before the
  // transaction opens, as an await on anything but the transaction would let it commit.
  const thumbs: ThumbRow[] = await Promise.all(images.map(async ({ thumb }) => ({ bytes: await thumb.arrayBuffer(), type: thumb.type })));
  const tx = db.transaction(['images', 'thumbs', 'vectors', 'meta', FOREST_BLOCKS], 'readwrite');
  const generation = bumpGeneration(tx.objectStore('meta'));
  const pending: Promise<unknown>[] = [generation, tx.done];
  try {
    images.forEach(({ row, vectors }, i) => {
      // A put that throws at once must abort the transaction (see commitImage).
      pending.push(tx.objectStore('images').add(row), tx.objectStore('thumbs').put(thumbs[i]!, row.id), tx.objectStore('vectors').put(vectors, row.id));
    });
    stageBlocks(tx.objectStore(FOREST_BLOCKS), forests, pending);
    const bytes = images.reduce((n, i) => n + i.thumb.size + i.vectors.text.byteLength + i.vectors.visual.byteLength, 0);
    chargeWrite(bytes + forests.reduce((n, f) => n + f.puts.reduce((m, w) => m + w.bytes.byteLength, 0), 0));
  } catch (e) {
    tx.abort();
    await Promise.allSettled(pending);
    throw e;
  }
  await Promise.all(pending);
  return generation;
}
