// Measuring our forest: build into a MemoryBlockStore, then timed query passes.
import { buildForest, Forest, MemoryBlockStore, type SearchTrace, type SplitMethod, type TreeJob } from '../../src/core/forest/index.ts';
import { TreePool } from './tree-pool.ts';
import { percentile, recallAt, round } from './stats.ts';

export interface Built {
  store: MemoryBlockStore;
  split: SplitMethod;
  nTrees: number;
  prepareS: number;
  treeS: number[];
  totalS: number;
  /** Stored bytes of tree t (leaves + node pages + directory). */
  treeBytes: number[];
  sharedBytes: number;
}

/** threads > 1 builds trees on worker threads (same blocks as one thread: seeds are per tree). */
export async function buildInto(base: Float32Array, d: number, ids: Uint32Array, nTrees: number, split: SplitMethod, seed: number, threads = 1, routingDims = 0, leaf: { leafSize?: number; leafCapacity?: number } = {}): Promise<Built> {
  const store = new MemoryBlockStore();
  const pool = threads > 1 ? new TreePool(threads) : undefined;
  const t0 = performance.now();
  const control = pool ? { buildTree: (job: TreeJob) => pool.build(job), concurrency: pool.size, sharedRows: true } : {};
  const rep = await buildForest(store, { dim: d, ids, vectors: base }, { nTrees, split, seed, routingDims, ...leaf }, { now: () => performance.now(), ...control }).finally(() => pool?.close());
  const totalS = (performance.now() - t0) / 1000;
  const g = rep.meta.generation;
  const treeBytes = Array.from({ length: nTrees }, (_, t) => store.byteSize(`g${g}/l/${t}/`) + store.byteSize(`g${g}/n/${t}/`) + store.byteSize(`g${g}/d/${t}`));
  const sharedBytes = store.byteSize() - treeBytes.reduce((a, b) => a + b, 0);
  return { store, split, nTrees, prepareS: rep.prepareMs / 1000, treeS: rep.treeMs.map((m) => m / 1000), totalS, treeBytes, sharedBytes };
}

/**
 * Build seconds and bytes/vector for a forest of the first `t` trees: the measured wall time
 * after preparation, shared out in proportion to each tree's own measured time.
 */
export function apportion(b: Built, t: number, n: number): { buildS: number; bytesPerVector: number } {
  const sum = (xs: number[]): number => xs.reduce((a, x) => a + x, 0);
  const buildS = b.prepareS + ((b.totalS - b.prepareS) * sum(b.treeS.slice(0, t))) / Math.max(1e-9, sum(b.treeS));
  const bytes = b.sharedBytes + b.treeBytes.slice(0, t).reduce((a, x) => a + x, 0);
  return { buildS: round(buildS, 2), bytesPerVector: round(bytes / Math.max(1, n), 1) };
}

export interface QueryPass {
  recallAt10: number;
  qps: number;
  p50Ms: number;
  p99Ms: number;
  /** Leaf entries the search read (with repeats across trees): each costs a sketch estimate. */
  entriesPerQuery: number;
  /** Candidates given an exact dot (the rest were ruled out by their sketch estimate's bound). */
  rerankedPerQuery: number;
  /** Candidates whose upper bound reached the k-th best lower bound (the re-rank's pool). */
  keptPerQuery: number;
  leavesPerQuery: number;
}

/** The faster of `reps` timed passes (the machine is shared: the best pass is the least disturbed). */
export async function bestPass(f: Forest, query: Float32Array, d: number, truth: (q: number) => ArrayLike<number>, o: { searchK: number; trees: number; limit?: number; rerankBound?: number }, reps = 2): Promise<QueryPass> {
  let best: QueryPass | undefined;
  for (let r = 0; r < reps; r++) {
    const p = await queryPass(f, query, d, truth, o);
    if (!best || p.qps > best.qps) best = p;
  }
  return best as QueryPass;
}

/** One timed pass over the queries (k = 10). `truth(q)` gives the ids to compare against. */
export async function queryPass(f: Forest, query: Float32Array, d: number, truth: (q: number) => ArrayLike<number>, o: { searchK: number; trees: number; limit?: number; rerankBound?: number }): Promise<QueryPass> {
  const nq = Math.min(o.limit ?? Infinity, query.length / d);
  const times: number[] = [];
  const trace: SearchTrace = { leaves: 0, entries: 0, pageFetchRounds: 0 };
  let rec = 0, entries = 0, reranked = 0, leaves = 0, kept = 0;
  const t0 = performance.now();
  for (let q = 0; q < nq; q++) {
    const s = performance.now();
    const hits = await f.search(query.subarray(q * d, q * d + d), 10, { searchK: o.searchK, trees: o.trees, rerankBound: o.rerankBound, trace });
    times.push(performance.now() - s);
    entries += trace.entries;
    reranked += trace.reranked ?? 0;
    kept += trace.kept ?? 0;
    leaves += trace.leaves;
    rec += recallAt(hits.map((h) => h.id), truth(q), 10);
  }
  const total = performance.now() - t0;
  times.sort((a, b) => a - b);
  return {
    recallAt10: round(rec / nq),
    qps: round((nq * 1000) / total, 1),
    p50Ms: round(percentile(times, 50)),
    p99Ms: round(percentile(times, 99)),
    entriesPerQuery: Math.round(entries / nq),
    rerankedPerQuery: Math.round(reranked / nq),
    keptPerQuery: Math.round(kept / nq),
    leavesPerQuery: Math.round(leaves / nq),
  };
}
