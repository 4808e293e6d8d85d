// The indexing queue as the worker runs it: files stored in IndexedDB, each indexed by id and
// dropped once it has an outcome (indexed, duplicate or rejected). A reload resumes the rest; an
// item already in the library is recognised by its SHA-256 and simply dropped.
import * as queue from '../../src/storage/queue-store';
import type { GlimpseDB } from '../../src/storage/db';
import type { FileMeta } from './analyze-image';

export type { QueueInfo } from '../../src/storage/queue-store';

export interface QueueInput {
  file: Blob;
  meta: FileMeta;
}

export async function addToQueue(db: GlimpseDB, items: QueueInput[]): Promise<number[]> {
  const now = Date.now();
  return queue.enqueue(
    db,
    items.map(({ file, meta }) => ({ file, ...meta, size: file.size, queuedAt: now })),
  );
}

/**
 * Runs `index` on one queued file and removes it from the queue once it has an outcome. `index` is
 * given the queue id so that an image's commit can take it off the queue in its own transaction
 * (then `leftQueue(outcome)` says so and it is not removed again): a crash between the two would
 * leave the file queued although indexed. Other outcomes (rejected, duplicate) wrote no image,
 * so a crash before their removal only runs them again.
 */
export async function runQueued<R>(
  db: GlimpseDB,
  id: number,
  index: (file: Blob, meta: FileMeta, queueId: number) => Promise<R>,
  leftQueue: (outcome: R) => boolean = () => false,
): Promise<R | { status: 'missing' }> {
  const row = await queue.queueItem(db, id);
  if (!row) return { status: 'missing' };
  const { file, name, path, type, lastModified, handle } = row;
  // Rows queued before handles were kept have none: the image is then stored without one.
  const outcome = await index(file, { name, path, type, lastModified, ...(handle && { handle }) }, id);
  if (!leftQueue(outcome)) await queue.dequeue(db, id);
  return outcome;
}

export const listQueue = queue.listQueue;
export const clearQueue = queue.clearQueue;
export const dequeue = queue.dequeue;
