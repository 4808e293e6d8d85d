// Everything the consistency check compares, read in one readonly transaction so that a commit
// running at the same time is seen either whole or not at all.
import type { IDBPDatabase, IDBPTransaction } from 'idb';
import type { GlimpseDB } from './db';
import { FOREST_BLOCKS } from './forest-idb-store';
import type { VectorRow } from './rows';

export interface SnapshotImage {
  id: number;
  sha256: string;
  name: string;
}

/** A queued file, without its bytes (checkLibrary reads them one at a time: queueItem). */
export interface SnapshotQueueItem {
  id: number;
  name: string;
}

export interface LibrarySnapshot {
  images: SnapshotImage[];
  /** Thumbnail keys with their sizes in bytes. */
  thumbs: Map<number, number>;
  vectors: Map<number, VectorRow>;
  /** Blocks per forest name ('text', 'visual'), keyed by block key. */
  forests: Map<string, Map<string, Uint8Array>>;
  queue: SnapshotQueueItem[];
  /** Keys of the 'handles' store (schema v2 and later), empty before. */
  handles: number[];
}

const bytesOf = (v: unknown): Uint8Array => (v instanceof ArrayBuffer ? new Uint8Array(v) : ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(0));

type Tx = IDBPTransaction<unknown, string[], 'readonly'>;

/** Each thumbnail's size, a row at a time (a getAll would hold every thumbnail at once). Bytes
 *  since v4, a Blob before; anything else counts as empty. */
async function thumbSizes(tx: Tx): Promise<Map<number, number>> {
  const store = tx.objectStore('thumbs');
  const sizes = new Map<number, number>();
  for (let c = await store.openCursor(); c; c = await c.continue()) {
    const v: unknown = c.value;
    sizes.set(Number(c.key), v instanceof Blob ? v.size : v instanceof Object && 'bytes' in v && v.bytes instanceof ArrayBuffer ? v.bytes.byteLength : 0);
  }
  return sizes;
}

/** Queue ids and names from the 'info' index's keys (v4): no queued bytes are read. */
async function queueItems(tx: Tx): Promise<SnapshotQueueItem[]> {
  const store = tx.objectStore('queue');
  const out: SnapshotQueueItem[] = [];
  if (store.indexNames.contains('info')) {
    for (let c = await store.index('info').openKeyCursor(); c; c = await c.continue()) out.push({ id: Number(c.primaryKey), name: String((c.key as unknown[])[0]) });
  } else {
    for (let c = await store.openCursor(); c; c = await c.continue()) out.push({ id: Number(c.key), name: String((c.value as { name?: unknown }).name) });
  }
  return out.sort((a, b) => a.id - b.id);
}

export async function readLibrarySnapshot(db: GlimpseDB): Promise<LibrarySnapshot> {
  // Untyped view: 'handles' exists only from schema v2 on, and a v1 database may be checked too.
  const raw = db as unknown as IDBPDatabase;
  const hasHandles = raw.objectStoreNames.contains('handles');
  const names = ['images', 'thumbs', 'vectors', 'queue', FOREST_BLOCKS, ...(hasHandles ? ['handles'] : [])];
  const tx = raw.transaction(names, 'readonly');
  const [rows, thumbs, vectorKeys, vectors, queue, blockKeys, blocks, handles] = await Promise.all([
    tx.objectStore('images').getAll(),
    thumbSizes(tx),
    tx.objectStore('vectors').getAllKeys(),
    tx.objectStore('vectors').getAll(),
    queueItems(tx),
    tx.objectStore(FOREST_BLOCKS).getAllKeys(),
    tx.objectStore(FOREST_BLOCKS).getAll(),
    hasHandles ? tx.objectStore('handles').getAllKeys() : Promise.resolve([]),
    tx.done,
  ]);
  const forests = new Map<string, Map<string, Uint8Array>>();
  blockKeys.forEach((k, i) => {
    const [forest, key] = k as [string, string];
    let m = forests.get(forest);
    if (!m) forests.set(forest, (m = new Map()));
    m.set(key, bytesOf(blocks[i]));
  });
  return {
    images: (rows as { id: number; sha256: string; name: string }[]).map(({ id, sha256, name }) => ({ id, sha256, name })),
    thumbs,
    vectors: new Map(vectorKeys.map((k, i) => [Number(k), vectors[i] as VectorRow])),
    forests,
    queue,
    handles: handles.map(Number),
  };
}
