// Reads and the one write transaction of the image library.
import { openGlimpseDB, type GlimpseDB } from './db';
import { chargeWrite } from './fault-injection';
import { exactBuffer, FOREST_BLOCKS } from './forest-idb-store';
import { LEXICAL_REPLACED_KEY } from './lexical-store';
import type { ImageRow, MetaRow, ThumbRow, VectorRow } from './rows';
import type { BlockWrite } from '../core/forest/store';
import { settleWrite } from './write-errors';

export { openGlimpseDB, type GlimpseDB };

export interface ForestChanges {
  name: string;
  puts: BlockWrite[];
  deletes: string[];
}

type BlockStoreTx = { put(v: ArrayBuffer, k: [string, string]): Promise<unknown>; delete(k: [string, string]): Promise<unknown> };

export function stageBlocks(blocks: BlockStoreTx, forests: ForestChanges[], pending: Promise<unknown>[]): void {
  for (const f of forests) {
    for (const w of f.puts) pending.push(blocks.put(exactBuffer(w.bytes), [f.name, w.key]));
    for (const k of f.deletes) pending.push(blocks.delete([f.name, k]));
  }
}

const GENERATION = 'generation';

type MetaStoreTx = { get(k: string): Promise<MetaRow | undefined>; put(v: MetaRow): Promise<unknown> };

/** Counts library writes: every write transaction bumps it, so a tab can tell another one wrote since it last looked. */
export async function bumpGeneration(meta: MetaStoreTx): Promise<number> {
  const next = asGeneration(await meta.get(GENERATION)) + 1;
  await meta.put({ key: GENERATION, value: next });
  return next;
}

async function noteReplaced(meta: MetaStoreTx, id: number): Promise<void> {
  const row = await meta.get(LEXICAL_REPLACED_KEY);
  const ids = Array.isArray(row?.value) ? (row.value as number[]) : [];
  if (!ids.includes(id)) await meta.put({ key: LEXICAL_REPLACED_KEY, value: [...ids, id] });
}

const asGeneration = (row: MetaRow | undefined): number => (typeof row?.value === 'number' ? row.value : 0);

export async function readGeneration(db: GlimpseDB): Promise<number> {
  return asGeneration(await db.get('meta', GENERATION));
}

/** The image row, its thumbnail (kept as is when undefined: a re-index), the original's file handle
 *  (when the browser gave one; an existing one is kept otherwise) and both forests' block changes, in
 *  one short transaction. `dequeue`: the indexing queue's item this image came from, removed in the
 *  same transaction (a crash can then never leave it queued and indexed). Returns the new generation.
 *  A full disk rejects with QuotaExceededError, whatever the browser called it (write-errors.ts). */
export async function commitImage(db: GlimpseDB, row: ImageRow, thumb: Blob | undefined, vectors: VectorRow, forests: ForestChanges[], handle?: FileSystemFileHandle, dequeue?: number): Promise<number> {
  // The stale count (countStaleRows) finds rows by captionsAsked: a record without it gets its captions'.
  if (row.record.captionsAsked === undefined) row = { ...row, record: { ...row.record, captionsAsked: row.record.captions.length } };
  // Bytes, not the Blob (schema v4), read before the transaction opens: it must not wait on anything else.
  const thumbRow: ThumbRow | undefined = thumb && { bytes: await thumb.arrayBuffer(), type: thumb.type };
  const stores = ['images', 'thumbs', 'vectors', 'handles', 'meta', FOREST_BLOCKS, ...(dequeue === undefined ? [] : ['queue' as const])] as const;
  const tx = db.transaction(stores, 'readwrite');
  const generation = bumpGeneration(tx.objectStore('meta'));
  const pending: Promise<unknown>[] = [generation];
  try {
    // A put that throws at once (a value that cannot be cloned, e.g. a handle some browser cannot
    // store) must abort the transaction: the puts already made would otherwise commit without it.
    pending.push(tx.objectStore('images').put(row), tx.objectStore('vectors').put(vectors, row.id));
    if (thumbRow) pending.push(tx.objectStore('thumbs').put(thumbRow, row.id));
    // A re-description (no new thumbnail): the saved lexical snapshot holds its old words until next saved.
    else pending.push(noteReplaced(tx.objectStore('meta'), row.id));
    if (handle) pending.push(tx.objectStore('handles').put(handle, row.id));
    if (dequeue !== undefined) pending.push(tx.objectStore('queue').delete(dequeue));
    stageBlocks(tx.objectStore(FOREST_BLOCKS), forests, pending);
    chargeWrite((thumb?.size ?? 0) + vectors.text.byteLength + vectors.visual.byteLength + forests.reduce((n, f) => n + f.puts.reduce((m, w) => m + w.bytes.byteLength, 0), 0));
  } catch (e) {
    tx.abort();
    await Promise.allSettled([...pending, tx.done]);
    throw e;
  }
  await settleWrite(tx, pending);
  return generation;
}

/** Removes image rows, thumbnails, vectors and file handles plus the forests' block changes for their deletion, atomically. Returns the new generation. */
export async function commitRemoval(db: GlimpseDB, ids: readonly number[], forests: ForestChanges[]): Promise<number> {
  const tx = db.transaction(['images', 'thumbs', 'vectors', 'handles', 'meta', FOREST_BLOCKS], 'readwrite');
  const blocks = tx.objectStore(FOREST_BLOCKS);
  const generation = bumpGeneration(tx.objectStore('meta'));
  const pending: Promise<unknown>[] = [generation];
  for (const id of ids) pending.push(tx.objectStore('images').delete(id), tx.objectStore('thumbs').delete(id), tx.objectStore('vectors').delete(id), tx.objectStore('handles').delete(id));
  stageBlocks(blocks, forests, pending);
  await settleWrite(tx, pending);
  return generation;
}

/**
 * Removes every image (rows, thumbnails, vectors, file handles) and the named forests' blocks in
 * one transaction: stores are cleared, not walked, so it costs the same at any size, and the
 * library is consistent (empty) when it lands. Returns the ids that were stored and the new generation.
 */
export async function commitClear(db: GlimpseDB, forestNames: readonly string[]): Promise<{ ids: number[]; generation: number }> {
  const perImage = ['images', 'thumbs', 'vectors', 'handles'] as const;
  const tx = db.transaction([...perImage, 'meta', FOREST_BLOCKS], 'readwrite');
  const keys = tx.objectStore('images').getAllKeys();
  const generation = bumpGeneration(tx.objectStore('meta'));
  // [name] sorts before every [name, key] and [name + '\0'] after them: the whole forest.
  const forests = forestNames.map((name) => tx.objectStore(FOREST_BLOCKS).delete(IDBKeyRange.bound([name], [name + '\0'], false, true)));
  const cleared = perImage.map((store) => tx.objectStore(store).clear());
  await settleWrite(tx, [keys, generation, ...forests, ...cleared]);
  return { ids: (await keys).map(Number), generation: await generation };
}

export async function findBySha(db: GlimpseDB, sha256: string): Promise<number | undefined> {
  return (await db.getKeyFromIndex('images', 'by-sha', sha256)) ?? undefined;
}

export async function rowsByIds(db: GlimpseDB, ids: readonly number[]): Promise<(ImageRow | undefined)[]> {
  const tx = db.transaction('images', 'readonly');
  return Promise.all(ids.map((id) => tx.store.get(id)));
}

/** The thumbnail as a Blob, whichever form it is stored in (bytes since v4; a Blob before convertBlobs ran). */
export async function thumbById(db: GlimpseDB, id: number): Promise<Blob | undefined> {
  const v = await db.get('thumbs', id);
  return v === undefined || v instanceof Blob ? v : new Blob([v.bytes], { type: v.type });
}

/** Several thumbnails in one read transaction, as stored (bytes since v4; a Blob before convertBlobs ran), in `ids` order. */
export async function thumbsByIds(db: GlimpseDB, ids: readonly number[]): Promise<(ThumbRow | Blob | undefined)[]> {
  const tx = db.transaction('thumbs', 'readonly');
  return Promise.all(ids.map((id) => tx.store.get(id)));
}

/** The original file's handle, when one was kept. */
export function handleById(db: GlimpseDB, id: number): Promise<FileSystemFileHandle | undefined> {
  return db.get('handles', id);
}

export function allRows(db: GlimpseDB): Promise<ImageRow[]> {
  return db.getAll('images');
}

/** Next image id: one past the highest stored (ids are ours, so the forests can be told before the write). */
export async function nextImageId(db: GlimpseDB): Promise<number> {
  const cursor = await db.transaction('images').store.openKeyCursor(null, 'prev');
  return (cursor ? Number(cursor.key) : 0) + 1;
}

export async function imageIds(db: GlimpseDB): Promise<number[]> {
  return (await db.getAllKeys('images')).map(Number);
}

export async function vectorIds(db: GlimpseDB): Promise<number[]> {
  return (await db.getAllKeys('vectors')).map(Number);
}

export function countImages(db: GlimpseDB): Promise<number> {
  return db.count('images');
}

export function vectorsById(db: GlimpseDB, id: number): Promise<VectorRow | undefined> {
  return db.get('vectors', id);
}

/**
 * How many rows other models described, and how many of this model pair's rows asked for fewer
 * than `captionCount` captions. Chromium counts an index range by walking it, so only the ranges
 * that hold stale rows are counted (the keys either side of the pair; the pair's low counts):
 * for a library that is up to date that reads almost nothing. Every row has `captionsAsked`
 * (set by indexing, by commitImage for any other writer, and by the v3 migration for old rows).
 */
export async function countStaleRows(db: GlimpseDB, captioner: string, embedder: string, captionCount: number): Promise<{ models: number; captions: number }> {
  const tx = db.transaction('images');
  const byModels = tx.store.index('by-models');
  const [before, after, captions] = await Promise.all([
    byModels.count(IDBKeyRange.upperBound([captioner, embedder], true)),
    byModels.count(IDBKeyRange.lowerBound([captioner, embedder], true)),
    tx.store.index('by-asked').count(IDBKeyRange.bound([captioner, embedder, -Infinity], [captioner, embedder, captionCount], false, true)),
  ]);
  await tx.done;
  return { models: before + after, captions };
}

/**
 * Rows from `fromId` on whose record has no `ocr` field (never looked at by the text reader), and
 * the first id lacking it (a row waiting for captions, or described by other models, counts only
 * once it would be read, but rows from it on are walked again next time). A cursor walk (no index holds this); callers start past rows known to have it.
 */
export async function countUnreadText(db: GlimpseDB, fromId: number, captioner: string, embedder: string, captionCount: number): Promise<{ count: number; first?: number; last?: number }> {
  let cursor = await db.transaction('images').store.openCursor(IDBKeyRange.lowerBound(fromId));
  let count = 0;
  let first: number | undefined;
  let last: number | undefined;
  while (cursor) {
    last = cursor.value.id;
    const r = cursor.value.record;
    if (r.ocr === undefined) first ??= cursor.value.id;
    // As refresh's staleness() says 'text': same models, captions complete, never read.
    if (r.ocr === undefined && r.models.captioner === captioner && r.models.embedder === embedder && (r.captionsAsked ?? r.captions.length) >= captionCount) {
      count++;
    }
    cursor = await cursor.continue();
  }
  return { count, ...(first === undefined ? {} : { first }), ...(last === undefined ? {} : { last }) };
}

/** The first image row with an id above `afterId` for which `wanted` holds (a cursor walk: no full read). */
export async function nextRowWhere(db: GlimpseDB, afterId: number, wanted: (row: ImageRow) => boolean): Promise<ImageRow | undefined> {
  let cursor = await db.transaction('images').store.openCursor(IDBKeyRange.lowerBound(afterId, true));
  while (cursor) {
    if (wanted(cursor.value)) return cursor.value;
    cursor = await cursor.continue();
  }
  return undefined;
}
