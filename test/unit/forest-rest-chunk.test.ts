import { describe, expect, it } from 'vitest';
import { buildForest, Forest, MemoryBlockStore, type SearchTrace } from '../../src/core/forest/index.ts';
import { EARLY_READ_MIN_ENTRIES } from '../../src/core/forest/score.ts';
import { randomUnitRows } from '../../bench/pipeline/synthetic.ts';
import { row } from './forest-fixture.ts';

// Random unit rows are all near-ties: most leaf entries pass the bound the first list leaves, as in
// the pipeline bench's text forest. The rest's reads in chunks (score.ts, readRest), each against
// the k-th exact score as it stands, re-rank fewer of them; the answers stay close to re-ranking
// every candidate, and do not depend on what an early read brought.
const DIM = 64, N = 4000, K = 50;
const base = randomUnitRows(N, DIM, 41);
const queries = randomUnitRows(12, DIM, 42);

describe('forest re-rank rest in chunks', () => {
  it('re-ranks fewer near-ties than one read of the rest, close to re-ranking all', async () => {
    const store = new MemoryBlockStore();
    await buildForest(store, { dim: DIM, ids: Uint32Array.from({ length: N }, (_, i) => i), vectors: base }, { nTrees: 8, seed: 5 });
    const f = await Forest.open(store);
    let chunked = 0, once = 0, agree = 0, onceAgree = 0;
    for (let q = 0; q < 12; q++) {
      const v = row(queries, DIM, q);
      const all = new Set((await f.search(v, K, { searchK: 3000, rerankBound: Infinity })).map((h) => h.id));
      const t1: SearchTrace = { leaves: 0, entries: 0, pageFetchRounds: 0 }, t2: SearchTrace = { leaves: 0, entries: 0, pageFetchRounds: 0 };
      const a = await f.search(v, K, { searchK: 3000, trace: t1 });
      const b = await f.search(v, K, { searchK: 3000, trace: t2, restChunk: Infinity });
      chunked += t1.reranked!;
      once += t2.reranked!;
      // One read after the first list's: the rule before chunks.
      expect(t2.vectorReads).toBeLessThanOrEqual(2);
      agree += a.filter((h) => all.has(h.id)).length / K;
      onceAgree += b.filter((h) => all.has(h.id)).length / K;
    }
    expect(chunked).toBeLessThan(once * 0.85);
    expect(agree / 12).toBeGreaterThanOrEqual(0.97);
    expect(onceAgree / 12).toBeGreaterThanOrEqual(agree / 12);
  });

  it('answers the same with and without an early read', async () => {
    const store = new MemoryBlockStore();
    await buildForest(store, { dim: DIM, ids: Uint32Array.from({ length: N }, (_, i) => i), vectors: base }, { nTrees: 8, seed: 5 });
    const f = await Forest.open(store);
    for (let q = 0; q < 6; q++) {
      const v = row(queries, DIM, q);
      const t: SearchTrace = { leaves: 0, entries: 0, pageFetchRounds: 0 };
      const early = await f.search(v, K, { searchK: EARLY_READ_MIN_ENTRIES, earlyRead: true, trace: t });
      expect(t.earlyMissed).toBeDefined(); // the early read did run
      expect(await f.search(v, K, { searchK: EARLY_READ_MIN_ENTRIES, earlyRead: false })).toEqual(early);
    }
  });

  it('refuses a chunk below one', async () => {
    const store = new MemoryBlockStore();
    await buildForest(store, { dim: DIM, ids: Uint32Array.from({ length: 200 }, (_, i) => i), vectors: base.subarray(0, 200 * DIM) }, { nTrees: 2, seed: 5 });
    const f = await Forest.open(store);
    await expect(f.search(row(queries, DIM, 0), 5, { restChunk: 0 })).rejects.toMatchObject({ name: 'InvalidArgumentError' });
  });
});
