// Everything the consistency check compares, read in one readonly transaction so that a commit
// running at the same time is seen either whole or not at all. The small parts (image ids, names
// and hashes, thumbnail sizes, key lists, the queue) are read up front; forest blocks and stored
// vectors are read on demand, a step at a time, so a library of any size is checked without
// holding its blocks or its vectors.
import type { IDBPDatabase, IDBPObjectStore, IDBPTransaction } from 'idb';
import type { GlimpseDB } from './db';
import { FOREST_BLOCKS } from './forest-idb-store';
import type { VectorRow } from './rows';

export interface SnapshotImage {
  id: number;
  sha256: string;
  name: string;
}

/** A queued file by id and name; its bytes are read one item at a time by the check (queueItem). */
export interface SnapshotQueueItem {
  id: number;
  name: string;
}

export interface LibrarySnapshot {
  images: SnapshotImage[];
  /** Thumbnail keys with their sizes in bytes. */
  thumbs: Map<number, number>;
  /** Keys of the stored vector rows (the rows themselves: `vectors`). */
  vectorIds: Set<number>;
  queue: SnapshotQueueItem[];
  /** Keys of the 'handles' store (schema v2 and later), empty before. */
  handles: number[];
  /** Every stored block key of a forest ('text', 'visual'). */
  forestKeys(forest: string): Promise<string[]>;
  /** Blocks of a forest by key, in the order asked (undefined: not stored). */
  blocks(forest: string, keys: readonly string[]): Promise<(Uint8Array | undefined)[]>;
  /** Stored vector rows by image id, in the order asked. */
  vectors(ids: readonly number[]): Promise<(VectorRow | undefined)[]>;
  /** Resolves once the transaction has finished; call after the last read. */
  done: Promise<void>;
}

/** Rows read per request when walking a whole store. */
const PAGE = 1000;

const bytesOf = (v: unknown): Uint8Array | undefined => (v instanceof ArrayBuffer ? new Uint8Array(v) : ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : undefined);
/** A thumbnail's size: bytes and type since v4 (ThumbRow), a Blob before; anything else counts as empty. */
const sizeOf = (v: unknown): number => (v instanceof Blob ? v.size : v instanceof Object && 'bytes' in v ? (bytesOf(v.bytes)?.byteLength ?? 0) : (bytesOf(v)?.byteLength ?? 0));

type ReadTx = IDBPTransaction<unknown, string[], 'readonly'>;

/** Queue ids and names from the 'info' index's keys (v4): no queued bytes are read. */
async function queueItems(tx: ReadTx): Promise<SnapshotQueueItem[]> {
  const store = tx.objectStore('queue');
  const out: SnapshotQueueItem[] = [];
  if (store.indexNames.contains('info')) {
    for (let c = await store.index('info').openKeyCursor(); c; c = await c.continue()) out.push({ id: Number(c.primaryKey), name: String((c.key as unknown[])[0]) });
  } else {
    for (let c = await store.openCursor(); c; c = await c.continue()) out.push({ id: Number(c.key), name: String((c.value as { name?: unknown }).name) });
  }
  return out.sort((a, b) => a.id - b.id);
}

/** Walks a store keyed by numbers in pages, handing each (key, value) to `take`; nothing else is kept. */
async function eachRow(tx: ReadTx, store: string, take: (key: number, value: unknown) => void): Promise<void> {
  const st = tx.objectStore(store);
  let after: number | undefined;
  for (;;) {
    const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
    const [keys, values] = await Promise.all([st.getAllKeys(range, PAGE), st.getAll(range, PAGE)]);
    keys.forEach((k, i) => take(Number(k), values[i]));
    if (keys.length < PAGE) return;
    after = Number(keys.at(-1));
  }
}

type BlockStoreTx = IDBPObjectStore<unknown, string[], string, 'readonly'>;

/** Keys by their folder ("g1/l/0/", "g1/v/"): each folder is one run of keys in the store. */
function groupByFolder(keys: readonly string[]): Iterable<string[]> {
  const groups = new Map<string, string[]>();
  for (const k of keys) {
    const folder = k.slice(0, k.lastIndexOf('/') + 1);
    const g = groups.get(folder);
    if (g) g.push(k);
    else groups.set(folder, [k]);
  }
  return groups.values();
}

/**
 * Reads one folder's asked keys into `got`: as one range from the smallest key to the largest
 * when the keys are (nearly) all of that range, the inspection's usual ask; one by one when the
 * range holds far more than was asked (a scattered ask, e.g. a few blocks of a big folder).
 */
async function readGroup(st: BlockStoreTx, forest: string, keys: string[], got: Map<string, unknown>): Promise<void> {
  const sorted = [...keys].sort();
  const limit = keys.length * 2 + 16;
  if (keys.length > 1) {
    const range = IDBKeyRange.bound([forest, sorted[0]!], [forest, sorted.at(-1)!]);
    const [ks, vs] = await Promise.all([st.getAllKeys(range, limit), st.getAll(range, limit)]);
    if (ks.length < limit) {
      ks.forEach((k, i) => got.set((k as [string, string])[1], vs[i]));
      return;
    }
  }
  await Promise.all(keys.map(async (k) => got.set(k, await st.get([forest, k]))));
}

/**
 * Opens the snapshot. Between its reads the caller may compute but must not wait on anything
 * but these reads (no timers, no hashing): an idle transaction ends, and later reads would fail.
 */
export async function readLibrarySnapshot(db: GlimpseDB): Promise<LibrarySnapshot> {
  // Untyped view: 'handles' exists only from schema v2 on, and a v1 database may be checked too.
  const raw = db as unknown as IDBPDatabase;
  const hasHandles = raw.objectStoreNames.contains('handles');
  const names = ['images', 'thumbs', 'vectors', 'queue', FOREST_BLOCKS, ...(hasHandles ? ['handles'] : [])];
  const tx = raw.transaction(names, 'readonly');
  const done = tx.done;
  done.catch(() => {}); // awaited by the caller through `done`; an abort also fails the reads
  const images: SnapshotImage[] = [];
  const thumbs = new Map<number, number>();
  await Promise.all([
    eachRow(tx, 'images', (_, v) => {
      const { id, sha256, name } = v as SnapshotImage;
      images.push({ id, sha256, name });
    }),
    eachRow(tx, 'thumbs', (k, v) => thumbs.set(k, sizeOf(v))),
  ]);
  const [vectorKeys, queue, handles] = await Promise.all([
    tx.objectStore('vectors').getAllKeys(),
    queueItems(tx),
    hasHandles ? tx.objectStore('handles').getAllKeys() : Promise.resolve([]),
  ]);
  const blockStore: BlockStoreTx = tx.objectStore(FOREST_BLOCKS as string);
  const vectorStore = tx.objectStore('vectors');
  return {
    images,
    thumbs,
    vectorIds: new Set(vectorKeys.map(Number)),
    queue,
    handles: handles.map(Number),
    forestKeys: async (forest) => (await blockStore.getAllKeys(IDBKeyRange.bound([forest, ''], [forest, '\uffff']))).map((k) => (k as [string, string])[1]),
    blocks: async (forest, keys) => {
      const got = new Map<string, unknown>();
      await Promise.all([...groupByFolder(keys)].map((group) => readGroup(blockStore, forest, group, got)));
      return keys.map((k) => bytesOf(got.get(k)));
    },
    vectors: (ids) => Promise.all(ids.map(async (id) => (await vectorStore.get(id)) as VectorRow | undefined)),
    done,
  };
}
