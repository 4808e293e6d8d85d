// npm run bench:index:browser -- --n 100000 [--data syn|patches|…] [--trees 16] [--search-k 2000,4000] [--budget-fraction 0.1]
//   [--pinned-fraction 0.8] [--read-chunk 24] [--threads 2] [--leaf-size L [--leaf-capacity C]] [--settle S]
//   [--compare-early] [--early-stages 0.2,0.5/0.1,0.3,0.6] [--also-budget-fraction F] [--profile DIR [--port P]] [--json]
// --early-stages: per searchK, also cold and warm passes with each set of earlyRead shares, beside.
// --profile DIR: keep the Chromium profile in DIR; a later run with the same pack skips the load
// (a settled IndexedDB, as a library is after a day, rather than one just written).
// --compare-early: per searchK, also cold and warm passes with earlyRead off (score.ts), beside.
// --also-budget-fraction F: then the same passes (cold, warm) with a budget of F, in the same page.
// --leaf-size / --leaf-capacity go to buildForest (defaults: the product's, 100 and ⌈1.55·L⌉).
// --settle S: queries start S seconds after the load (default 0: at once, while IndexedDB still
// digests the bulk write; a library is not queried in the middle of a 0.5 GB write).
// Builds the forest in Node (or reuses bench/out/forest-*.pack), serves its blocks to a page in
// headless Chromium that writes them into real IndexedDB via IdbForestStore, then measures
// queries that read from IndexedDB under a memory budget (default 10 % of N·dim·4 bytes).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { createServer, type Plugin } from 'vite';
import { ARGS, CHROMIUM } from '../test/browser/helpers/browser.ts';
import { numList, parseArgs } from './lib/args.ts';
import { FORMAT_VERSION } from '../src/core/forest/block-codec.ts';
import { resolveOptions } from '../src/core/forest/build.ts';
import { indexPack, packPathFor, readRecords, writePack } from './lib/block-pack.ts';
import { dataOptions, defaultQueries, loadDataset } from './lib/dataset.ts';
import { apportion, buildInto } from './lib/forest-runs.ts';
import { round } from './lib/stats.ts';

const args = parseArgs(process.argv.slice(2));
const log = (s: string): void => void process.stderr.write(s + '\n');
const n = Number(args.get('n') ?? 100000);
const cacheDir = args.get('cache-dir') ?? 'bench/out';
mkdirSync(cacheDir, { recursive: true });
const trees = Number(args.get('trees') ?? 16);
const searchKs = numList(args.get('search-k') ?? '2000');
const seed = Number(args.get('seed') ?? 1);
const ds = await loadDataset(
  { n, dim: Number(args.get('dim') ?? 384), queries: Number(args.get('queries') ?? defaultQueries(n)), seed, cacheDir, ...(args.has('data') ? dataOptions(args.get('data') as string) : { baseFile: args.get('base'), queryFile: args.get('query'), gtFile: args.get('gt') }) },
  log,
);
const d = ds.dim, N = ds.base.length / d, nq = ds.query.length / d;
const budgetBytes = Math.floor(Number(args.get('budget-fraction') ?? 0.1) * N * d * 4);

// Leaf size and capacity as buildForest resolves them (so the defaults are the product's).
const num = (k: string): number | undefined => (args.has(k) ? Number(args.get(k)) : undefined);
const { leafSize, leafCapacity } = resolveOptions(d, { leafSize: num('leaf-size'), leafCapacity: num('leaf-capacity') });

// Build once, keep the blocks as a pack file (with the build's measured figures beside it; the
// name says which build: block-pack.ts packPathFor).
const packPath = packPathFor(cacheDir, ds.name, { trees, seed, leafSize, leafCapacity });
const sidecar = packPath + '.json';
if (!existsSync(packPath) || !existsSync(sidecar)) {
  log(`building ${trees} trees over ${N} in Node (leaf size ${leafSize}, capacity ${leafCapacity}) …`);
  const b = await buildInto(ds.base, d, Uint32Array.from({ length: N }, (_, i) => i), trees, 'two-means', seed, Number(args.get('threads') ?? availableParallelism()), 0, { leafSize, leafCapacity });
  writePack(packPath, b.store);
  writeFileSync(sidecar, JSON.stringify({ ...apportion(b, trees, N), builtAt: new Date().toISOString() }));
}
const built = JSON.parse(readFileSync(sidecar, 'utf8')) as { buildS: number; bytesPerVector: number };
const pack = indexPack(packPath);
log(`pack: ${pack.entries.length} blocks, ${(statSync(packPath).size / 2 ** 30).toFixed(2)} GiB; build took ${built.buildS} s`);

const truth10 = new Int32Array(nq * 10);
for (let q = 0; q < nq; q++) truth10.set(ds.gt.subarray(q * ds.gtK, q * ds.gtK + 10), q * 10);
const send = (res: ServerResponse, body: Uint8Array | Buffer): void => {
  res.setHeader('content-type', 'application/octet-stream');
  res.end(body);
};
const api: Plugin = {
  name: 'forest-bench-api',
  configureServer(server) {
    server.middlewares.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
      // Cross-origin isolation: finer timers and measureUserAgentSpecificMemory().
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/__bench/blocks') {
        const from = Number(url.searchParams.get('from')), count = Number(url.searchParams.get('count'));
        return send(res, readRecords(pack.fd, pack.entries, from, Math.min(pack.entries.length, from + count)));
      }
      if (url.pathname === '/__bench/queries') return send(res, new Uint8Array(ds.query.buffer, ds.query.byteOffset, ds.query.byteLength));
      if (url.pathname === '/__bench/truth') return send(res, new Uint8Array(truth10.buffer));
      next();
    });
  },
};

// A persistent profile on disk: a plain newPage() context is incognito, whose IndexedDB lives in
// memory (and hits its quota at ~6 GB). The profile is deleted afterwards,
// unless kept (--profile): IndexedDB belongs to the origin, so a kept one is served on a fixed port.
const keep = args.get('profile');
const profile = keep ? resolve(keep) : mkdtempSync(join(tmpdir(), 'glimpse-forest-bench-'));
mkdirSync(profile, { recursive: true });
const port = Number(args.get('port') ?? (keep ? 47231 : 0));
// Names the pack whose blocks the kept profile's IndexedDB holds, and the port of that origin
// (written after a full run only).
const stamp = join(profile, 'glimpse-pack.txt'), stamped = `${basename(packPath)} ${port}`;
const reuseLoad = keep !== undefined && existsSync(stamp) && readFileSync(stamp, 'utf8') === stamped;
if (keep) rmSync(stamp, { force: true });
const server = await createServer({
  root: resolve('bench/browser'),
  configFile: false,
  logLevel: 'warn',
  plugins: [api],
  server: { host: '127.0.0.1', port, strictPort: true, fs: { allow: [resolve('.')] } },
  optimizeDeps: { include: ['idb'] },
});
await server.listen();
const url = server.resolvedUrls?.local[0];
if (!url) throw new Error('vite did not report a URL');
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: [...ARGS, '--enable-precise-memory-info'],
});
try {
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.on('console', (m) => log(`[page] ${m.text()}`));
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { forestBench?: unknown }).forestBench !== undefined, null, { timeout: 120_000 });
  log(`page ready at ${url}; ${reuseLoad ? 'reusing' : 'loading'} ${pack.entries.length} blocks ${reuseLoad ? 'in the kept profile' : 'into IndexedDB'}, budget ${(budgetBytes / 2 ** 20).toFixed(1)} MiB …`);
  const cfg = { reuseLoad, blockCount: pack.entries.length, dim: d, queries: nq, budgetBytes, trees, searchKs, pinnedNodeFraction: Number(args.get('pinned-fraction') ?? 0.8), leafReadChunk: Number(args.get('read-chunk') ?? 24), settleMs: Number(args.get('settle') ?? 0) * 1000, compareEarly: args.get('compare-early') === 'true', earlyStages: (args.get('early-stages') ?? '').split('/').filter(Boolean).map((x) => numList(x)), alsoBudgetBytes: Math.floor(Number(args.get('also-budget-fraction') ?? 0) * N * d * 4) };
  type ByKind = { node: number; leaf: number; vector: number; other: number };
  type PassResult = {
    recallAt10: number; qps: number; p50Ms: number; p99Ms: number; maxMs: number; pageFetchRoundsPerQuery: number;
    meanDescentMs: number; meanLeavesMs: number; meanVectorsMs: number;
    leavesPerQuery: number; entriesPerQuery: number; rerankedPerQuery: number; vectorReadsPerQuery: number;
    residentBytes: number; bytesPerQuery: number; bytesPerQueryByKind: ByKind;
  };
  type BenchResult = {
    loaded: { loadMs: number; bytes: number };
    openMs: number;
    afterOpen: Record<string, number>;
    results: { searchK: number; cold: PassResult; firstPass: PassResult; warm: PassResult; cache: Record<string, number>; waitCold?: PassResult; waitWarm?: PassResult; stages: { at: number[]; cold: PassResult; warm: PassResult }[] }[];
    also: { searchK: number; cold: PassResult; warm: PassResult; cache: Record<string, number> }[];
    readProbe: Record<string, { p50Ms: number; usPerBlock: number }>;
    memory: Record<string, number | string>;
    crossOriginIsolated: boolean;
    userAgent: string;
  };
  const r = await page.evaluate((c) => (window as unknown as { forestBench: (c: unknown) => Promise<unknown> }).forestBench(c), cfg) as BenchResult;
  if (keep) writeFileSync(stamp, stamped);
  log(`IndexedDB loaded ${(r.loaded.bytes / 2 ** 30).toFixed(2)} GiB in ${(r.loaded.loadMs / 1000).toFixed(1)} s; open ${r.openMs.toFixed(0)} ms, resident after open ${(r.afterOpen.residentBytes / 2 ** 20).toFixed(1)} MiB`);
  const ms = (x: number): number => round(x, 2);
  const fix = (p: PassResult): PassResult => ({
    ...p, recallAt10: round(p.recallAt10), qps: round(p.qps, 1), p50Ms: ms(p.p50Ms), p99Ms: ms(p.p99Ms), maxMs: ms(p.maxMs), pageFetchRoundsPerQuery: round(p.pageFetchRoundsPerQuery, 2),
    meanDescentMs: ms(p.meanDescentMs), meanLeavesMs: ms(p.meanLeavesMs), meanVectorsMs: ms(p.meanVectorsMs),
    leavesPerQuery: round(p.leavesPerQuery, 1), entriesPerQuery: Math.round(p.entriesPerQuery), rerankedPerQuery: round(p.rerankedPerQuery, 1), vectorReadsPerQuery: round(p.vectorReadsPerQuery, 2),
    bytesPerQuery: Math.round(p.bytesPerQuery),
    bytesPerQueryByKind: { node: Math.round(p.bytesPerQueryByKind.node), leaf: Math.round(p.bytesPerQueryByKind.leaf), vector: Math.round(p.bytesPerQueryByKind.vector), other: Math.round(p.bytesPerQueryByKind.other) },
  });
  const kib = (b: number): string => (b / 1024).toFixed(0);
  const forest = r.results.map((x) => {
    const cold = fix(x.cold), warm = fix(x.warm), firstPass = fix(x.firstPass);
    const split = (p: PassResult): string => `descent ${p.meanDescentMs}, leaves ${p.meanLeavesMs}, vectors ${p.meanVectorsMs} ms; re-ranked ${p.rerankedPerQuery}, vector reads ${p.vectorReadsPerQuery}`;
    log(`trees=${trees} L=${leafSize} searchK=${x.searchK}: recall ${warm.recallAt10}; cold p50 ${cold.p50Ms} p99 ${cold.p99Ms} ms (${split(cold)}, page rounds ${cold.pageFetchRoundsPerQuery}); first pass p50 ${firstPass.p50Ms} p99 ${firstPass.p99Ms}; warm p50 ${warm.p50Ms} p99 ${warm.p99Ms} ms (${split(warm)})`);
    log(`  read/query cold ${kib(cold.bytesPerQuery)} KiB (nodes ${kib(cold.bytesPerQueryByKind.node)}, leaves ${kib(cold.bytesPerQueryByKind.leaf)}, vectors ${kib(cold.bytesPerQueryByKind.vector)}), warm ${kib(warm.bytesPerQuery)} KiB; resident ${(warm.residentBytes / 2 ** 20).toFixed(1)} MiB`);
    const waiting = x.waitCold && x.waitWarm ? { cold: fix(x.waitCold), warm: fix(x.waitWarm) } : undefined;
    if (waiting) log(`  earlyRead off (beside it): recall ${waiting.warm.recallAt10}; cold p50 ${waiting.cold.p50Ms} p99 ${waiting.cold.p99Ms} ms (${split(waiting.cold)}); warm p50 ${waiting.warm.p50Ms} p99 ${waiting.warm.p99Ms} ms`);
    const stages = x.stages.map((st) => ({ at: st.at, cold: fix(st.cold), warm: fix(st.warm) }));
    for (const st of stages) log(`  earlyRead [${st.at.join(', ')}] (beside it): recall ${st.warm.recallAt10}; cold p50 ${st.cold.p50Ms} p99 ${st.cold.p99Ms} ms (${split(st.cold)}); warm p50 ${st.warm.p50Ms} p99 ${st.warm.p99Ms} ms (${split(st.warm)})`);
    return { nTrees: trees, searchK: x.searchK, recallAt10: warm.recallAt10, qps: warm.qps, p50Ms: warm.p50Ms, p99Ms: warm.p99Ms, buildS: built.buildS, bytesPerVector: built.bytesPerVector, leafSize, leafCapacity, cold, firstPass, warm, cache: x.cache, earlyReadOff: waiting, earlyStages: stages };
  });
  const alsoBudget = r.also.length ? { bytes: cfg.alsoBudgetBytes, forest: r.also.map((x) => ({ searchK: x.searchK, cold: fix(x.cold), warm: fix(x.warm), cache: x.cache })) } : undefined;
  for (const x of alsoBudget?.forest ?? []) {
    log(`budget ${(cfg.alsoBudgetBytes / 2 ** 20).toFixed(1)} MiB (beside it), searchK=${x.searchK}: recall ${x.warm.recallAt10}; cold p50 ${x.cold.p50Ms} p99 ${x.cold.p99Ms} ms (descent ${x.cold.meanDescentMs}, leaves ${x.cold.meanLeavesMs}, vectors ${x.cold.meanVectorsMs} ms); warm p50 ${x.warm.p50Ms} p99 ${x.warm.p99Ms} ms; leaves read/query ${kib(x.cold.bytesPerQueryByKind.leaf)} KiB; resident ${(x.warm.residentBytes / 2 ** 20).toFixed(1)} MiB`);
  }
  log(`read probe (one store read of random blocks, nothing else running; µs per block at the p50): ${Object.entries(r.readProbe).map(([k, v]) => `${k} ${v.usPerBlock.toFixed(0)}`).join(', ')}`);
  const maxResident = Math.max(...forest.flatMap((f) => [f.cold.residentBytes, f.warm.residentBytes, f.firstPass.residentBytes]));
  const out = {
    n: N, dim: d, queries: nq, data: ds.name, formatVersion: FORMAT_VERSION, leaf: { size: leafSize, capacity: leafCapacity }, forest,
    brute: { qps: null, note: 'exact scans are measured in Node by bench:index' },
    peers: {},
    storage: 'IndexedDB on disk (persistent Chromium profile, via IdbForestStore)',
    budget: { bytes: budgetBytes, definition: 'fraction × N × dim × 4 (float32 vector bytes)', maxResidentBytes: maxResident, residentOverVectorBytes: round(maxResident / (N * d * 4), 4), residentOverInt8Bytes: round(maxResident / (N * (d + 4)), 4) },
    load: { reusedProfile: reuseLoad, seconds: round(r.loaded.loadMs / 1000, 1), bytes: r.loaded.bytes, settleSeconds: cfg.settleMs / 1000 }, openMs: round(r.openMs, 1), afterOpen: r.afterOpen,
    alsoBudget, readProbe: r.readProbe, memory: r.memory, crossOriginIsolated: r.crossOriginIsolated, userAgent: r.userAgent,
    notes: `cold: the unpinned cache is emptied before every query (pinned top node pages stay); firstPass: one pass after open; warm: a second pass. IndexedDB files were ${reuseLoad ? 'written by an earlier run (kept profile)' : 'just written'}; the OS page cache may be warm in all three (dropping it needs root).`,
  };
  if (args.get('json') === 'true') console.log(JSON.stringify(out));
} finally {
  await browser.close();
  await server.close();
  if (!keep) rmSync(profile, { recursive: true, force: true });
}
