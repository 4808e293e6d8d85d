import { describe, expect, it } from 'vitest';
import { buildForest, Forest, MemoryBlockStore } from '../../src/core/forest/index.ts';
import { clustered, row } from './forest-fixture.ts';

// A budget just above the minimum Forest.open accepts leaves the cache room for less than one
// node page: a search must still finish (pages it loads are used even if the cache cannot keep
// them) and answer as with an unlimited budget. Before the fix the descent reloaded evicted
// pages forever; the store below fails the test after a bounded count of reads instead of hanging.
const DIM = 64, N = 4000;
const base = clustered(N, DIM, 31);
const queries = clustered(12, DIM, 32);

class BoundedStore extends MemoryBlockStore {
  calls = 0;
  limit = Infinity;
  override read(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    if (++this.calls > this.limit) return Promise.reject(new Error(`more than ${this.limit} store reads: the search is not making progress`));
    return super.read(keys);
  }
}

async function answers(f: Forest): Promise<unknown[]> {
  const out = [];
  for (let q = 0; q < queries.length / DIM; q++) out.push(await f.search(row(queries, DIM, q), 10, { searchK: 400 }));
  return out;
}

describe('forest memory budget', () => {
  it('searches with a budget just above the minimum as with an unlimited one', async () => {
    const store = new BoundedStore();
    await buildForest(store, { dim: DIM, ids: Uint32Array.from({ length: N }, (_, i) => i + 1), vectors: base }, { nTrees: 8, leafSize: 10, seed: 5 });
    const err = await Forest.open(store, { memoryBudgetBytes: 1 }).catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'MemoryBudgetError' });
    const minimum = Number(/at least (\d+)/.exec((err as Error).message)?.[1]);
    expect(minimum).toBeGreaterThan(1);
    const roomy = await answers(await Forest.open(store, { memoryBudgetBytes: Number.MAX_SAFE_INTEGER }));
    for (const pinnedNodeFraction of [0, 0.8]) {
      store.limit = store.calls + 100_000;
      const tight = await Forest.open(store, { memoryBudgetBytes: minimum + 1024, pinnedNodeFraction });
      expect(await answers(tight)).toEqual(roomy);
    }
  });
});
