// For the browser tests: which image ids each part of the stored library holds (rows, vectors,
// both forests as stored, not this worker's cached copy), so a test can show two tabs left no
// mix-up. A minimal id comparison, not the full consistency check.
import { Forest } from '../../src/core/forest';
import { IdbForestStore } from '../../src/storage/forest-idb-store';
import * as store from '../../src/storage/library-store';

export interface StoredIds {
  images: { id: number; sha256: string; name: string }[];
  vectors: number[];
  /** Per forest: how many live ids it holds and which image ids it lacks. Ids in a forest are unique. */
  forests: Record<'text' | 'visual', { live: number; missing: number[] }>;
}

async function openStored(db: store.GlimpseDB, name: string): Promise<Forest | undefined> {
  try {
    return await Forest.open(new IdbForestStore(db, name));
  } catch (e) {
    if ((e as Error).name === 'ForestNotFoundError') return undefined;
    throw e;
  }
}

/** Read while no tab writes (the caller holds the write lock, shared). */
export async function storedIds(db: store.GlimpseDB): Promise<StoredIds> {
  const rows = await store.allRows(db);
  const check = async (name: 'text' | 'visual') => {
    const forest = await openStored(db, name);
    return { live: forest?.size ?? 0, missing: rows.filter((r) => !forest?.has(r.id)).map((r) => r.id) };
  };
  return {
    images: rows.map((r) => ({ id: r.id, sha256: r.sha256, name: r.name })),
    vectors: await store.vectorIds(db),
    forests: { text: await check('text'), visual: await check('visual') },
  };
}
