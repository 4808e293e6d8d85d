// The indexing queue: files waiting to be analysed, kept in IndexedDB so a reload resumes them.
import type { GlimpseDB } from './db';
import { chargeWrite } from './fault-injection';
import type { QueueRow } from './rows';
import { settleWrite, writeFailure } from './write-errors';

export type QueueInfo = Omit<QueueRow, 'file' | 'handle'> & { id: number };

/** Adds files in one transaction; returns their queue ids in order. */
export async function enqueue(db: GlimpseDB, rows: Omit<QueueRow, 'id'>[]): Promise<number[]> {
  const tx = db.transaction('queue', 'readwrite');
  const adds = rows.map((r) => tx.store.add(r));
  try {
    chargeWrite(rows.reduce((n, r) => n + r.file.size, 0));
  } catch (e) {
    tx.abort();
    await Promise.allSettled([...adds, tx.done]);
    throw e;
  }
  await settleWrite(tx, adds);
  return Promise.all(adds);
}

/** Pending items, oldest first, without their bytes or handles. */
export async function listQueue(db: GlimpseDB): Promise<QueueInfo[]> {
  const out: QueueInfo[] = [];
  let cursor = await db.transaction('queue').store.openCursor();
  while (cursor) {
    const { file: _file, handle: _handle, ...info } = cursor.value;
    out.push({ ...info, id: Number(cursor.key) });
    cursor = await cursor.continue();
  }
  return out;
}

export function queueItem(db: GlimpseDB, id: number): Promise<QueueRow | undefined> {
  return db.get('queue', id);
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
