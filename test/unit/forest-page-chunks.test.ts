// pagePerChunk (a pack's forests, src/core/pack/write.ts): each subtree chunk of a tree's node
// layout on a page of its own. The same trees (leaves, answers), laid on more, smaller pages, so a
// search over a store that fetches pages (a pack over HTTP) reads fewer node-page bytes.
import { describe, expect, it } from 'vitest';
import { buildForest, Forest, MemoryBlockStore, type BlockStore } from '../../src/core/forest/index.ts';
import { clustered } from './forest-fixture.ts';

const N = 12_000, DIM = 32, QUERIES = 20;

/** A store that counts the node-page bytes read through it. */
class Counting implements BlockStore {
  pageBytes = 0;
  constructor(readonly inner: MemoryBlockStore) {}
  async read(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    const got = await this.inner.read(keys);
    keys.forEach((k, i) => {
      if (/\/n\/\d+\/\d+$/.test(k)) this.pageBytes += got[i]?.byteLength ?? 0;
    });
    return got;
  }
  write(): Promise<void> {
    return Promise.reject(new Error('read-only'));
  }
  deletePrefix(): Promise<void> {
    return this.write();
  }
}

async function built(pagePerChunk: boolean, base: Float32Array): Promise<MemoryBlockStore> {
  const store = new MemoryBlockStore();
  await buildForest(store, { dim: DIM, vectors: base, ids: Uint32Array.from({ length: N }, (_, i) => i + 1) }, { seed: 3, pagePerChunk });
  return store;
}

describe('pagePerChunk', () => {
  it('the same trees and answers on more, smaller pages; a search reads fewer node-page bytes', async () => {
    const base = clustered(N, DIM, 5);
    const shared = await built(false, base), own = await built(true, base);
    const keys = (s: MemoryBlockStore, re: RegExp): string[] => s.keys().filter((k) => re.test(k)).sort();
    // The same leaves, entry for entry.
    const leaves = keys(shared, /\/l\//);
    expect(keys(own, /\/l\//)).toEqual(leaves);
    for (const k of leaves) expect(own.raw(k)).toEqual(shared.raw(k));
    // More pages, none past NODES_PER_PAGE, the same nodes in all.
    const pages = (s: MemoryBlockStore): number => keys(s, /\/n\//).length;
    expect(pages(own)).toBeGreaterThan(pages(shared) * 1.5);

    const queries = clustered(QUERIES, DIM, 99);
    const open = { pinLeaves: false, pinPages: 'roots' as const, memoryBudgetBytes: 1 << 20 };
    let sharedBytes = 0, ownBytes = 0;
    for (let q = 0; q < QUERIES; q++) {
      const v = queries.subarray(q * DIM, (q + 1) * DIM);
      // A fresh open per query: its pages are read, not cached from the query before.
      const a = new Counting(shared), b = new Counting(own);
      const [fa, fb] = [await Forest.open(a, open), await Forest.open(b, open)];
      a.pageBytes = b.pageBytes = 0; // the roots the open pins are read by both
      expect(await fb.search(v, 10)).toEqual(await fa.search(v, 10));
      sharedBytes += a.pageBytes;
      ownBytes += b.pageBytes;
    }
    expect(ownBytes).toBeLessThan(sharedBytes * 0.7);
  }, 60_000);
});
