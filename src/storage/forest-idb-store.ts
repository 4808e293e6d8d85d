// IndexedDB adapter for the forest's BlockStore. One object store holds the
// blocks of every forest, keyed [forestName, blockKey], so 'text' and 'visual'
// forests share a schema step and the app's single versioned database.
import { openDB, unwrap, type DBSchema, type IDBPDatabase } from 'idb';
import type { BlockStore, BlockWrite, PrefixRead } from '../core/forest/store.ts';
import { settleWrite } from './write-errors.ts';

export const FOREST_BLOCKS = 'forest-blocks';

/**
 * Schema step: call from the app's upgrade callback (any version that lacks the store creates it).
 * Generic so a typed app schema (IDBPDatabase<GlimpseSchema>) can be passed as is.
 */
export function upgradeForestStores<S extends DBSchema | unknown>(db: IDBPDatabase<S>, _oldVersion: number): void {
  const raw = db as unknown as IDBPDatabase;
  if (!raw.objectStoreNames.contains(FOREST_BLOCKS)) raw.createObjectStore(FOREST_BLOCKS);
}

/** Stand-alone database with only the forest store (tests and benchmarks). */
export function openForestDatabase(name: string, version = 1): Promise<IDBPDatabase<unknown>> {
  return openDB<unknown>(name, version, {
    upgrade(db, oldVersion) {
      upgradeForestStores(db, oldVersion);
    },
  });
}

export class IdbForestStore<S extends DBSchema | unknown = unknown> implements BlockStore {
  private readonly db: IDBPDatabase;

  /** `db` is already open (its upgrade ran upgradeForestStores); `forestName` e.g. 'text' or 'visual'. */
  constructor(db: IDBPDatabase<S>, readonly forestName: string) {
    this.db = db as unknown as IDBPDatabase;
  }

  /**
   * All gets in one readonly transaction, issued together so IndexedDB can pipeline them. Plain
   * requests, one promise for the batch: a query reads ~60 vector blocks, and a promise per get
   * (idb's wrapper) is overhead paid on each.
   */
  read(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    if (!keys.length) return Promise.resolve([]);
    const st = unwrap(this.db.transaction(FOREST_BLOCKS, 'readonly').objectStore(FOREST_BLOCKS));
    return new Promise((resolve, reject) => {
      const out = new Array<Uint8Array | undefined>(keys.length);
      let left = keys.length;
      keys.forEach((k, i) => {
        const r = st.get([this.forestName, k]);
        r.onsuccess = () => {
          out[i] = toBytes(r.result);
          if (--left === 0) resolve(out);
        };
        r.onerror = () => reject(r.error ?? new Error(`IndexedDB could not read forest block "${k}"`));
      });
    });
  }

  /** One readwrite transaction; nothing but IndexedDB requests is awaited inside it. */
  async write(puts: readonly BlockWrite[], deletes: readonly string[] = []): Promise<void> {
    if (!puts.length && !deletes.length) return;
    const tx = this.db.transaction(FOREST_BLOCKS, 'readwrite');
    const st = tx.objectStore(FOREST_BLOCKS);
    const pending: Promise<unknown>[] = puts.map(({ key, bytes }) => st.put(exactBuffer(bytes), [this.forestName, key]));
    for (const k of deletes) pending.push(st.delete([this.forestName, k]));
    await settleWrite(tx, pending);
  }

  /** Keys and blocks of one key range, `count` at most, in one readonly transaction (two requests over the same range). */
  async readPrefix(prefix: string, after: string | undefined, count: number): Promise<PrefixRead> {
    const range = IDBKeyRange.bound([this.forestName, after ?? prefix], [this.forestName, prefix + '\uffff'], after !== undefined, false);
    const st = this.db.transaction(FOREST_BLOCKS, 'readonly').objectStore(FOREST_BLOCKS);
    const [keys, values] = await Promise.all([st.getAllKeys(range, count), st.getAll(range, count)]);
    const names = keys.map((k) => String((k as unknown[])[1]));
    return { keys: names, blocks: values.map((v) => toBytes(v) as Uint8Array), last: names.at(-1) };
  }

  async deletePrefix(prefix: string): Promise<void> {
    const tx = this.db.transaction(FOREST_BLOCKS, 'readwrite');
    await Promise.all([tx.objectStore(FOREST_BLOCKS).delete(IDBKeyRange.bound([this.forestName, prefix], [this.forestName, prefix + '\uffff'])), tx.done]);
  }
}

function toBytes(v: unknown): Uint8Array | undefined {
  if (v === undefined) return undefined;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  // Anything else under our key is not a block: let the codec report it as corrupt.
  return new Uint8Array(0);
}

/** Stores exactly the block's bytes (a view's whole underlying buffer would be cloned otherwise). */
export function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  return bytes.slice().buffer;
}
