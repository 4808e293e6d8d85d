// The indexing queue: files waiting to be analysed, kept in IndexedDB so a reload resumes them.
// Callers hand in and get back Blobs; the store keeps bytes (schema v4, see db.ts).
import { GlimpseError } from '../core/errors';
import type { GlimpseDB } from './db';
import { chargeWrite } from './fault-injection';
import type { QueueRow, StoredQueueRow } from './rows';
import { settleWrite, writeFailure } from './write-errors';

export type QueueInfo = Omit<QueueRow, 'file' | 'handle'> & { id: number };

/** Bytes read per write transaction while queueing: a thousand photos are never all in memory. */
const BATCH_BYTES = 32 * 1024 * 1024;

async function readBytes(file: Blob, name: string): Promise<ArrayBuffer> {
  try {
    return await file.arrayBuffer();
  } catch {
    throw new GlimpseError('FileUnreadableError', `${name} could not be read (moved, changed or deleted since it was picked?). Add it again.`);
  }
}

/** Adds files; returns their queue ids in order. Each batch (up to BATCH_BYTES, at least one file)
 *  is read first, then written in one transaction; an error stops at its batch, earlier ones stay. */
export async function enqueue(db: GlimpseDB, rows: Omit<QueueRow, 'id'>[], batchBytes = BATCH_BYTES): Promise<number[]> {
  const ids: number[] = [];
  let i = 0;
  while (i < rows.length) {
    const batch: StoredQueueRow[] = [];
    let bytes = 0;
    do {
      const { file, name, path, type, lastModified, queuedAt, handle } = rows[i++]!;
      const data = await readBytes(file, name);
      // Plain strings and numbers: a row missing one would be missing from the 'info' index, hence from listQueue.
      batch.push({ name: String(name), path: String(path), type: String(type), lastModified: Number(lastModified) || 0, size: data.byteLength, queuedAt: Number(queuedAt) || 0, bytes: data, ...(handle && { handle }) });
      bytes += data.byteLength;
    } while (i < rows.length && bytes + rows[i]!.file.size <= batchBytes);
    ids.push(...(await writeBatch(db, batch, bytes)));
  }
  return ids;
}

async function writeBatch(db: GlimpseDB, rows: StoredQueueRow[], bytes: number): Promise<number[]> {
  const tx = db.transaction('queue', 'readwrite');
  const adds = rows.map((r) => tx.store.add(r));
  try {
    chargeWrite(bytes);
  } catch (e) {
    tx.abort();
    await Promise.allSettled([...adds, tx.done]);
    throw e;
  }
  await settleWrite(tx, adds);
  return Promise.all(adds);
}

/** Pending items, oldest first, without their bytes or handles: read from the 'info' index's keys. */
export async function listQueue(db: GlimpseDB): Promise<QueueInfo[]> {
  const out: QueueInfo[] = [];
  for (let c = await db.transaction('queue').store.index('info').openKeyCursor(); c; c = await c.continue()) {
    const [name, path, type, lastModified, size, queuedAt] = c.key;
    out.push({ id: Number(c.primaryKey), name, path, type, lastModified, size, queuedAt });
  }
  return out.sort((a, b) => a.id - b.id);
}

/** A stored row in the callers' form; rows from before v4 (a Blob in `file`) pass as they are. */
export function asQueueRow(row: StoredQueueRow | QueueRow): QueueRow {
  if (!('bytes' in row)) return row;
  const { bytes, ...rest } = row;
  return { ...rest, file: new Blob([bytes], { type: row.type }) };
}

export async function queueItem(db: GlimpseDB, id: number): Promise<QueueRow | undefined> {
  const row = await db.get('queue', id);
  return row && asQueueRow(row);
}

export function dequeue(db: GlimpseDB, id: number): Promise<void> {
  return db.delete('queue', id).catch((e: unknown) => {
    throw writeFailure(e);
  });
}

export function clearQueue(db: GlimpseDB): Promise<void> {
  return db.clear('queue');
}

export function queueLength(db: GlimpseDB): Promise<number> {
  return db.count('queue');
}

/** Up to `n` queued ids after `afterId`, oldest first (the look-ahead of a batch). */
export async function nextQueueIds(db: GlimpseDB, afterId: number, n: number): Promise<number[]> {
  if (n <= 0) return [];
  return (await db.getAllKeys('queue', IDBKeyRange.lowerBound(afterId, true), n)).map(Number);
}
