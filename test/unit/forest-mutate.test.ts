import { describe, expect, it } from 'vitest';
import { buildForest, Forest, MemoryBlockStore } from '../../src/core/forest/index.ts';
import { clustered, exactTopK, row } from './forest-fixture.ts';

const DIM = 32;
const ALL = clustered(900, DIM, 11);
const idOf = (row: number): number => 5000 + row * 3; // non-contiguous ids
const rows = (from: number, to: number): Float32Array => ALL.subarray(from * DIM, to * DIM);
const idRange = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => idOf(from + i));
const everything = 1e9; // searchK that visits every entry: results must then equal exact search

/** Exact top-k ids over the given live rows. */
function exactIds(q: Float32Array, k: number, live: (row: number) => boolean): number[] {
  return exactTopK(ALL, DIM, q, k, (j) => !live(j)).map(idOf);
}

async function small(n: number, opts = {}): Promise<{ store: MemoryBlockStore; f: Forest }> {
  const store = new MemoryBlockStore();
  await buildForest(store, { dim: DIM, ids: idRange(0, n), vectors: rows(0, n) }, { nTrees: 4, leafSize: 12, leafCapacity: 20, seed: 3, ...opts });
  return { store, f: await Forest.open(store) };
}

async function expectExact(f: Forest, live: (row: number) => boolean): Promise<void> {
  for (const qi of [0, 123, 456, 789]) {
    const q = row(ALL, DIM, qi);
    const hits = await f.search(q, 8, { searchK: everything });
    expect(new Set(hits.map((h) => h.id))).toEqual(new Set(exactIds(q, 8, live)));
  }
}

describe('forest add/delete', () => {
  it('adds to an empty forest, splitting leaves on overflow', async () => {
    const store = new MemoryBlockStore();
    await buildForest(store, { dim: DIM, ids: [], vectors: new Float32Array(0) }, { nTrees: 3, leafSize: 12, leafCapacity: 20 });
    const f = await Forest.open(store);
    for (let b = 0; b < 900; b += 150) await f.add(idRange(b, b + 150), rows(b, b + 150));
    expect(f.size).toBe(900);
    // 900 entries per tree with capacity 20 means the single root leaf split many times.
    const trace = { leaves: 0, entries: 0, pageFetchRounds: 0 };
    await f.search(row(ALL, DIM, 1), 5, { searchK: everything, trace });
    expect(trace.leaves).toBeGreaterThanOrEqual(3 * 45);
    await expectExact(f, () => true);
  });

  it('adds to a built forest without a rebuild, and matches exact search', async () => {
    const { f, store } = await small(600);
    await f.add(idRange(600, 900), rows(600, 900));
    await expectExact(f, () => true);
    // An added vector is its own nearest neighbour.
    expect((await f.search(row(ALL, DIM, 777), 1))[0].id).toBe(idOf(777));
    // Persistence: a fresh open over the same store sees the same forest.
    const again = await Forest.open(store);
    expect(again.size).toBe(900);
    await expectExact(again, () => true);
  });

  it('never returns deleted ids; compact drops their entries; ids can be re-added', async () => {
    const { f, store } = await small(900);
    const gone = new Set(Array.from({ length: 90 }, (_, i) => i * 10));
    await f.delete([...gone].map(idOf));
    expect(f.size).toBe(810);
    expect(f.has(idOf(10))).toBe(false);
    expect(f.has(idOf(11))).toBe(true);
    await expectExact(f, (j) => !gone.has(j));
    const deleted = new Set([...gone].map(idOf));
    for (let q = 0; q < 900; q += 37) {
      for (const h of await f.search(row(ALL, DIM, q), 10)) expect(deleted.has(h.id)).toBe(false);
    }
    expect(await f.compact()).toBe(90 * 4);
    expect(f.meta.deadInLeaves).toBe(0);
    await expectExact(await Forest.open(store), (j) => !gone.has(j));
    await f.add([idOf(10)], rows(10, 11));
    expect((await f.search(row(ALL, DIM, 10), 1))[0].id).toBe(idOf(10));
  });

  it('rejects unknown ids on delete and changes nothing', async () => {
    const { f } = await small(100);
    await expect(f.delete([idOf(1), 424242])).rejects.toMatchObject({ name: 'UnknownIdError', message: expect.stringContaining('424242') });
    expect(f.size).toBe(100);
    expect(f.has(idOf(1))).toBe(true);
    await f.delete([idOf(1)]);
    await expect(f.delete([idOf(1)])).rejects.toMatchObject({ name: 'UnknownIdError' });
  });

  it('rejects duplicate ids on add and changes nothing', async () => {
    const { f } = await small(100);
    await expect(f.add([idOf(5)], rows(5, 6))).rejects.toMatchObject({ name: 'DuplicateIdError' });
    await expect(f.add([1, 1], rows(0, 2))).rejects.toMatchObject({ name: 'DuplicateIdError' });
    expect(f.size).toBe(100);
  });

  it('advises compaction then rebuild as the forest drifts, and rebuild keeps the contents', async () => {
    const { f } = await small(400);
    expect(f.maintenanceAdvice().action).toBe('none');
    await f.delete(idRange(0, 60)); // 15 % of entries dead
    expect(f.maintenanceAdvice().action).toBe('compact');
    await f.compact();
    expect(f.maintenanceAdvice().action).toBe('none');
    await f.delete(idRange(60, 140)); // 140 of 400 slots dead > 30 %
    expect(f.maintenanceAdvice().action).toBe('rebuild');
    await f.rebuild();
    expect(f.maintenanceAdvice().action).toBe('none');
    expect(f.meta.generation).toBe(2);
    expect(f.size).toBe(260);
    await expectExact(f, (j) => j >= 140 && j < 400);
    await f.add(idRange(400, 900), rows(400, 900)); // 500 added ≤ max(1000, 0.5 × 260): no rebuild yet
    expect(f.maintenanceAdvice().action).toBe('none');
  });

  it('keeps resident bytes under the memory budget and answers the same', async () => {
    const { store } = await small(900, { leafCapacity: 40, leafSize: 30 });
    const roomy = await Forest.open(store);
    const budget = 25_000;
    const tight = await Forest.open(store, { memoryBudgetBytes: budget });
    for (let q = 0; q < 900; q += 50) {
      const a = await roomy.search(row(ALL, DIM, q), 5, { searchK: 200 });
      const b = await tight.search(row(ALL, DIM, q), 5, { searchK: 200 });
      expect(b).toEqual(a);
      expect(tight.residentBytes()).toBeLessThanOrEqual(budget);
    }
    expect(store.byteSize()).toBeGreaterThan(4 * budget);
    // Nothing pinned: node pages come from the store in batched rounds mid-descent.
    const unpinned = await Forest.open(store, { memoryBudgetBytes: budget, pinnedNodeFraction: 0 });
    const trace = { leaves: 0, entries: 0, pageFetchRounds: 0 };
    let rounds = 0;
    for (let q = 0; q < 900; q += 90) {
      // Same leaves in the same order as with every page resident: batching page reads keeps best-first.
      expect(await unpinned.search(row(ALL, DIM, q), 5, { searchK: 200, trace })).toEqual(await roomy.search(row(ALL, DIM, q), 5, { searchK: 200 }));
      rounds += trace.pageFetchRounds;
    }
    expect(rounds).toBeGreaterThan(0);
    expect(unpinned.cacheStats().pinnedBytes).toBe(0);
  });
});
