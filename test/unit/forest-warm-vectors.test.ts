import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { buildForest, Forest, MemoryBlockStore, vectorRoomBytes, type BlockStore, type SearchTrace } from '../../src/core/forest/index.ts';
import { IdbForestStore, openForestDatabase } from '../../src/storage/forest-idb-store.ts';
import { StagedForestStore } from '../../src/storage/staged-forest-store.ts';
import { clustered, row, VectorCountingStore } from './forest-fixture.ts';

// Forest.warmVectors: the stored vectors read into the vector slab by range reads, where it has
// room (the budget's spare bytes plus OpenOptions.vectorRoomBytes), so later re-ranks read no
// vector block; answers, kept and re-ranked counts stay what they were without it.
const DIM = 64, N = 3000;
const base = clustered(N, DIM, 41);
const queries = clustered(20, DIM, 42);
const ids = Uint32Array.from({ length: N }, (_, i) => i);

async function answers(f: Forest): Promise<unknown[]> {
  const out = [];
  for (let q = 0; q < queries.length / DIM; q++) {
    const trace: SearchTrace = { leaves: 0, entries: 0, pageFetchRounds: 0 };
    out.push({ hits: await f.search(row(queries, DIM, q), 10, { searchK: 600, trace }), kept: trace.kept, reranked: trace.reranked });
  }
  return out;
}

async function built(): Promise<VectorCountingStore> {
  const store = new VectorCountingStore();
  await buildForest(store, { dim: DIM, ids, vectors: base }, { nTrees: 8, seed: 5 });
  return store;
}

/** The smallest budget (in 4 kB steps) the forest opens with: its slab then holds next to nothing. */
async function tightBudget(store: BlockStore): Promise<number> {
  for (let budget = 4096; ; budget += 4096) {
    try {
      await Forest.open(store, { pinLeaves: false, memoryBudgetBytes: budget });
      return budget;
    } catch (e) {
      if ((e as Error).name !== 'MemoryBudgetError') throw e;
    }
  }
}

describe('forest vector warming', () => {
  it('holds every stored vector a roomy budget allows; later searches read none and answer as before', async () => {
    const store = await built();
    const without = await answers(await Forest.open(store, { pinLeaves: false }));
    expect(store.vectorReads).toBeGreaterThan(0);

    const warm = await Forest.open(store, { pinLeaves: false });
    expect(await warm.warmVectors(500)).toBe(N);
    expect(warm.cacheStats().vectors).toBe(N);
    expect(await warm.warmVectors(500)).toBe(0); // all held: nothing kept again
    store.vectorReads = 0;
    expect(await answers(warm)).toEqual(without);
    expect(store.vectorReads).toBe(0);
    expect(warm.residentBytes()).toBeLessThanOrEqual(warm.cacheStats().budgetBytes);
  });

  it('a tight budget reads none; vectorRoomBytes holds them all beside it, leaving the cache its share; room for half reads none', async () => {
    const store = await built();
    const budget = await tightBudget(store);
    const tight = await Forest.open(store, { pinLeaves: false, memoryBudgetBytes: budget });
    expect(await tight.warmVectors()).toBe(0);

    const room = (N + 256) * (4 + 2 * DIM);
    const roomy = await Forest.open(store, { pinLeaves: false, memoryBudgetBytes: budget, vectorRoomBytes: room });
    const plain = await Forest.open(store, { pinLeaves: false, memoryBudgetBytes: budget });
    expect(roomy.cacheStats().pinnedBytes).toBe(plain.cacheStats().pinnedBytes); // open pins the same
    const want = await answers(plain);
    // Searches first (as in the app, whose warm pass follows the first search): they leave what
    // they re-ranked in the slab, and the pass reads the rest.
    expect(await answers(roomy)).toEqual(want);
    const held = roomy.cacheStats().vectors;
    expect(held).toBeGreaterThan(256);
    expect(await roomy.warmVectors(700)).toBe(N - held);
    expect(roomy.cacheStats().vectors).toBe(N);
    expect(roomy.residentBytes()).toBeLessThanOrEqual(budget + room);
    store.vectorReads = 0;
    expect(await answers(roomy)).toEqual(want);
    expect(store.vectorReads).toBe(0);

    // Room for half of them: none read (a random half would crowd out what searches re-rank), and
    // searches still keep what they re-rank there.
    const half = await Forest.open(store, { pinLeaves: false, memoryBudgetBytes: budget, vectorRoomBytes: N * 4 + (N / 2) * 2 * DIM });
    expect(await half.warmVectors(256)).toBe(0);
    expect(half.cacheStats().vectors).toBe(0);
    await answers(half);
    expect(half.cacheStats().vectors).toBeGreaterThan(0);
    expect(half.residentBytes()).toBeLessThanOrEqual(half.cacheStats().budgetBytes);
  });

  it('skips deleted slots, lets writes in between its reads, and answers as a forest without it', async () => {
    const store = await built();
    const f = await Forest.open(store, { pinLeaves: false });
    await f.delete([0, 1, 2, 3, 4]);
    const warming = f.warmVectors(200);
    // Lands between two of the warm pass's reads (each is one exclusive step).
    await f.add([N + 1], row(base, DIM, 7));
    const kept = await warming;
    expect(kept).toBeGreaterThanOrEqual(N - 5);
    expect(kept).toBeLessThanOrEqual(N - 4);
    const hits = await f.search(row(base, DIM, 7), 3, { searchK: 600 });
    expect(hits.map((h) => h.id)).toContain(N + 1);
    expect(hits.map((h) => h.id)).not.toContain(0);
    expect(await answers(f)).toEqual(await answers(await Forest.open(store, { pinLeaves: false })));
  });

  it('reads nothing while a search runs: its vector reads all come before the first range read', async () => {
    const log: string[] = [];
    class Logging extends MemoryBlockStore {
      override read(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
        if (keys.some((k) => k.includes('/v/'))) log.push('search');
        return super.read(keys);
      }
      override readPrefix(prefix: string, after: string | undefined, count: number): ReturnType<MemoryBlockStore['readPrefix']> {
        log.push('pass');
        return super.readPrefix(prefix, after, count);
      }
    }
    const store = new Logging();
    await buildForest(store, { dim: DIM, ids, vectors: base }, { nTrees: 8, seed: 5 });
    const f = await Forest.open(store, { pinLeaves: false });
    const searches = [0, 1, 2].map((q) => f.search(row(queries, DIM, q), 10, { searchK: 600 }));
    const kept = f.warmVectors(100);
    await Promise.all(searches);
    expect(await kept).toBeGreaterThan(0);
    expect(log.lastIndexOf('search')).toBeGreaterThan(0);
    expect(log.lastIndexOf('search')).toBeLessThan(log.indexOf('pass'));
  });

  it('keeps nothing from a store without range reads, and stops when aborted', async () => {
    const store = await built();
    const plainStore: BlockStore = { read: (k) => store.read(k), write: (p, d) => store.write(p, d), deletePrefix: (p) => store.deletePrefix(p) };
    expect(await (await Forest.open(plainStore, { pinLeaves: false })).warmVectors()).toBe(0);
    const aborted = new AbortController();
    aborted.abort();
    expect(await (await Forest.open(store, { pinLeaves: false })).warmVectors(100, aborted.signal)).toBe(0);
  });

  it('reads ranges from IndexedDB in key order, a staged store leaving out what it is changing', async () => {
    const db = await openForestDatabase('forest-warm-vectors');
    const idb = new IdbForestStore(db, 'text');
    await buildForest(idb, { dim: DIM, ids, vectors: base }, { nTrees: 4, seed: 5 });
    // Another forest's blocks in the same object store stay out of the range.
    await buildForest(new IdbForestStore(db, 'visual'), { dim: DIM, ids: [1, 2], vectors: base.subarray(0, 2 * DIM) }, { seed: 1 });
    const seen: string[] = [];
    for (let after: string | undefined, step = 0; step < 100; step++) {
      const got = await idb.readPrefix('g1/v/', after, 700);
      expect(got.blocks.length).toBe(got.keys.length);
      seen.push(...got.keys);
      if (got.last === undefined) break;
      after = got.last;
    }
    expect(seen.length).toBe(N);
    expect([...seen].sort()).toEqual(seen);
    expect(new Set(seen).size).toBe(N);

    const staged = new StagedForestStore(db as never, 'text');
    await staged.write([], ['g1/v/1']);
    const first = await staged.readPrefix('g1/v/', undefined, 3); // g1/v/0, g1/v/1, g1/v/10
    expect(first.keys).toEqual(['g1/v/0', 'g1/v/10']);
    expect(first.last).toBe('g1/v/10');

    const f = await Forest.open(idb, { pinLeaves: false, memoryBudgetBytes: 4 << 20, vectorRoomBytes: 1 << 20 });
    expect(await f.warmVectors()).toBe(N);
    db.close();
  });

  it('gives the room only where the device says it has 8 GiB', () => {
    expect(vectorRoomBytes(8)).toBe(128 << 20);
    expect(vectorRoomBytes(4)).toBe(0);
    expect(vectorRoomBytes(undefined)).toBe(0);
  });
});
