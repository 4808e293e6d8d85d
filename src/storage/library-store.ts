// Reads and the one write transaction of the image library.
import { openGlimpseDB, type GlimpseDB } from './db';
import { chargeWrite } from './fault-injection';
import { exactBuffer, FOREST_BLOCKS } from './forest-idb-store';
import type { ImageRow, VectorRow } from './rows';
import type { BlockWrite } from '../core/forest/store';

export { openGlimpseDB, type GlimpseDB };

export interface ForestChanges {
  name: string;
  puts: BlockWrite[];
  deletes: string[];
}

type BlockStoreTx = { put(v: ArrayBuffer, k: [string, string]): Promise<unknown>; delete(k: [string, string]): Promise<unknown> };

function stageBlocks(blocks: BlockStoreTx, forests: ForestChanges[], pending: Promise<unknown>[]): void {
  for (const f of forests) {
    for (const w of f.puts) pending.push(blocks.put(exactBuffer(w.bytes), [f.name, w.key]));
    for (const k of f.deletes) pending.push(blocks.delete([f.name, k]));
  }
}

/** The image row, its thumbnail and both forests' block changes, in one short transaction. */
export async function commitImage(db: GlimpseDB, row: ImageRow, thumb: Blob, vectors: VectorRow, forests: ForestChanges[]): Promise<void> {
  const tx = db.transaction(['images', 'thumbs', 'vectors', FOREST_BLOCKS], 'readwrite');
  const blocks = tx.objectStore(FOREST_BLOCKS);
  const pending: Promise<unknown>[] = [tx.objectStore('images').put(row), tx.objectStore('thumbs').put(thumb, row.id), tx.objectStore('vectors').put(vectors, row.id)];
  stageBlocks(blocks, forests, pending);
  pending.push(tx.done);
  try {
    chargeWrite(thumb.size + vectors.text.byteLength + vectors.visual.byteLength + forests.reduce((n, f) => n + f.puts.reduce((m, w) => m + w.bytes.byteLength, 0), 0));
  } catch (e) {
    tx.abort();
    await Promise.allSettled(pending);
    throw e;
  }
  await Promise.all(pending);
}

/** Removes image rows, thumbnails, vectors and file handles plus the forests' block changes for their deletion, atomically. */
export async function commitRemoval(db: GlimpseDB, ids: readonly number[], forests: ForestChanges[]): Promise<void> {
  const tx = db.transaction(['images', 'thumbs', 'vectors', 'handles', FOREST_BLOCKS], 'readwrite');
  const blocks = tx.objectStore(FOREST_BLOCKS);
  const pending: Promise<unknown>[] = [];
  for (const id of ids) pending.push(tx.objectStore('images').delete(id), tx.objectStore('thumbs').delete(id), tx.objectStore('vectors').delete(id), tx.objectStore('handles').delete(id));
  stageBlocks(blocks, forests, pending);
  pending.push(tx.done);
  await Promise.all(pending);
}

export async function findBySha(db: GlimpseDB, sha256: string): Promise<number | undefined> {
  return (await db.getKeyFromIndex('images', 'by-sha', sha256)) ?? undefined;
}

export async function rowsByIds(db: GlimpseDB, ids: readonly number[]): Promise<(ImageRow | undefined)[]> {
  const tx = db.transaction('images', 'readonly');
  return Promise.all(ids.map((id) => tx.store.get(id)));
}

export function thumbById(db: GlimpseDB, id: number): Promise<Blob | undefined> {
  return db.get('thumbs', id);
}

export function allRows(db: GlimpseDB): Promise<ImageRow[]> {
  return db.getAll('images');
}

/** Next image id: one past the highest stored (ids are ours, so the forests can be told before the write). */
export async function nextImageId(db: GlimpseDB): Promise<number> {
  const cursor = await db.transaction('images').store.openKeyCursor(null, 'prev');
  return (cursor ? Number(cursor.key) : 0) + 1;
}

export function countImages(db: GlimpseDB): Promise<number> {
  return db.count('images');
}

export function vectorsById(db: GlimpseDB, id: number): Promise<VectorRow | undefined> {
  return db.get('vectors', id);
}
