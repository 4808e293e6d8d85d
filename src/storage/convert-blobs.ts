// The second half of the v4 migration (db.ts): libraries from before v4 keep thumbnails and queued
// files as Blobs, which this rewrites as bytes after the database has opened. An upgrade
// transaction cannot do it: reading a Blob's bytes is not an IndexedDB request, so the transaction
// would commit while it waits. Here every batch is found in one readonly transaction, read with
// no transaction open, and written in one short readwrite transaction that first checks each row
// is still the Blob it read (a removal, a dequeue or another tab's conversion may have come first).
// Readers take both forms until it is done, so nothing waits for it.
import { BLOBS_PENDING, type GlimpseDB } from './db';
import type { QueueRow, StoredQueueRow, ThumbRow } from './rows';

/** Up to this many bytes (or BATCH_ROWS rows) of Blobs are read per batch. */
const BATCH_BYTES = 8 * 1024 * 1024;
const BATCH_ROWS = 200;

export interface Conversion {
  thumbs: number;
  queue: number;
  /** Blobs whose bytes could not be read (already lost): left as they are, readers still take them. */
  unreadable: number;
}

type Store = 'thumbs' | 'queue';

/** The Blob an old-form row holds, if it is one. */
function blobIn(store: Store, value: unknown): Blob | undefined {
  if (store === 'thumbs') return value instanceof Blob ? value : undefined;
  const file = (value as Partial<QueueRow> | undefined)?.file;
  return file instanceof Blob ? file : undefined;
}

function converted(store: Store, value: unknown, bytes: ArrayBuffer): ThumbRow | StoredQueueRow {
  if (store === 'thumbs') return { bytes, type: (value as Blob).type };
  const { file: _file, ...rest } = value as QueueRow;
  return { ...rest, bytes };
}

async function convertStore(db: GlimpseDB, store: Store, done: Conversion): Promise<void> {
  let after: number | undefined;
  for (;;) {
    const batch: { key: number; blob: Blob }[] = [];
    let size = 0;
    let more = false;
    // A cursor holds one row at a time: rows already converted (bytes) are read and let go.
    const tx = db.transaction(store);
    for (let c = await tx.store.openCursor(after === undefined ? null : IDBKeyRange.lowerBound(after, true)); c; c = await c.continue()) {
      if (batch.length >= BATCH_ROWS || size >= BATCH_BYTES) {
        more = true;
        break;
      }
      after = Number(c.key);
      const blob = blobIn(store, c.value);
      if (blob) {
        batch.push({ key: after, blob });
        size += blob.size;
      }
    }
    await tx.done;
    const read: { key: number; blob: Blob; bytes: ArrayBuffer }[] = [];
    for (const b of batch) {
      try {
        read.push({ ...b, bytes: await b.blob.arrayBuffer() });
      } catch {
        done.unreadable++;
      }
    }
    if (read.length) {
      const wtx = db.transaction(store, 'readwrite');
      for (const r of read) {
        const now: unknown = await wtx.store.get(r.key);
        // Still the Blob we read (same size and type): anything else was written after it and wins.
        const blob = blobIn(store, now);
        if (!blob || blob.size !== r.blob.size || blob.type !== r.blob.type) continue;
        if (store === 'thumbs') await wtx.objectStore('thumbs').put(converted(store, now, r.bytes) as ThumbRow, r.key);
        else await wtx.objectStore('queue').put(converted(store, now, r.bytes) as StoredQueueRow);
        done[store]++;
      }
      await wtx.done;
    }
    if (!more) return;
  }
}

/**
 * Rewrites every Blob row of a library from before v4 as bytes; a no-op (one read) once done.
 * Safe to run twice at once (two tabs): each write checks its row first.
 */
export async function convertBlobs(db: GlimpseDB): Promise<Conversion> {
  const done: Conversion = { thumbs: 0, queue: 0, unreadable: 0 };
  if ((await db.get('meta', BLOBS_PENDING)) === undefined) return done;
  await convertStore(db, 'thumbs', done);
  await convertStore(db, 'queue', done);
  await db.delete('meta', BLOBS_PENDING);
  return done;
}
