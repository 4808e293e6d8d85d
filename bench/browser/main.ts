// Runs in headless Chromium: loads the Node-built forest blocks into real
// IndexedDB through IdbForestStore, then times queries against it.
import { Forest, type BlockStore, type SearchTrace } from '../../src/core/forest/index.ts';
import { ForestState } from '../../src/core/forest/forest-state.ts';
import { IdbForestStore, openForestDatabase } from '../../src/storage/forest-idb-store.ts';
import { openSlimDb, SlimSearcher, writeSlim, type SlimTrace } from './slim.ts';

interface Config {
  blockCount: number;
  dim: number;
  queries: number;
  budgetBytes: number;
  trees: number;
  searchKs: number[];
  pinnedNodeFraction: number;
  leafReadChunk: number;
  /** Slim-layout experiment (slim.ts): candidate counts R to measure; empty = off. */
  slimRs: number[];
}

/** Counts bytes the forest reads from IndexedDB (node pages and leaves). */
class CountingStore implements BlockStore {
  bytes = 0;
  constructor(private readonly inner: BlockStore) {}
  async read(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    const got = await this.inner.read(keys);
    for (const b of got) this.bytes += b?.byteLength ?? 0;
    return got;
  }
  write(...a: Parameters<BlockStore['write']>): Promise<void> {
    return this.inner.write(...a);
  }
  deletePrefix(prefix: string): Promise<void> {
    return this.inner.deletePrefix(prefix);
  }
}

const DB = 'glimpse-forest-bench';
const FOREST = 'bench';

async function fetchBin(path: string): Promise<ArrayBuffer> {
  const r = await fetch(path);
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return r.arrayBuffer();
}

/** Streams the pack into IndexedDB: one short transaction per ~8 MB chunk, next chunk fetched meanwhile. */
async function load(cfg: Config): Promise<{ loadMs: number; bytes: number; slimBytes: number; slimMs: number }> {
  const db = await openForestDatabase(DB);
  const slimDb = cfg.slimRs.length ? await openSlimDb(true) : undefined;
  let slimBytes = 0, slimMs = 0;
  const store = new IdbForestStore(db, FOREST);
  await store.deletePrefix('');
  const t0 = performance.now();
  let bytes = 0;
  const per = 128;
  let next = fetchBin(`/__bench/blocks?from=0&count=${per}`);
  for (let from = 0; from < cfg.blockCount; from += per) {
    const buf = await next;
    if (from + per < cfg.blockCount) next = fetchBin(`/__bench/blocks?from=${from + per}&count=${per}`);
    const view = new DataView(buf);
    const puts: { key: string; bytes: Uint8Array }[] = [];
    for (let p = 0; p < buf.byteLength; ) {
      const kl = view.getUint16(p, true);
      const key = new TextDecoder().decode(new Uint8Array(buf, p + 2, kl));
      const len = view.getUint32(p + 2 + kl, true);
      puts.push({ key, bytes: new Uint8Array(buf.slice(p + 6 + kl, p + 6 + kl + len)) });
      p += 6 + kl + len;
      bytes += len;
    }
    await store.write(puts);
    if (slimDb) {
      const ts = performance.now();
      slimBytes += await writeSlim(slimDb, puts, cfg.dim);
      slimMs += performance.now() - ts;
    }
  }
  db.close();
  slimDb?.close();
  return { loadMs: performance.now() - t0 - slimMs, bytes, slimBytes, slimMs };
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function pass(f: Forest, counter: CountingStore, queries: Float32Array, truth: Int32Array, cfg: Config, searchK: number, cold: boolean) {
  const bytes0 = counter.bytes;
  const d = cfg.dim, times: number[] = [];
  const trace: SearchTrace = { leaves: 0, entries: 0, pageFetchRounds: 0, clock: () => performance.now() };
  let rec = 0, rounds = 0, descent = 0, leaves = 0;
  let busy = 0;
  for (let q = 0; q < cfg.queries; q++) {
    if (cold) f.releaseCache(); // every query starts with only the pinned node pages resident
    const s = performance.now();
    const hits = await f.search(queries.subarray(q * d, q * d + d), 10, { searchK, trees: cfg.trees, trace });
    const dt = performance.now() - s;
    busy += dt;
    times.push(dt);
    rounds += trace.pageFetchRounds;
    descent += trace.descentMs ?? 0;
    leaves += trace.leavesMs ?? 0;
    const t = new Set(truth.subarray(q * 10, q * 10 + 10));
    rec += hits.filter((h) => t.has(h.id)).length / 10;
  }
  times.sort((a, b) => a - b);
  return { recallAt10: rec / cfg.queries, qps: (cfg.queries * 1000) / busy, p50Ms: pct(times, 50), p99Ms: pct(times, 99), maxMs: times[times.length - 1], pageFetchRoundsPerQuery: rounds / cfg.queries, meanDescentMs: descent / cfg.queries, meanLeavesMs: leaves / cfg.queries, residentBytes: f.residentBytes(), bytesPerQuery: (counter.bytes - bytes0) / cfg.queries };
}

async function slimPass(sl: SlimSearcher, s: ForestState, counter: CountingStore, queries: Float32Array, truth: Int32Array, cfg: Config, searchK: number, R: number, cold: boolean) {
  const d = cfg.dim, times: number[] = [];
  const tr = {} as SlimTrace;
  let rec = 0, candRec = 0, rounds = 0, descent = 0, leaves = 0, codes = 0, busy = 0, slimBytes = 0, cands = 0;
  const bytes0 = counter.bytes;
  for (let q = 0; q < cfg.queries; q++) {
    if (cold) s.cache.dropUnpinned();
    const t = performance.now();
    const ids = await sl.search(queries.subarray(q * d, q * d + d), 10, searchK, cfg.trees, R, tr);
    const dt = performance.now() - t;
    busy += dt;
    times.push(dt);
    rounds += tr.pageFetchRounds;
    descent += tr.descentMs;
    leaves += tr.leavesMs;
    codes += tr.codesMs;
    slimBytes += tr.bytesRead;
    cands += tr.candidates;
    const want = new Set(truth.subarray(q * 10, q * 10 + 10));
    rec += ids.filter((id) => want.has(id)).length / 10;
    candRec += Array.from(tr.candidateSlots, (slot) => s.slotToId[slot]).filter((id) => want.has(id)).length / 10;
  }
  times.sort((a, b) => a - b);
  const n = cfg.queries;
  return { R, recallAt10: rec / n, candidateRecallAt10: candRec / n, candidatesPerQuery: cands / n, qps: (n * 1000) / busy, p50Ms: pct(times, 50), p99Ms: pct(times, 99), maxMs: times[times.length - 1], pageFetchRoundsPerQuery: rounds / n, meanDescentMs: descent / n, meanLeavesMs: leaves / n, meanCodesMs: codes / n, residentBytes: sl.residentBytes(), bytesPerQuery: (slimBytes + counter.bytes - bytes0) / n };
}

async function memory(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  const pm = (performance as unknown as { memory?: { usedJSHeapSize: number; totalJSHeapSize: number } }).memory;
  if (pm) {
    out.usedJSHeapSize = pm.usedJSHeapSize;
    out.totalJSHeapSize = pm.totalJSHeapSize;
  }
  const m = performance as unknown as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> };
  if (m.measureUserAgentSpecificMemory && crossOriginIsolated) {
    try {
      out.userAgentSpecificMemory = (await m.measureUserAgentSpecificMemory()).bytes;
    } catch (e) {
      out.userAgentSpecificMemory = String(e);
    }
  }
  return out;
}

async function run(cfg: Config) {
  const loaded = await load(cfg);
  const queries = new Float32Array(await fetchBin('/__bench/queries'));
  const truth = new Int32Array(await fetchBin('/__bench/truth'));
  const db = await openForestDatabase(DB);
  const t0 = performance.now();
  const counter = new CountingStore(new IdbForestStore(db, FOREST));
  const f = await Forest.open(counter, { memoryBudgetBytes: cfg.budgetBytes, pinnedNodeFraction: cfg.pinnedNodeFraction, leafReadChunk: cfg.leafReadChunk });
  const openMs = performance.now() - t0;
  const afterOpen = { residentBytes: f.residentBytes(), ...f.cacheStats() };
  const results = [];
  for (const searchK of cfg.searchKs) {
    const cold = await pass(f, counter, queries, truth, cfg, searchK, true);
    f.releaseCache();
    const firstPass = await pass(f, counter, queries, truth, cfg, searchK, false);
    const warm = await pass(f, counter, queries, truth, cfg, searchK, false);
    results.push({ searchK, cold, firstPass, warm, cache: f.cacheStats() });
  }
  f.releaseCache();
  const slim = [];
  if (cfg.slimRs.length) {
    // Its own state on the same blocks, opened like the Forest's (same budget and pinned pages);
    // slim leaves share its cache budget, codes are not cached.
    const slimCounter = new CountingStore(new IdbForestStore(db, FOREST));
    const s = await ForestState.open(slimCounter, { memoryBudgetBytes: cfg.budgetBytes, pinnedNodeFraction: cfg.pinnedNodeFraction, leafReadChunk: cfg.leafReadChunk });
    const slimDb = await openSlimDb(false);
    const sl = new SlimSearcher(s, slimDb, cfg.leafReadChunk);
    for (const searchK of cfg.searchKs) {
      for (const R of cfg.slimRs) {
        const cold = await slimPass(sl, s, slimCounter, queries, truth, cfg, searchK, R, true);
        s.cache.dropUnpinned();
        const firstPass = await slimPass(sl, s, slimCounter, queries, truth, cfg, searchK, R, false);
        const warm = await slimPass(sl, s, slimCounter, queries, truth, cfg, searchK, R, false);
        slim.push({ searchK, R, cold, firstPass, warm });
        console.log(`slim searchK=${searchK} R=${R}: recall ${warm.recallAt10.toFixed(4)} (candidates ${cold.candidateRecallAt10.toFixed(4)}); cold p50 ${cold.p50Ms.toFixed(2)} p99 ${cold.p99Ms.toFixed(2)} (descent ${cold.meanDescentMs.toFixed(2)}, leaves ${cold.meanLeavesMs.toFixed(2)}, codes ${cold.meanCodesMs.toFixed(2)}), ${(cold.bytesPerQuery / 1024).toFixed(0)} KiB/q; warm p50 ${warm.p50Ms.toFixed(2)} p99 ${warm.p99Ms.toFixed(2)}, ${(warm.bytesPerQuery / 1024).toFixed(0)} KiB/q`);
        s.cache.dropUnpinned();
      }
    }
    slimDb.close();
  }
  const mem = await memory();
  db.close();
  return { loaded, openMs, afterOpen, results, slim, memory: mem, crossOriginIsolated, userAgent: navigator.userAgent };
}

(window as unknown as { forestBench: typeof run }).forestBench = run;
document.getElementById('status')!.textContent = 'ready';
