// npm run bench:index -- [--n 100000] [--dim 384] [--queries 500] [--trees 8,16]
//   [--search-k 1000,2000,4000,8000] [--split two-means|random-projection|both] [--threads 2]
//   [--seed 1] [--routing-dims 0] [--leaf-size L [--leaf-capacity C]] [--base F.fvecs --query F.fvecs [--gt F.ivecs]]
//   [--rerank-margin M] [--no-peer] [--no-incremental] [--no-compact] [--json]
// (--rerank-margin: the forest's rerankMargin, default its own 1/√dim; the reference config is
// also measured with Infinity, i.e. every candidate re-ranked exactly, as `exactRerank`.)
// Side by side on one data set: our forest, exact brute force (float32, int8) and hnswlib.
// Every figure printed is measured in this run (hnswlib's graph may come from the bench/out cache;
// its build time is then reported as not measured). Phases run one after another and drop their
// forests, so at 1M only one forest (~6 GB at 16 trees) is in memory at a time.
import { mkdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { Forest, type SplitMethod } from '../src/core/forest/index.ts';
import { dotF32, quantizeRows } from '../src/core/forest/vector-math.ts';
import { numList, parseArgs } from './lib/args.ts';
import { defaultQueries, loadDataset } from './lib/dataset.ts';
import { bruteF32, bruteI8 } from './lib/exact.ts';
import { apportion, bestPass, buildInto, queryPass, type QueryPass } from './lib/forest-runs.ts';
import { runHnsw } from './lib/peer-hnsw.ts';
import { lidFromCosines, recallAt, round } from './lib/stats.ts';

const args = parseArgs(process.argv.slice(2));
const log = (s: string): void => void process.stderr.write(s + '\n');
const n = Number(args.get('n') ?? 10000);
const cacheDir = args.get('cache-dir') ?? 'bench/out';
mkdirSync(cacheDir, { recursive: true });
const seed = Number(args.get('seed') ?? 1);
const ds = loadDataset(
  { n, dim: Number(args.get('dim') ?? 384), queries: Number(args.get('queries') ?? defaultQueries(n)), seed, baseFile: args.get('base'), queryFile: args.get('query'), gtFile: args.get('gt'), cacheDir },
  log,
);
const d = ds.dim, N = ds.base.length / d, nq = ds.query.length / d;
const treesList = numList(args.get('trees') ?? '8,16');
const skList = numList(args.get('search-k') ?? '1000,2000,4000,8000');
const splitArg = args.get('split') ?? 'two-means';
const splits: SplitMethod[] = splitArg === 'both' ? ['two-means', 'random-projection'] : [splitArg as SplitMethod];
const main: SplitMethod = splits[0];
const maxTrees = Math.max(...treesList);
const threads = Number(args.get('threads') ?? availableParallelism());
const routingDims = Number(args.get('routing-dims') ?? 0);
// Leaf size and split capacity (defaults: the forest's own); capacity defaults to 1.55 × a given size.
const leafSize = args.has('leaf-size') ? Number(args.get('leaf-size')) : undefined;
const leaf = leafSize === undefined ? {} : { leafSize, leafCapacity: Number(args.get('leaf-capacity') ?? Math.ceil(leafSize * 1.55)) };
const truth = (q: number): Int32Array => ds.gt.subarray(q * ds.gtK, q * ds.gtK + 10);
const ids = Uint32Array.from({ length: N }, (_, i) => i);
let peakRss = 0;
const sampleRss = (): void => void (peakRss = Math.max(peakRss, process.memoryUsage().rss));
const rerankMargin = args.has('rerank-margin') ? Number(args.get('rerank-margin')) : undefined;
const grid = (): { trees: number; searchK: number; rerankMargin?: number }[] => treesList.flatMap((trees) => skList.map((searchK) => ({ trees, searchK, rerankMargin })));

// Hardness: local intrinsic dimensionality from the true 20 nearest, and the cosine contrast.
const hardness = (() => {
  let s = 0, c1 = 0, c10 = 0;
  for (let q = 0; q < nq; q++) {
    const cos = Array.from(ds.gt.subarray(q * ds.gtK, q * ds.gtK + 20), (j) => dotF32(ds.query, q * d, ds.base, j * d, d));
    s += lidFromCosines(cos);
    c1 += cos[0];
    c10 += cos[9];
  }
  return { lid20: round(s / nq, 1), meanCos1: round(c1 / nq), meanCos10: round(c10 / nq) };
})();
log(`data: ${ds.name} N=${N} dim=${d} queries=${nq} LID≈${hardness.lid20} cos@1=${hardness.meanCos1} cos@10=${hardness.meanCos10}; build threads ${threads}`);

// Exact baselines, one query at a time, best of two passes on a slice of the queries.
function bruteForce(): { qps: number; float32: { qps: number; recallAt10: number }; int8: { qps: number; recallAt10: number }; queries: number } {
  const bq = Math.min(nq, Number(args.get('brute-queries') ?? (N >= 1_000_000 ? 10 : 50)));
  const codes = new Int8Array(N * d), scales = new Float32Array(N);
  quantizeRows(ds.base, d, codes, scales);
  const time = (fn: (q: Float32Array) => Int32Array): { qps: number; recallAt10: number } => {
    fn(ds.query.subarray(0, d));
    let rec = 0, best = Infinity;
    for (let rep = 0; rep < 2; rep++) {
      rec = 0;
      const t0 = performance.now();
      for (let q = 0; q < bq; q++) rec += recallAt(fn(ds.query.subarray(q * d, q * d + d)), truth(q), 10);
      best = Math.min(best, performance.now() - t0);
    }
    return { qps: round((bq * 1000) / best, 2), recallAt10: round(rec / bq) };
  };
  const float32 = time((q) => bruteF32(ds.base, d, q, 10));
  const int8 = time((q) => bruteI8(codes, scales, d, q, 10));
  return { qps: Math.max(float32.qps, int8.qps), float32, int8, queries: bq };
}
const brute = bruteForce();
log(`brute: float32 ${brute.float32.qps} q/s (recall ${brute.float32.recallAt10}), int8 ${brute.int8.qps} q/s (recall ${brute.int8.recallAt10})`);

interface ForestRow extends QueryPass {
  split: SplitMethod;
  /** forest.residentBytes() after this config's passes: slot table, sketch table, dedupe bits, pinned node pages, touched leaves. */
  residentBytes: number;
  nTrees: number;
  searchK: number;
  buildS: number;
  bytesPerVector: number;
  speedupVsBrute: number;
}

/** Incremental path: build on all but the last 1000 vectors, add them (timed), then measure the grid. */
async function incrementalPhase(): Promise<{ addS: number; added: number; grid: Map<string, QueryPass>; before: Map<string, number> } | undefined> {
  if (args.get('incremental') === 'false' || N <= 2000) return undefined;
  const added = 1000, head = N - added;
  log(`incremental: building ${maxTrees} trees over ${head} …`);
  const b = await buildInto(ds.base.subarray(0, head * d), d, ids.subarray(0, head), maxTrees, main, seed, threads, routingDims, leaf);
  sampleRss();
  const f = await Forest.open(b.store, { memoryBudgetBytes: Number.MAX_SAFE_INTEGER, pinnedNodeFraction: 1 });
  await queryPass(f, ds.query, d, truth, { searchK: skList[0], trees: maxTrees, limit: 50, rerankMargin }); // warm, as for the fresh build
  // The head forest's own recall: another build than the fresh one, so part of any difference
  // after the add is build to build (against the full ground truth, the 1000 to come included).
  const before = new Map<string, number>();
  for (const o of grid()) before.set(`${o.trees}/${o.searchK}`, (await queryPass(f, ds.query, d, truth, o)).recallAt10);
  const t0 = performance.now();
  await f.add(ids.subarray(head), ds.base.subarray(head * d));
  const addS = (performance.now() - t0) / 1000;
  log(`  added ${added} in ${addS.toFixed(3)} s`);
  const out = new Map<string, QueryPass>();
  for (const o of grid()) {
    await queryPass(f, ds.query, d, truth, { ...o, limit: 50 });
    out.set(`${o.trees}/${o.searchK}`, await bestPass(f, ds.query, d, truth, o));
  }
  return { addS, added, grid: out, before };
}
const inc = await incrementalPhase();

/** Fresh builds (each split method), the grid, then for the main one: budget run, delete 10 %, compact. */
async function freshPhase(split: SplitMethod, rows: ForestRow[]): Promise<Record<string, unknown> | undefined> {
  log(`forest: building ${maxTrees} trees (${split}) over ${N} …`);
  const b = await buildInto(ds.base, d, ids, maxTrees, split, seed, threads, routingDims, leaf);
  sampleRss();
  log(`  built in ${b.totalS.toFixed(1)} s (prepare ${b.prepareS.toFixed(1)} s; per tree ${b.treeS.map((s) => s.toFixed(1)).join(' ')})`);
  for (const o of grid()) {
    // A fresh open per config (no budget: all node pages pinned), so residentBytes is this config's own.
    const fc = await Forest.open(b.store, { memoryBudgetBytes: Number.MAX_SAFE_INTEGER, pinnedNodeFraction: 1 });
    await queryPass(fc, ds.query, d, truth, { ...o, limit: 50 }); // warm the decoded-block cache
    const r = await bestPass(fc, ds.query, d, truth, o);
    const row = { split, nTrees: o.trees, searchK: o.searchK, ...r, residentBytes: fc.residentBytes(), ...apportion(b, o.trees, N), speedupVsBrute: round(r.qps / brute.qps, 1) };
    rows.push(row);
    log(`  ${split} trees=${o.trees} searchK=${o.searchK}: recall ${r.recallAt10} ${r.qps} q/s p50 ${r.p50Ms} p99 ${r.p99Ms} ms, entries ${r.entriesPerQuery}, re-ranked ${r.rerankedPerQuery} (${row.speedupVsBrute}× brute), resident ${(row.residentBytes / 2 ** 20).toFixed(0)} MiB`);
  }
  if (split !== main) return undefined;
  const f = await Forest.open(b.store, { memoryBudgetBytes: Number.MAX_SAFE_INTEGER, pinnedNodeFraction: 1 });
  const ref = reference(rows);
  const o = { searchK: ref.searchK, trees: ref.nTrees, rerankMargin };
  // The same config with every candidate re-ranked exactly: what the sketch filter saves or loses.
  const ex = await bestPass(f, ds.query, d, truth, { ...o, rerankMargin: Infinity });
  const exactRerank = { nTrees: ref.nTrees, searchK: ref.searchK, recallAt10: ex.recallAt10, qps: ex.qps, p50Ms: ex.p50Ms };
  log(`  exact re-rank of every candidate at trees=${ref.nTrees} searchK=${ref.searchK}: recall ${ex.recallAt10} ${ex.qps} q/s p50 ${ex.p50Ms} ms (with the sketch filter: ${ref.recallAt10}, ${ref.qps} q/s)`);

  // Caller-set budget of 10 % of the float32 vector bytes; a fresh open, two passes.
  const budgetBytes = Math.floor(0.1 * N * d * 4);
  const t0 = performance.now();
  const fb = await Forest.open(b.store, { memoryBudgetBytes: budgetBytes });
  const openMs = performance.now() - t0;
  const first = await queryPass(fb, ds.query, d, truth, o);
  const second = await queryPass(fb, ds.query, d, truth, o);
  const budgeted = { budgetBytes, openMs: round(openMs, 1), firstPass: first, secondPass: second, residentBytes: fb.residentBytes(), cache: fb.cacheStats() };
  log(`budget ${(budgetBytes / 2 ** 20).toFixed(1)} MiB: first pass p50 ${first.p50Ms} p99 ${first.p99Ms}, second p50 ${second.p50Ms} p99 ${second.p99Ms} ms, resident ${(budgeted.residentBytes / 2 ** 20).toFixed(1)} MiB`);

  // Delete a seeded 10 %, recall against the surviving ground truth; then compact.
  const del = new Set<number>();
  for (let x = 12345; del.size < Math.floor(N / 10); ) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    del.add(x % N);
  }
  const survivors = (q: number): number[] => Array.from(ds.gt.subarray(q * ds.gtK, (q + 1) * ds.gtK)).filter((j) => !del.has(j)).slice(0, 10);
  const td = performance.now();
  await f.delete([...del]);
  const deleteS = (performance.now() - td) / 1000;
  const after = await bestPass(f, ds.query, d, survivors, o);
  const advice = f.maintenanceAdvice();
  let compacted: Record<string, unknown> = { skipped: true };
  if (args.get('compact') !== 'false') {
    const tc = performance.now();
    const removed = await f.compact();
    const compactS = (performance.now() - tc) / 1000;
    const c = await bestPass(f, ds.query, d, survivors, o);
    compacted = { compactS: round(compactS, 1), entriesRemoved: removed, recall: c.recallAt10, qps: c.qps };
  }
  log(`  delete ${del.size}: ${deleteS.toFixed(2)} s; recall vs surviving truth ${after.recallAt10} (fresh: ${ref.recallAt10}), ${after.qps} q/s; advice ${advice.action}; compact ${JSON.stringify(compacted)}`);
  sampleRss();
  return { exactRerank, budgeted, deleted: { count: del.size, deleteS: round(deleteS, 3), recallFresh: ref.recallAt10, recallAfter: after.recallAt10, qpsAfter: after.qps, advice, compacted } };
}

/** Fastest main-split grid point with recall ≥ 0.95 (else the most accurate one). */
function reference(rows: ForestRow[]): ForestRow {
  const mine = rows.filter((r) => r.split === main);
  return mine.filter((r) => r.recallAt10 >= 0.95).sort((a, b) => b.qps - a.qps)[0] ?? mine.sort((a, b) => b.recallAt10 - a.recallAt10)[0];
}

const forest: ForestRow[] = [];
let mainExtras: Record<string, unknown> | undefined;
for (const split of splits) {
  const extra = await freshPhase(split, forest);
  if (extra) mainExtras = extra;
}
const best = reference(forest);
log(`reference config: trees=${best.nTrees} searchK=${best.searchK}: recall ${best.recallAt10}, ${best.qps} q/s`);

const incremental = inc && (() => {
  const at = inc.grid.get(`${best.nTrees}/${best.searchK}`) as QueryPass;
  const key = `${best.nTrees}/${best.searchK}`;
  return { config: { trees: best.nTrees, searchK: best.searchK }, added: inc.added, addS: round(inc.addS, 3), recallBeforeAdd: inc.before.get(key), recallAfterAdd: at.recallAt10, recallFresh: best.recallAt10, recallDelta: round(best.recallAt10 - at.recallAt10), qpsAfterAdd: at.qps };
})();
if (incremental) log(`incremental at the reference config: recall ${incremental.recallAfterAdd} after the add, ${incremental.recallBeforeAdd} before it, vs fresh ${incremental.recallFresh}`);

// Peer, last: its graph (~1.7 GB at 1M) never shares memory with a forest.
const peers: Record<string, unknown> = {};
let peerAtRecall: { ef: number; recallAt10: number; qps: number } | undefined;
if (args.get('peer') !== 'false') {
  const M = Number(args.get('M') ?? 16), efConstruction = Number(args.get('efc') ?? 100);
  const h = runHnsw(ds.name, ds.base, ds.query, ds.gt, ds.gtK, d, { M, efConstruction, efs: numList(args.get('peer-ef') ?? '10,20,40,80,160,320,640,1280'), cacheDir }, log);
  sampleRss();
  for (const p of h.sweep) log(`  hnswlib ef=${p.ef}: recall ${p.recallAt10} ${p.qps} q/s p50 ${p.p50Ms} ms`);
  peerAtRecall = h.sweep.find((p) => p.recallAt10 >= best.recallAt10);
  const top = peerAtRecall ?? h.sweep[h.sweep.length - 1];
  peers.hnswlib = { recallAt10: top.recallAt10, qps: top.qps, ef: top.ef, atRecallOf: best.recallAt10, M, efConstruction, buildS: h.cached ? null : h.buildS, buildCached: h.cached, indexBytesPerVector: round(h.indexBytes / N, 1), sweep: h.sweep };
}

const targets = {
  reference: { nTrees: best.nTrees, searchK: best.searchK, recallAt10: best.recallAt10, qps: best.qps, buildS: best.buildS },
  speedupVsBruteAtRecall95: best.recallAt10 >= 0.95 ? round(best.qps / brute.qps, 1) : null,
  peerQpsOverOursAtSameRecall: peerAtRecall ? round(peerAtRecall.qps / best.qps, 2) : null,
};
const out = {
  n: N, dim: d, queries: nq, data: { name: ds.name, ...ds.params, ...hardness },
  forest, brute, peers, targets, incremental, ...mainExtras,
  build: { threads, routingDims, seed },
  machine: { cpus: availableParallelism(), buildThreads: threads, loadAverage1mAtEnd: round(loadavg()[0], 2), peakRssBytes: peakRss },
  notes: 'Node: the MemoryBlockStore itself holds every block in RAM (peakRssBytes); residentBytes is the forest\'s own accounting (see budgeted for a 10 % budget). forest buildS/bytesPerVector for nTrees below the built count are apportioned from the per-tree measurements of one build; qps single-thread, k=10, warm cache, faster of two passes (brute and hnswlib likewise).',
};
if (args.get('json') === 'true') console.log(JSON.stringify(out));
else log(JSON.stringify(targets));
