// npx tsx bench/index-ab.ts --old DIR [--data patches,syn,…] [--n 100000] [--queries 1000] [--trees 16]
//   [--search-k 2000,4000,8000,16000] [--leaf-size 200 | --leaf-sizes OLD,NEW] [--trees-ab OLD,NEW] [--threads 2] [--rounds 3] [--json]
// The forest of another checkout (DIR: a copy of its src/, e.g. `git archive <commit> src | tar -x -C DIR`)
// against this one, on the same data, in one process: both are built, then every searchK is
// measured in rounds that alternate old and new, so a load that changes during the run (this
// machine is shared) weighs on both alike. Reports per searchK and side: recall@10, the best q/s
// of the rounds, vectors re-ranked per query, and the ratio new/old of the q/s (and of the first round). `--leaf-sizes 100,50`
// builds each side with its own leaf size, `--trees-ab 16,24` with its own tree count (with
// `--old .` these compare settings of one checkout).
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { numList, parseArgs } from './lib/args.ts';
import { dataOptions, loadDataset } from './lib/dataset.ts';
import { recallAt, round } from './lib/stats.ts';
import { TreePool } from './lib/tree-pool.ts';

type ForestModule = typeof import('../src/core/forest/index.ts');
type Forest = Awaited<ReturnType<ForestModule['Forest']['open']>>;
interface Side {
  name: string;
  /** The forest module's URL (the tree workers import it too). */
  url: string;
  mod: ForestModule;
  forest?: Forest;
}

const args = parseArgs(process.argv.slice(2));
const log = (s: string): void => void process.stderr.write(s + '\n');
if (!args.has('old')) throw new Error('--old DIR: a checkout (or copy of src/) of the code to compare against');
const urls = [pathToFileURL(resolve(args.get('old') as string, 'src/core/forest/index.ts')).href, new URL('../src/core/forest/index.ts', import.meta.url).href];
const sides: Side[] = [
  { name: 'old', url: urls[0], mod: (await import(urls[0])) as ForestModule },
  { name: 'new', url: urls[1], mod: (await import(urls[1])) as ForestModule },
];
const treesAb = args.has('trees-ab') ? numList(args.get('trees-ab') as string) : undefined;
const trees = Number(args.get('trees') ?? 16), treesOf = (side: number): number => treesAb?.[side] ?? trees, searchKs = numList(args.get('search-k') ?? '2000,4000,8000,16000');
const rounds = Number(args.get('rounds') ?? 3), threads = Number(args.get('threads') ?? availableParallelism());
const leafSizes = args.has('leaf-sizes') ? numList(args.get('leaf-sizes') as string) : undefined;
const leafOf = (side: number): { leafSize?: number } => (leafSizes ? { leafSize: leafSizes[side] } : args.has('leaf-size') ? { leafSize: Number(args.get('leaf-size')) } : {});
const out: Record<string, unknown>[] = [];
for (const set of (args.get('data') ?? 'syn').split(',')) {
  const ds = await loadDataset({ n: Number(args.get('n') ?? 100000), dim: 384, queries: Number(args.get('queries') ?? 1000), seed: 1, cacheDir: args.get('cache-dir') ?? 'bench/out', ...dataOptions(set) }, log);
  const d = ds.dim, n = ds.base.length / d, nq = ds.query.length / d;
  for (const [si, side] of sides.entries()) {
    // Each side's trees are built by its own code on worker threads.
    const store = new side.mod.MemoryBlockStore();
    const t0 = performance.now();
    const pool = threads > 1 ? new TreePool(threads, side.url) : undefined;
    await side.mod.buildForest(store, { dim: d, ids: Uint32Array.from({ length: n }, (_, i) => i), vectors: ds.base }, { nTrees: treesOf(si), seed: 1, ...leafOf(si) }, pool ? { buildTree: (job) => pool.build(job), concurrency: pool.size, sharedRows: true } : {}).finally(() => pool?.close());
    log(`${set} ${side.name}: built in ${((performance.now() - t0) / 1000).toFixed(1)} s (${threads} threads)`);
    side.forest = await side.mod.Forest.open(store, { memoryBudgetBytes: Number.MAX_SAFE_INTEGER, pinnedNodeFraction: 1 });
  }
  for (const searchK of searchKs) {
    const best = new Map<string, { recallAt10: number; qps: number; firstQps: number; rerankedPerQuery: number }>();
    for (let r = 0; r < rounds; r++) {
      for (const side of r % 2 ? [...sides].reverse() : sides) {
        const f = side.forest!;
        const trace = { leaves: 0, entries: 0, pageFetchRounds: 0, reranked: 0 };
        let rec = 0, reranked = 0;
        const t0 = performance.now();
        for (let q = 0; q < nq; q++) {
          const hits: { id: number }[] = await f.search(ds.query.subarray(q * d, q * d + d), 10, { searchK, trace });
          reranked += trace.reranked ?? 0;
          rec += recallAt(hits.map((h) => h.id), ds.gt.subarray(q * ds.gtK, q * ds.gtK + 10), 10);
        }
        const qps = (nq * 1000) / (performance.now() - t0);
        // firstQps: the side's first round at this searchK (with the first searchK, caches that
        // fill as queries repeat, such as the vector slab, are still cold).
        const prev = best.get(side.name);
        if (!prev || qps > prev.qps) best.set(side.name, { recallAt10: round(rec / nq), qps: round(qps, 1), firstQps: prev?.firstQps ?? round(qps, 1), rerankedPerQuery: Math.round(reranked / nq) });
      }
    }
    const o = best.get('old')!, nw = best.get('new')!;
    const row = { set, n, searchK, old: o, new: nw, qpsNewOverOld: round(nw.qps / o.qps, 2), firstRoundNewOverOld: round(nw.firstQps / o.firstQps, 2) };
    out.push(row);
    log(`${set} searchK ${searchK}: old recall ${o.recallAt10} ${o.qps} q/s (${o.rerankedPerQuery} re-ranked) | new recall ${nw.recallAt10} ${nw.qps} q/s (${nw.rerankedPerQuery} re-ranked) | new/old q/s ${row.qpsNewOverOld} (first round ${row.firstRoundNewOverOld})`);
  }
  for (const side of sides) side.forest = undefined;
}
log(`load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
if (args.get('json') === 'true') console.log(JSON.stringify({ rows: out, loadAverage: loadavg() }));
