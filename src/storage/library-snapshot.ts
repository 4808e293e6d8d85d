// Everything the consistency check compares, read in one readonly transaction so that a commit
// running at the same time is seen either whole or not at all.
import type { IDBPDatabase } from 'idb';
import type { GlimpseDB } from './db';
import { FOREST_BLOCKS } from './forest-idb-store';
import type { VectorRow } from './rows';

export interface SnapshotImage {
  id: number;
  sha256: string;
  name: string;
}

export interface SnapshotQueueItem {
  id: number;
  name: string;
  file: Blob;
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

export async function readLibrarySnapshot(db: GlimpseDB): Promise<LibrarySnapshot> {
  // Untyped view: 'handles' exists only from schema v2 on, and a v1 database may be checked too.
  const raw = db as unknown as IDBPDatabase;
  const hasHandles = raw.objectStoreNames.contains('handles');
  const names = ['images', 'thumbs', 'vectors', 'queue', FOREST_BLOCKS, ...(hasHandles ? ['handles'] : [])];
  const tx = raw.transaction(names, 'readonly');
  const [rows, thumbKeys, thumbs, vectorKeys, vectors, queue, blockKeys, blocks, handles] = await Promise.all([
    tx.objectStore('images').getAll(),
    tx.objectStore('thumbs').getAllKeys(),
    tx.objectStore('thumbs').getAll(),
    tx.objectStore('vectors').getAllKeys(),
    tx.objectStore('vectors').getAll(),
    tx.objectStore('queue').getAll(),
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
    thumbs: new Map(thumbKeys.map((k, i) => [Number(k), (thumbs[i] as Blob | undefined)?.size ?? 0])),
    vectors: new Map(vectorKeys.map((k, i) => [Number(k), vectors[i] as VectorRow])),
    forests,
    queue: (queue as { id: number; name: string; file: Blob }[]).map(({ id, name, file }) => ({ id, name, file })),
    handles: handles.map(Number),
  };
}
