// npm run bench:index -- [--data syn,dups,glove,patches,descriptors,sift|F.base.fvecs,…] [--n 100000]
//   [--dim 384] [--queries 500] [--trees 8,16] [--search-k 1000,2000,4000,8000]
//   [--split two-means|random-projection|both] [--threads 2] [--seed 1] [--routing-dims 0]
//   [--leaf-size L [--leaf-capacity C]] [--base F.fvecs --query F.fvecs [--gt F.ivecs]]
//   [--rerank-bound E] [--no-peer] [--no-incremental] [--no-compact] [--no-survivors] [--json]
// --data: every set in one run, one after another, then a table of them side by side (sets:
// bench/lib/dataset.ts; a .fvecs path takes its .query.fvecs and .gt.ivecs siblings). Without
// it, one set: the synthetic one, or --base/--query.
// --rerank-bound: the forest's rerankBound (ε), default its own; the reference config is also
// measured with Infinity, i.e. every candidate re-ranked exactly, as `exactRerank`.
// Per set, side by side: our forest, exact brute force (float32, float16, int8) and hnswlib.
// Every figure printed is measured in this run (hnswlib's graph may come from the bench/out cache,
// keyed by the base vectors' content; its build time is then reported as not measured). Phases
// run one after another and drop their forests, so at 1M only one forest (~6 GB at 16 trees) is
// in memory at a time.
import { mkdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { Forest, type SplitMethod } from '../src/core/forest/index.ts';
import { halfRows, quantizeRows } from '../src/core/forest/vector-math.ts';
import { numList, parseArgs } from './lib/args.ts';
import { dataOptions, defaultQueries, loadDataset, type Dataset } from './lib/dataset.ts';
import { bruteF32, bruteHalf, bruteI8 } from './lib/exact.ts';
import { apportion, bestPass, buildInto, queryPass, type QueryPass } from './lib/forest-runs.ts';
import { runHnsw } from './lib/peer-hnsw.ts';
import { shapeOf } from './lib/shape.ts';
import { recallAt, round } from './lib/stats.ts';
import { sideBySide } from './lib/summary.ts';

const args = parseArgs(process.argv.slice(2));
const log = (s: string): void => void process.stderr.write(s + '\n');
const n = Number(args.get('n') ?? 10000);
const cacheDir = args.get('cache-dir') ?? 'bench/out';
mkdirSync(cacheDir, { recursive: true });
const seed = Number(args.get('seed') ?? 1);
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
const rerankBound = args.has('rerank-bound') ? Number(args.get('rerank-bound')) : undefined;
const grid = (): { trees: number; searchK: number; rerankBound?: number }[] => treesList.flatMap((trees) => skList.map((searchK) => ({ trees, searchK, rerankBound })));
let peakRss = 0;
const sampleRss = (): void => void (peakRss = Math.max(peakRss, process.memoryUsage().rss));

const entries = args.has('data') ? (args.get('data') as string).split(',') : [undefined];
const results: Record<string, unknown>[] = [];
for (const entry of entries) {
  const ds = await loadDataset(
    { n, dim: Number(args.get('dim') ?? 384), queries: Number(args.get('queries') ?? defaultQueries(n)), seed, cacheDir, ...(entry ? dataOptions(entry) : { baseFile: args.get('base'), queryFile: args.get('query'), gtFile: args.get('gt') }) },
    log,
  );
  results.push(await runSet(ds));
}
if (results.length > 1) log(sideBySide(results));
const machine = { cpus: availableParallelism(), buildThreads: threads, loadAverage1mAtEnd: round(loadavg()[0], 2), peakRssBytes: peakRss };
if (args.get('json') === 'true') console.log(JSON.stringify(results.length === 1 ? { ...results[0], machine } : { sets: results, machine }));
else for (const r of results) log(`${(r.data as { name: string }).name}: ${JSON.stringify(r.targets)}`);

async function runSet(ds: Dataset): Promise<Record<string, unknown>> {
  const d = ds.dim, N = ds.base.length / d, nq = ds.query.length / d;
  const truth = (q: number): Int32Array => ds.gt.subarray(q * ds.gtK, q * ds.gtK + 10);
  const ids = Uint32Array.from({ length: N }, (_, i) => i);
  const shape = shapeOf(ds);
  log(`data: ${ds.name} N=${N} dim=${d} queries=${nq} LID≈${shape.lid20} cos@1=${shape.meanCos1} cos@10=${shape.meanCos10} gap@10=${shape.meanGap10} ‖mean‖=${shape.meanNorm}; build threads ${threads}`);

  // Exact baselines, one query at a time, best of two passes on a slice of the queries. The
  // float16 and int8 scans also show what each precision of stored vector can reach at best.
  const brute = ((): { qps: number; float32: { qps: number; recallAt10: number }; float16: { qps: number; recallAt10: number }; int8: { qps: number; recallAt10: number }; queries: number } => {
    const bq = Math.min(nq, Number(args.get('brute-queries') ?? (N >= 1_000_000 ? 10 : 50)));
    const codes = new Int8Array(N * d), scales = new Float32Array(N), half = new Uint16Array(N * d);
    quantizeRows(ds.base, d, codes, scales);
    halfRows(ds.base, d, half, new Int8Array(N * d), new Float32Array(N));
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
    const float16 = time((q) => bruteHalf(half, d, q, 10));
    const int8 = time((q) => bruteI8(codes, scales, d, q, 10));
    return { qps: Math.max(float32.qps, int8.qps), float32, float16, int8, queries: bq };
  })();
  log(`brute: float32 ${brute.float32.qps} q/s (recall ${brute.float32.recallAt10}), float16 ${brute.float16.qps} q/s (recall ${brute.float16.recallAt10}), int8 ${brute.int8.qps} q/s (recall ${brute.int8.recallAt10})`);

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
    await queryPass(f, ds.query, d, truth, { searchK: skList[0], trees: maxTrees, limit: 50, rerankBound }); // warm, as for the fresh build
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
      log(`  ${split} trees=${o.trees} searchK=${o.searchK}: recall ${r.recallAt10} ${r.qps} q/s p50 ${r.p50Ms} p99 ${r.p99Ms} ms, entries ${r.entriesPerQuery}, kept ${r.keptPerQuery}, re-ranked ${r.rerankedPerQuery} (${row.speedupVsBrute}× brute), resident ${(row.residentBytes / 2 ** 20).toFixed(0)} MiB`);
    }
    if (split !== main) return undefined;
    const f = await Forest.open(b.store, { memoryBudgetBytes: Number.MAX_SAFE_INTEGER, pinnedNodeFraction: 1 });
    const ref = reference(rows);
    const o = { searchK: ref.searchK, trees: ref.nTrees, rerankBound };
    // The same config with every candidate re-ranked exactly: what the sketch filter saves or loses.
    const ex = await bestPass(f, ds.query, d, truth, { ...o, rerankBound: Infinity });
    const exactRerank = { nTrees: ref.nTrees, searchK: ref.searchK, recallAt10: ex.recallAt10, qps: ex.qps, p50Ms: ex.p50Ms, rerankedPerQuery: ex.rerankedPerQuery };
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

    // Delete a seeded 10 %, recall against the surviving ground truth; then compact. A fresh
    // build of the survivors alone is the bar: the survivors' top 10 reach deeper into each
    // query's neighbourhood than the full set's, so recall against them can differ by itself.
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
    let freshOfRest: { recallAt10: number; qps: number } | undefined;
    if (args.get('survivors') !== 'false') {
      const keep = ids.filter((j) => !del.has(j)), rest = new Float32Array(keep.length * d);
      keep.forEach((j, i) => rest.set(ds.base.subarray(j * d, j * d + d), i * d));
      const br = await buildInto(rest, d, keep, maxTrees, main, seed, threads, routingDims, leaf);
      const fr = await Forest.open(br.store, { memoryBudgetBytes: Number.MAX_SAFE_INTEGER, pinnedNodeFraction: 1 });
      const r = await bestPass(fr, ds.query, d, survivors, o);
      freshOfRest = { recallAt10: r.recallAt10, qps: r.qps };
    }
    log(`  delete ${del.size}: ${deleteS.toFixed(2)} s; recall vs surviving truth ${after.recallAt10} (fresh build of the rest: ${freshOfRest?.recallAt10 ?? 'not run'}; of all: ${ref.recallAt10}), ${after.qps} q/s; advice ${advice.action}; compact ${JSON.stringify(compacted)}`);
    sampleRss();
    return { exactRerank, budgeted, deleted: { count: del.size, deleteS: round(deleteS, 3), recallFresh: ref.recallAt10, recallFreshOfRest: freshOfRest?.recallAt10, recallAfter: after.recallAt10, qpsAfter: after.qps, advice, compacted } };
  }

  /** Fastest main-split grid point with recall ≥ 0.95 (else the most accurate one). */
  function reference(rows: ForestRow[]): ForestRow {
    const mine = rows.filter((r) => r.split === main);
    return mine.filter((r) => r.recallAt10 >= 0.95).sort((a, b) => b.qps - a.qps)[0] ?? [...mine].sort((a, b) => b.recallAt10 - a.recallAt10)[0];
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
    const key = `${best.nTrees}/${best.searchK}`;
    const at = inc.grid.get(key) as QueryPass;
    return { config: { trees: best.nTrees, searchK: best.searchK }, added: inc.added, addS: round(inc.addS, 3), recallBeforeAdd: inc.before.get(key), recallAfterAdd: at.recallAt10, recallFresh: best.recallAt10, recallDelta: round(best.recallAt10 - at.recallAt10), qpsAfterAdd: at.qps };
  })();
  if (incremental) log(`incremental at the reference config: recall ${incremental.recallAfterAdd} after the add, ${incremental.recallBeforeAdd} before it, vs fresh ${incremental.recallFresh}`);

  // Peer, last: its graph (~1.7 GB at 1M) never shares memory with a forest.
  const peers: Record<string, unknown> = {};
  let peerAtRecall: { ef: number; recallAt10: number; qps: number } | undefined;
  if (args.get('peer') !== 'false') {
    const M = Number(args.get('M') ?? 16), efConstruction = Number(args.get('efc') ?? 100);
    const h = runHnsw(ds.base, ds.query, ds.gt, ds.gtK, d, { M, efConstruction, efs: numList(args.get('peer-ef') ?? '10,20,40,80,160,320,640,1280'), cacheDir }, log);
    sampleRss();
    for (const p of h.sweep) log(`  hnswlib ef=${p.ef}: recall ${p.recallAt10} ${p.qps} q/s p50 ${p.p50Ms} ms`);
    peerAtRecall = h.sweep.find((p) => p.recallAt10 >= best.recallAt10);
    const top = peerAtRecall ?? h.sweep[h.sweep.length - 1];
    peers.hnswlib = { recallAt10: top.recallAt10, qps: top.qps, ef: top.ef, atRecallOf: best.recallAt10, M, efConstruction, buildS: h.cached ? null : h.buildS, buildCached: h.cached, graphFile: h.file, indexBytesPerVector: round(h.indexBytes / N, 1), sweep: h.sweep };
  }

  // Recall at each searchK of the main split and the most trees, in order: it must not fall.
  const bySearchK = forest.filter((r) => r.split === main && r.nTrees === maxTrees).map((r) => ({ searchK: r.searchK, recallAt10: r.recallAt10 }));
  const targets = {
    reference: { nTrees: best.nTrees, searchK: best.searchK, recallAt10: best.recallAt10, qps: best.qps, buildS: best.buildS, rerankedPerQuery: best.rerankedPerQuery },
    speedupVsBruteAtRecall95: best.recallAt10 >= 0.95 ? round(best.qps / brute.qps, 1) : null,
    peerQpsOverOursAtSameRecall: peerAtRecall ? round(peerAtRecall.qps / best.qps, 2) : null,
    recallBySearchK: bySearchK,
    recallNonDecreasingInSearchK: bySearchK.every((r, i) => i === 0 || r.recallAt10 >= bySearchK[i - 1].recallAt10),
  };
  return {
    n: N, dim: d, queries: nq, data: { name: ds.name, ...ds.params, ...shape },
    forest, brute, peers, targets, incremental, ...mainExtras,
    build: { threads, routingDims, seed },
    notes: 'Node: the MemoryBlockStore itself holds every block in RAM (peakRssBytes); residentBytes is the forest\'s own accounting (see budgeted for a 10 % budget). forest buildS/bytesPerVector for nTrees below the built count are apportioned from the per-tree measurements of one build; qps single-thread, k=10, warm cache, faster of two passes (brute and hnswlib likewise).',
  };
}
