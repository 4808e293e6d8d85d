import { describe, expect, it } from 'vitest';
import { buildForest, buildTreeBlocks, Forest, MemoryBlockStore, type TreeJob } from '../../src/core/forest/index.ts';
import { clustered, exactTopK, recall, row } from './forest-fixture.ts';

const DIM = 48;
const N = 4000;
const base = clustered(N, DIM, 7);
const queries = clustered(60, DIM, 8);
const ids = Uint32Array.from({ length: N }, (_, i) => i);

async function build(seed: number, opts: Parameters<typeof buildForest>[2] = {}): Promise<MemoryBlockStore> {
  const store = new MemoryBlockStore();
  await buildForest(store, { dim: DIM, ids, vectors: base }, { nTrees: 6, seed, ...opts });
  return store;
}

function snapshot(s: MemoryBlockStore): Map<string, string> {
  return new Map(s.keys().sort().map((k) => [k, Buffer.from(s.raw(k) as Uint8Array).toString('base64')]));
}

describe('forest build', () => {
  it('is deterministic: same seed gives byte-identical blocks, another seed does not', async () => {
    const a = snapshot(await build(42));
    const b = snapshot(await build(42));
    const c = snapshot(await build(43));
    expect(a.size).toBeGreaterThan(10);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('builds the same blocks when trees are built out of order, several at once (worker hook)', async () => {
    const a = snapshot(await build(42));
    const store = new MemoryBlockStore();
    const order: number[] = [];
    const buildTree = async (job: TreeJob) => {
      await new Promise((r) => setTimeout(r, (6 - job.t) * 3)); // later trees finish first
      order.push(job.t);
      return buildTreeBlocks(job);
    };
    await buildForest(store, { dim: DIM, ids, vectors: base }, { nTrees: 6, seed: 42 }, { buildTree, concurrency: 3, sharedRows: true });
    expect(order).not.toEqual([0, 1, 2, 3, 4, 5]);
    expect(snapshot(store)).toEqual(a);
  });

  const truth = Array.from({ length: 60 }, (_, q) => exactTopK(base, DIM, row(queries, DIM, q), 10));
  async function meanRecall(f: Forest, searchK: number, rerankBound?: number): Promise<number> {
    let r = 0;
    for (let q = 0; q < 60; q++) {
      const hits = await f.search(row(queries, DIM, q), 10, { searchK, rerankBound });
      expect(hits).toHaveLength(10);
      for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);
      r += recall(hits.map((h) => h.id), truth[q]);
    }
    return r / 60;
  }

  it('keeps a recall floor against exact search; two-means beats random projection', async () => {
    // searchK 1200 of 24 000 entries. Measured on this fixture: 0.82 (two-means), 0.66 (random projection).
    const tm = await meanRecall(await Forest.open(await build(1)), 1200);
    const rp = await meanRecall(await Forest.open(await build(1, { split: 'random-projection' })), 1200);
    expect(tm).toBeGreaterThan(0.78);
    expect(rp).toBeGreaterThan(0.6);
    expect(tm).toBeGreaterThan(rp);
    // Recall must rise towards 1 as the search widens to every entry and every candidate is
    // re-ranked exactly. With the default margin only the best estimates are (measured 0.91 at
    // 48 dims, where a 1-bit sketch is coarse; 384-d embeddings estimate 2.8× more finely).
    const f = await Forest.open(await build(1));
    expect(await meanRecall(f, N * 6, Infinity)).toBeGreaterThan(0.97);
    expect(await meanRecall(f, N * 6)).toBeGreaterThan(0.85);
  });

  it('can split in a PCA subspace (routingDims): deterministic, lifted normals route search and add', async () => {
    const a = await build(5, { routingDims: 24 });
    expect(snapshot(await build(5, { routingDims: 24 }))).toEqual(snapshot(a));
    expect(snapshot(a)).not.toEqual(snapshot(await build(5)));
    const f = await Forest.open(a);
    // Measured 0.79 on this fixture with 24 of 48 dims (full-dimensional splits: 0.82).
    expect(await meanRecall(f, 1200)).toBeGreaterThan(0.75);
    await f.add([N + 1], row(queries, DIM, 0));
    expect((await f.search(row(queries, DIM, 0), 1))[0].id).toBe(N + 1);
  });

  it('scores are cosines of the stored vectors (float16 error below 1e-3)', async () => {
    const f = await Forest.open(await build(1));
    const q = row(queries, DIM, 3);
    const hits = await f.search(q, 5, { searchK: N * 6 });
    const exact = exactTopK(base, DIM, q, 5);
    expect(hits.map((h) => h.id)).toEqual(exact);
    let qn = 0;
    for (const x of q) qn += x * x;
    for (const h of hits) {
      let s = 0;
      for (let i = 0; i < DIM; i++) s += q[i] * base[h.id * DIM + i];
      expect(Math.abs(h.score - s / Math.sqrt(qn))).toBeLessThan(1e-3);
    }
  });

  it('handles an empty forest', async () => {
    const store = new MemoryBlockStore();
    await buildForest(store, { dim: 8, ids: [], vectors: new Float32Array(0) });
    const f = await Forest.open(store);
    expect(f.size).toBe(0);
    expect(await f.search(new Float32Array(8).fill(1), 3)).toEqual([]);
  });

  it('returns every live vector, best first, when k > N', async () => {
    const small = clustered(37, DIM, 3);
    const store = new MemoryBlockStore();
    await buildForest(store, { dim: DIM, ids: Uint32Array.from({ length: 37 }, (_, i) => i), vectors: small }, { nTrees: 3, leafSize: 5, leafCapacity: 8 });
    const f = await Forest.open(store);
    const q = row(queries, DIM, 0);
    const hits = await f.search(q, 100);
    expect(hits).toHaveLength(37);
    expect(new Set(hits.map((h) => h.id))).toEqual(new Set(Array.from({ length: 37 }, (_, i) => i)));
    expect(hits[0].id).toBe(exactTopK(small, DIM, q, 1)[0]);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);
  });

  it('keeps non-contiguous ids', async () => {
    const small = clustered(50, DIM, 4);
    const odd = Array.from({ length: 50 }, (_, i) => i * 7919 + 1_000_000 * (i % 3));
    const store = new MemoryBlockStore();
    await buildForest(store, { dim: DIM, ids: odd, vectors: small }, { nTrees: 2, leafSize: 6, leafCapacity: 10 });
    const f = await Forest.open(store);
    const hits = await f.search(row(small, DIM, 17), 50);
    expect(hits[0].id).toBe(odd[17]);
    expect(new Set(hits.map((h) => h.id))).toEqual(new Set(odd));
  });

  it('can use a prefix of the trees at query time', async () => {
    const f = await Forest.open(await build(1));
    const trace = { leaves: 0, entries: 0, pageFetchRounds: 0 };
    await f.search(row(queries, DIM, 0), 10, { searchK: 300, trees: 2, trace });
    expect(trace.leaves).toBeGreaterThan(0);
    await expect(f.search(row(queries, DIM, 0), 10, { trees: 7 })).rejects.toMatchObject({ name: 'InvalidArgumentError' });
  });
});
