// Best-first descent over all trees with one priority queue (Annoy's margin
// rule), then batched reads of the chosen leaves, a sketch estimate of every
// entry, and an exact re-rank of the candidates its error bound keeps (score.ts),
// each slot scored once.
import type { ForestState } from './forest-state.ts';
import { NodeQueue } from './heaps.ts';
import { NODES_PER_PAGE, PAGE_SHIFT, type NodePage } from './node-codec.ts';
import { EARLY_READ_AT, REST_CHUNK, Scorer } from './score.ts';
import { kernels } from './kernels.ts';
import { ResidentPage } from './resident.ts';

export interface SearchHit {
  id: number;
  /** Cosine similarity (from the float16 vectors; error ~1e-4). */
  score: number;
}

export interface SearchTrace {
  leaves: number;
  entries: number;
  /** Distinct live slots given an exact dot product (score.ts): with an Infinity bound, every candidate. */
  reranked?: number;
  /** Slots whose upper bound reached the k-th best lower bound when scoring ended (score.ts). */
  kept?: number;
  /** Vector reads of the exact step (early reads, late, margin: see score.ts); each is served by the vector slab, then one store read for what it lacks. */
  vectorReads?: number;
  /** With an early vector read (score.ts): the first list's slots it lacked. */
  earlyMissed?: number;
  pageFetchRounds: number;
  /** Pass a clock (ms) to get the split below: descent incl. page fetches, leaf reads + estimates, vector reads + exact scores. */
  clock?: () => number;
  descentMs?: number;
  leavesMs?: number;
  vectorsMs?: number;
}

/** Node pages not yet loaded are collected and fetched together, this many at a time. */
const PENDING_BATCH = 16;
/** Leaves held back while pages load (bounds the work done ahead of a round trip). */
const MAX_DEFERRED = 256;

/** Key of a held page: tree × this + page (trees < 256, so the key stays an exact double). */
const HELD_TREE = 2 ** 32;

interface Entry {
  pri: number;
  t: number;
  n: number;
  depth: number;
}

/** The leaves a best-first descent chose, in the order it reached them. */
export interface Descent {
  leafTree: number[];
  leafId: number[];
  /** Entries in those leaves (tombstones and duplicates included). */
  entries: number;
  pageFetchRounds: number;
}

/** Best-first descent over the first `nTrees` trees until `searchK` leaf entries are gathered. */
export async function descend(s: ForestState, q: Float32Array, searchK: number, nTrees: number): Promise<Descent> {
  const d = s.meta.dim, kern = kernels();
  // A new search: q's buffer may hold new values (kernels.ts copies a query once per search).
  kern.reset();
  // The state's spare queue when no other descent holds it (it is handed back at the end).
  const pq = s.spareQueue ?? new NodeQueue();
  s.spareQueue = undefined;
  pq.clear();
  for (let t = 0; t < nTrees; t++) pq.push(Infinity, t, s.dirs[t].root, 0);
  const leafTree: number[] = [], leafId: number[] = [];
  let entries = 0, rounds = 0;
  // Once a node's page is missing, nothing ranked below it may be *counted* before the page
  // arrives, or the best-first order breaks: leaves popped meanwhile wait in `deferred`.
  // Resident nodes are still expanded, which finds more missing pages for the same batch.
  const pending: Entry[] = [], deferred: Entry[] = [];
  // Pages this descent loaded, held until it ends: a small cache may already have evicted them.
  let held: Map<number, NodePage> | undefined;

  for (;;) {
    while (pq.size > 0 && entries < searchK) {
      const pri = pq.topPriority(), t = pq.topTree(), n = pq.topNode(), depth = pq.topDepth();
      pq.pop();
      if (n < 0) {
        if (pending.length) {
          deferred.push({ pri, t, n, depth });
          if (deferred.length >= MAX_DEFERRED) break;
          continue;
        }
        leafTree.push(t);
        leafId.push(~n);
        entries += s.dirs[t].leafSizes[~n];
        continue;
      }
      const page = s.pageIfLoaded(t, n >> PAGE_SHIFT) ?? held?.get(t * HELD_TREE + (n >> PAGE_SHIFT));
      if (!page) {
        pending.push({ pri, t, n, depth });
        if (pending.length >= PENDING_BATCH) break;
        continue;
      }
      const i = n & (NODES_PER_PAGE - 1);
      // A resident page's normals are read where they lie in wasm memory (resident.ts).
      const dot = page instanceof ResidentPage && page.arena === kern && page.at >= 0 ? page.arena.dotI8At(q, page.at + i * d, d) : kern.dotI8(q, page.normals, i * d, d);
      const m = dot * page.scale[i] + page.offset[i];
      pq.push(Math.min(pri, m), t, page.right[i], depth + 1);
      pq.push(Math.min(pri, -m), t, page.left[i], depth + 1);
    }
    if (!pending.length) break;
    rounds++;
    const reqs = pending.map((e) => ({ t: e.t, p: e.n >> PAGE_SHIFT }));
    const pages = await s.loadPages(reqs);
    held ??= new Map();
    reqs.forEach((r, i) => held!.set(r.t * HELD_TREE + r.p, pages[i]));
    for (const e of pending) pq.push(e.pri, e.t, e.n, e.depth);
    for (const e of deferred) pq.push(e.pri, e.t, e.n, e.depth);
    pending.length = deferred.length = 0;
  }
  s.spareQueue = pq;
  return { leafTree, leafId, entries, pageFetchRounds: rounds };
}

export async function searchForest(s: ForestState, q: Float32Array, k: number, searchK: number, nTrees: number, bound: number, trace?: SearchTrace, earlyRead: boolean | readonly number[] = true, restChunk = REST_CHUNK): Promise<SearchHit[]> {
  const t0 = trace?.clock?.() ?? 0;
  const { leafTree, leafId, entries, pageFetchRounds: rounds } = await descend(s, q, searchK, nTrees);
  const t1 = trace?.clock?.() ?? 0;
  // Cached leaves are scored at once; the rest arrive in chunks read concurrently, each
  // scored as it lands, so IndexedDB reads overlap with scoring.
  const scorer = new Scorer(s, q, k, bound, entries, earlyRead === true ? EARLY_READ_AT : earlyRead || [], restChunk);
  let t2: number;
  try {
    await s.streamLeaves(leafTree, leafId, (b) => scorer.add(b));
    t2 = trace?.clock?.() ?? 0;
    await scorer.finish();
  } finally {
    scorer.release();
  }
  const { top, reranked, vectorReads, earlyMissed, kept } = scorer;
  const slotToId = s.slotToId;
  if (trace) {
    Object.assign(trace, { leaves: leafId.length, entries, reranked, kept, vectorReads, earlyMissed, pageFetchRounds: rounds });
    if (trace.clock) Object.assign(trace, { descentMs: t1 - t0, leavesMs: t2 - t1, vectorsMs: trace.clock() - t2 });
  }
  return top.order().map((i) => ({ id: slotToId[top.slots[i]], score: top.scores[i] }));
}
