import { describe, expect, it } from 'vitest';
import { buildForest, Forest, MemoryBlockStore, type SearchTrace } from '../../src/core/forest/index.ts';
import { clustered, row } from './forest-fixture.ts';

// Forest.warmLeaves: a forest opened without pinning (the app's, so its first search does not wait
// for every leaf) pins the leaves its budget holds once asked; later searches then read no leaf,
// and every answer, candidate kept and vector re-ranked is the same as without warming.
const DIM = 64, N = 3000;
const base = clustered(N, DIM, 31);
const queries = clustered(20, DIM, 32);

class CountingStore extends MemoryBlockStore {
  leafReads = 0;
  override read(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    for (const k of keys) if (k.includes('/l/')) this.leafReads++;
    return super.read(keys);
  }
}

async function answers(f: Forest): Promise<unknown[]> {
  const out = [];
  for (let q = 0; q < 20; q++) {
    const trace: SearchTrace = { leaves: 0, entries: 0, pageFetchRounds: 0 };
    out.push({ hits: await f.search(row(queries, DIM, q), 10, { searchK: 600, trace }), kept: trace.kept, reranked: trace.reranked });
  }
  return out;
}

async function built(): Promise<CountingStore> {
  const store = new CountingStore();
  await buildForest(store, { dim: DIM, ids: Uint32Array.from({ length: N }, (_, i) => i), vectors: base }, { nTrees: 8, seed: 5 });
  return store;
}

describe('forest leaf warming', () => {
  it('pins every leaf a roomy budget holds; later searches read none and answer as without warming', async () => {
    const store = await built();
    const cold = await Forest.open(store, { pinLeaves: false });
    const without = await answers(cold);
    expect(store.leafReads).toBeGreaterThan(0);

    const warm = await Forest.open(store, { pinLeaves: false });
    const leafCount = store.keys().filter((k) => k.startsWith('g1/l/')).length;
    expect(await warm.warmLeaves()).toBe(leafCount);
    expect(await warm.warmLeaves()).toBe(0); // already pinned: nothing read again
    store.leafReads = 0;
    expect(await answers(warm)).toEqual(without);
    expect(store.leafReads).toBe(0);
    expect(warm.residentBytes()).toBeLessThanOrEqual(warm.cacheStats().budgetBytes);
  });

  it('stays within a tight budget (some leaves still read on demand), answers unchanged', async () => {
    const store = await built();
    const plain = await Forest.open(store, { pinLeaves: false });
    const without = await answers(plain);
    const leafCount = store.keys().filter((k) => k.startsWith('g1/l/')).length;
    // A budget (in 5 kB steps) whose warm pass pins some leaves but not all: below what the
    // slab leaves every leaf (open reserves that room when it does not pin).
    let tight: Forest | undefined;
    for (let budget = 5_000; !tight && budget < plain.residentBytes(); budget += 5_000) {
      const f = await Forest.open(store, { pinLeaves: false, memoryBudgetBytes: budget }).catch((e: Error) => {
        if (e.name === 'MemoryBudgetError') return undefined;
        throw e;
      });
      const pinned = f ? await f.warmLeaves() : 0;
      if (pinned > 0 && pinned < leafCount) tight = f;
    }
    if (!tight) throw new Error('no budget pinned only some leaves');
    expect(await answers(tight)).toEqual(without);
    expect(tight.residentBytes()).toBeLessThanOrEqual(tight.cacheStats().budgetBytes);
  });

  it('runs between writes: a leaf rewritten by an add is pinned as written', async () => {
    const store = await built();
    const f = await Forest.open(store, { pinLeaves: false });
    const more = clustered(200, DIM, 33);
    const ids = Uint32Array.from({ length: 200 }, (_, i) => N + i);
    // Asked together: the add and the warm pass do not interleave.
    await Promise.all([f.add(ids, more), f.warmLeaves()]);
    const reopened = await Forest.open(store, { pinLeaves: false });
    expect(await answers(f)).toEqual(await answers(reopened));
    expect((await f.search(row(more, DIM, 7), 1))[0].id).toBe(N + 7);
  });
});
