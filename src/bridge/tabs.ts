// Other tabs open on the same library. Every tab's analysis worker announces its writes (images,
// queue) on the 'glimpse' BroadcastChannel, see workers/lib/tab-sync.ts; pages listen here. Only
// one tab at a time runs the shared indexing queue: the one holding the 'glimpse-indexer' Web Lock.
import type { LibraryChange } from '../../workers/lib/tab-sync';

/** Same name as CHANNEL in workers/lib/tab-sync.ts (the bridge imports worker code as types only). */
const CHANNEL = 'glimpse';
const INDEXER_LOCK = 'glimpse-indexer';

/** Calls `fn` for every change any tab's worker announces, this tab's own included. */
export function onLibraryChange(fn: (change: LibraryChange) => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => {};
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (e: MessageEvent<LibraryChange>) => fn(e.data);
  return () => channel.close();
}

/**
 * Runs `fn` as the tab that runs the indexing queue. Without `wait`, resolves false at once when
 * another tab holds that role; with it, waits until the lock is free (that tab finished or was
 * closed). Browsers without Web Locks run `fn` directly.
 */
export async function asIndexer(fn: () => Promise<void>, wait: boolean): Promise<boolean> {
  const locks = (navigator as { locks?: LockManager }).locks;
  if (!locks) {
    await fn();
    return true;
  }
  return locks.request(INDEXER_LOCK, { ifAvailable: !wait }, async (lock) => {
    if (!lock) return false;
    await fn();
    return true;
  });
}

/** True while some tab runs the indexing queue. */
export async function indexerBusy(): Promise<boolean> {
  const locks = (navigator as { locks?: LockManager }).locks;
  if (!locks) return false;
  const { held = [] } = await locks.query();
  return held.some((l) => l.name === INDEXER_LOCK);
}

export type { LibraryChange };
