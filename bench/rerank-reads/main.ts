// Runs in headless Chromium (bench/rerank-reads.ts): a forest of the pipeline bench's shape (random
// unit rows, the app's build and open options) in IndexedDB, then warm searches at k 100 with each
// restChunk, the arms alternating query by query so both see the same machine load.
import { buildForest, Forest, type SearchTrace } from '../../src/core/forest/index.ts';
import { IdbForestStore, openForestDatabase } from '../../src/storage/forest-idb-store.ts';
import { randomUnitRows } from '../pipeline/synthetic.ts';

interface Config {
  n: number;
  dim: number;
  queries: number;
  k: number;
  /** restChunk per arm (Infinity: the rest read in one go). */
  arms: number[];
}

interface Arm {
  restChunk: number;
  ms: number[];
  vectorsMs: number[];
  reads: number;
  reranked: number;
  /** Hits shared with the exact re-rank of every candidate (rerankBound Infinity), summed. */
  agree: number;
}

async function run(cfg: Config) {
  const db = await openForestDatabase('glimpse-rerank-reads');
  const store = new IdbForestStore(db, 'text');
  await store.deletePrefix('');
  const t0 = performance.now();
  const ids = Uint32Array.from({ length: cfg.n }, (_, i) => i + 1);
  await buildForest(store, { dim: cfg.dim, ids, vectors: randomUnitRows(cfg.n, cfg.dim, 7) }, { seed: 1 });
  const buildMs = performance.now() - t0;
  // As workers/lib/forest-slot.ts opens the text forest, then warms its leaves after a first search.
  const f = await Forest.open(store, { memoryBudgetBytes: 32 << 20, pinLeaves: false });
  await f.warmLeaves();
  const qs = randomUnitRows(cfg.queries * cfg.arms.length + 10, cfg.dim, 99);
  const d = cfg.dim;
  const row = (i: number): Float32Array => qs.subarray(i * d, i * d + d);
  for (let i = 0; i < 10; i++) await f.search(row(i), cfg.k); // warm-up
  const arms: Arm[] = cfg.arms.map((restChunk) => ({ restChunk, ms: [], vectorsMs: [], reads: 0, reranked: 0, agree: 0 }));
  const trace: SearchTrace = { leaves: 0, entries: 0, pageFetchRounds: 0, clock: () => performance.now() };
  for (let q = 0; q < cfg.queries * arms.length; q++) {
    // Each query goes to one arm (a vector the slab keeps would favour the arm that searched second).
    const arm = arms[q % arms.length], v = row(10 + q);
    const s = performance.now();
    const hits = await f.search(v, cfg.k, { trace, restChunk: arm.restChunk });
    arm.ms.push(performance.now() - s);
    arm.vectorsMs.push(trace.vectorsMs ?? 0);
    arm.reads += trace.vectorReads ?? 0;
    arm.reranked += trace.reranked ?? 0;
    if (q < 40 * arms.length) {
      const all = new Set((await f.search(v, cfg.k, { rerankBound: Infinity })).map((h) => h.id));
      arm.agree += hits.filter((h) => all.has(h.id)).length / cfg.k;
    }
  }
  db.close();
  return { buildMs, arms };
}

(window as unknown as { rerankBench: typeof run }).rerankBench = run;
