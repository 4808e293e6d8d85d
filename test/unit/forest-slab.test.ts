import { describe, expect, it } from 'vitest';
import { buildForest, Forest, type SearchTrace } from '../../src/core/forest/index.ts';
import { clustered, row, VectorCountingStore } from './forest-fixture.ts';

// Re-ranked vectors are kept in a slab (vector-slab.ts): a repeated search reads no vector block
// and answers exactly as before; a budget with no room left for it reads every time; an add
// keeps answers right (its new slots are read, then kept).
const DIM = 48, N = 2500;
const base = clustered(N, DIM, 41);
const queries = clustered(10, DIM, 42);

async function answers(f: Forest): Promise<unknown[]> {
  const out = [];
  for (let q = 0; q < 10; q++) {
    const trace: SearchTrace = { leaves: 0, entries: 0, pageFetchRounds: 0 };
    out.push({ hits: await f.search(row(queries, DIM, q), 10, { searchK: 500, trace }), reranked: trace.reranked });
  }
  return out;
}

describe('forest vector slab', () => {
  it('serves repeated re-ranks from memory with the same answers, within the budget', async () => {
    const store = new VectorCountingStore();
    await buildForest(store, { dim: DIM, ids: Uint32Array.from({ length: N }, (_, i) => i), vectors: base }, { nTrees: 6, seed: 2 });
    const f = await Forest.open(store, { memoryBudgetBytes: Number.MAX_SAFE_INTEGER });
    store.vectorReads = 0;
    const cold = await answers(f);
    const coldReads = store.vectorReads;
    expect(coldReads).toBeGreaterThan(0);
    store.vectorReads = 0;
    expect(await answers(f)).toEqual(cold);
    expect(store.vectorReads).toBe(0);
    // releaseCache drops it: the next pass reads again.
    f.releaseCache();
    store.vectorReads = 0;
    expect(await answers(f)).toEqual(cold);
    expect(store.vectorReads).toBe(coldReads);

    // Leaves read on demand keep room for all of them; an unlimited budget still keeps vectors.
    const onDemand = await Forest.open(store, { memoryBudgetBytes: Number.MAX_SAFE_INTEGER, pinLeaves: false });
    await answers(onDemand);
    store.vectorReads = 0;
    expect(await answers(onDemand)).toEqual(cold);
    expect(store.vectorReads).toBe(0);

    // A budget just above the minimum leaves no room: every pass reads, answers unchanged.
    const err = await Forest.open(store, { memoryBudgetBytes: 1 }).catch((e: Error) => e);
    const minimum = Number(/at least (\d+)/.exec((err as Error).message)?.[1]);
    const tight = await Forest.open(store, { memoryBudgetBytes: minimum + 4096 });
    await answers(tight);
    store.vectorReads = 0;
    expect(await answers(tight)).toEqual(cold);
    // One block per slot re-ranked (the cold pass read fewer: its later queries met slots kept by earlier ones).
    const reranked = (cold as { reranked: number }[]).reduce((n, a) => n + a.reranked, 0);
    expect(coldReads).toBeLessThan(reranked);
    expect(store.vectorReads).toBe(reranked);
    expect(tight.residentBytes()).toBeLessThanOrEqual(minimum + 4096 + 64 * 1024);
  });

  it('answers right after an add (new slots are read, then kept)', async () => {
    const store = new VectorCountingStore();
    await buildForest(store, { dim: DIM, ids: Uint32Array.from({ length: N - 200 }, (_, i) => i), vectors: base.subarray(0, (N - 200) * DIM) }, { nTrees: 6, seed: 2 });
    const f = await Forest.open(store, { memoryBudgetBytes: Number.MAX_SAFE_INTEGER });
    await answers(f);
    await f.add(Uint32Array.from({ length: 200 }, (_, i) => N - 200 + i), base.subarray((N - 200) * DIM));
    const fresh = await Forest.open(store, { memoryBudgetBytes: Number.MAX_SAFE_INTEGER });
    expect(await answers(f)).toEqual(await answers(fresh));
  });
});
