import { describe, expect, it } from 'vitest';
import { buildForest, Forest, MemoryBlockStore } from '../../src/core/forest/index.ts';
import { leafRowsBlocks } from '../../src/core/forest/leaf-rows.ts';
import { clustered, row } from './forest-fixture.ts';

// A pack opens its forest with only each tree's root page pinned (pinPages 'roots'): the descent
// reads the other node pages as it needs them. Same answers as the forest with every page pinned,
// and fewer node-page bytes read than pinning them all.
const DIM = 64, N = 4000;
const base = clustered(N, DIM, 31);
const queries = clustered(12, DIM, 32);

/** Counts the node-page bytes a forest reads from its store. */
class CountingStore extends MemoryBlockStore {
  pageBytes = 0;
  override async read(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    const got = await super.read(keys);
    keys.forEach((k, i) => {
      if (k.includes('/n/')) this.pageBytes += got[i]?.byteLength ?? 0;
    });
    return got;
  }
}

async function hits(f: Forest): Promise<unknown[]> {
  const out = [];
  for (let q = 0; q < 12; q++) out.push(await f.search(row(queries, DIM, q), 10, { searchK: 300 }));
  return out;
}

describe('forest opened with only root pages pinned', () => {
  it('answers as the fully pinned forest and reads fewer node-page bytes than pinning all', async () => {
    const store = new CountingStore();
    // Small leaves: many node pages per tree, so a query leaves most of them unread.
    await buildForest(store, { dim: DIM, ids: Array.from({ length: N }, (_, i) => i + 1), vectors: base }, { seed: 5, leafSize: 8, nTrees: 4 });
    await store.write(await leafRowsBlocks(store));
    const all = store.keys().filter((k) => k.includes('/n/'));
    const allBytes = all.reduce((s, k) => s + store.raw(k)!.byteLength, 0);
    const trees = new Set(all.map((k) => k.split('/')[2])).size;
    expect(all.length).toBeGreaterThan(4 * trees); // the fixture has pages to leave unread

    store.pageBytes = 0;
    const pinned = await Forest.open(store, { memoryBudgetBytes: 64 << 20, pinLeaves: false, sketchInLeaves: true });
    expect(store.pageBytes).toBe(allBytes); // the default pins every page the budget holds
    const want = await hits(pinned);

    store.pageBytes = 0;
    const lazy = await Forest.open(store, { memoryBudgetBytes: 64 << 20, pinLeaves: false, sketchInLeaves: true, pinPages: 'roots' });
    const atOpen = store.pageBytes;
    expect(atOpen).toBeLessThan(allBytes / 4);
    // One query: it reads the pages on its paths, not the whole forest.
    const first = await lazy.search(row(queries, DIM, 0), 10, { searchK: 300 });
    expect(first).toEqual(want[0]);
    const afterOne = store.pageBytes;
    expect(afterOne).toBeGreaterThan(atOpen); // the descent did read pages past the roots
    expect(afterOne).toBeLessThan(allBytes * 0.75);
    // Every query answers as with every page pinned; pages read once stay cached (never read twice).
    expect(await hits(lazy)).toEqual(want);
    expect(store.pageBytes).toBeLessThanOrEqual(allBytes);
  });
});
