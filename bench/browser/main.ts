// Runs in headless Chromium: loads the Node-built forest blocks into real
// IndexedDB through IdbForestStore, then times queries against it.
import { Forest, type BlockStore, type SearchTrace } from '../../src/core/forest/index.ts';
import { IdbForestStore, openForestDatabase } from '../../src/storage/forest-idb-store.ts';

interface Config {
  /** The kept profile already holds these blocks (bench/index-browser.ts --profile): no load. */
  reuseLoad: boolean;
  blockCount: number;
  dim: number;
  queries: number;
  budgetBytes: number;
  trees: number;
  searchKs: number[];
  pinnedNodeFraction: number;
  leafReadChunk: number;
  /** Pause between the end of the load and the first query (IndexedDB settles its writes). */
  settleMs: number;
  /** Also time cold and warm passes with earlyRead: false (the first vector read waits for every leaf). */
  compareEarly: boolean;
  /** Other earlyRead stages (shares of the leaf entries) to time cold and warm beside the default. */
  earlyStages: number[][];
  /** Then reopen with this budget (0: no) and time cold and warm passes again, same page and data. */
  alsoBudgetBytes: number;
}

/** Block kind from its key `g{gen}/{kind}/…`: n = node page, l = leaf, v = vector, else meta/directory. */
const kindOf = (key: string): 'node' | 'leaf' | 'vector' | 'other' => {
  const k = key.split('/')[1];
  return k === 'n' ? 'node' : k === 'l' ? 'leaf' : k === 'v' ? 'vector' : 'other';
};

/** Counts bytes the forest reads from IndexedDB, in total and per block kind. */
class CountingStore implements BlockStore {
  bytes = 0;
  byKind = { node: 0, leaf: 0, vector: 0, other: 0 };
  constructor(private readonly inner: BlockStore) {}
  async read(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    const got = await this.inner.read(keys);
    got.forEach((b, i) => {
      const len = b?.byteLength ?? 0;
      this.bytes += len;
      this.byKind[kindOf(keys[i])] += len;
    });
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
async function load(cfg: Config): Promise<{ loadMs: number; bytes: number }> {
  const db = await openForestDatabase(DB);
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
  }
  db.close();
  return { loadMs: performance.now() - t0, bytes };
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function pass(f: Forest, counter: CountingStore, queries: Float32Array, truth: Int32Array, cfg: Config, searchK: number, cold: boolean, earlyRead: boolean | number[] = true) {
  const bytes0 = counter.bytes, kind0 = { ...counter.byKind };
  const d = cfg.dim, times: number[] = [];
  const trace: SearchTrace = { leaves: 0, entries: 0, pageFetchRounds: 0, clock: () => performance.now() };
  let rec = 0, rounds = 0, descent = 0, leaves = 0, vectors = 0, reranked = 0, vectorReads = 0, entries = 0, leafCount = 0;
  let busy = 0;
  for (let q = 0; q < cfg.queries; q++) {
    if (cold) f.releaseCache(); // every query starts with only the pinned node pages resident
    const s = performance.now();
    const hits = await f.search(queries.subarray(q * d, q * d + d), 10, { searchK, trees: cfg.trees, trace, earlyRead });
    const dt = performance.now() - s;
    busy += dt;
    times.push(dt);
    rounds += trace.pageFetchRounds;
    descent += trace.descentMs ?? 0;
    leaves += trace.leavesMs ?? 0;
    vectors += trace.vectorsMs ?? 0;
    reranked += trace.reranked ?? 0;
    vectorReads += trace.vectorReads ?? 0;
    entries += trace.entries;
    leafCount += trace.leaves;
    const t = new Set(truth.subarray(q * 10, q * 10 + 10));
    rec += hits.filter((h) => t.has(h.id)).length / 10;
  }
  times.sort((a, b) => a - b);
  const n = cfg.queries;
  const k = counter.byKind;
  return {
    recallAt10: rec / n, qps: (n * 1000) / busy, p50Ms: pct(times, 50), p99Ms: pct(times, 99), maxMs: times[times.length - 1],
    pageFetchRoundsPerQuery: rounds / n, meanDescentMs: descent / n, meanLeavesMs: leaves / n, meanVectorsMs: vectors / n,
    leavesPerQuery: leafCount / n, entriesPerQuery: entries / n, rerankedPerQuery: reranked / n, vectorReadsPerQuery: vectorReads / n,
    residentBytes: f.residentBytes(), bytesPerQuery: (counter.bytes - bytes0) / n,
    bytesPerQueryByKind: { node: (k.node - kind0.node) / n, leaf: (k.leaf - kind0.leaf) / n, vector: (k.vector - kind0.vector) / n, other: (k.other - kind0.other) / n },
  };
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

/**
 * What one store read of random vector blocks, or of random leaves, costs with nothing else
 * running: the floor under a query's vectors and leaves steps (median of 20 reads each).
 */
async function readProbe(store: BlockStore, n: number, leafSize: number): Promise<Record<string, { p50Ms: number; usPerBlock: number }>> {
  const out: Record<string, { p50Ms: number; usPerBlock: number }> = {};
  const rand = (m: number): number => Math.floor(Math.random() * m);
  const kinds = {
    vector: (): string => `g1/v/${rand(n)}`,
    // Leaves of the first half of each tree's ids exist whatever the splits did.
    leaf: (): string => `g1/l/${rand(16)}/${rand(Math.max(1, Math.floor(n / leafSize / 2)))}`,
  };
  for (const [kind, key] of Object.entries(kinds)) {
    for (const count of [16, 64, 128]) {
      const times: number[] = [];
      for (let r = 0; r < 20; r++) {
        const keys = Array.from({ length: count }, key);
        const t = performance.now();
        await store.read(keys);
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      out[`${kind}x${count}`] = { p50Ms: pct(times, 50), usPerBlock: (pct(times, 50) * 1000) / count };
    }
  }
  return out;
}

async function run(cfg: Config) {
  const loaded = cfg.reuseLoad ? { loadMs: 0, bytes: 0 } : await load(cfg);
  await new Promise((r) => setTimeout(r, cfg.settleMs));
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
    // With compareEarly, the passes that wait for every leaf run beside the default ones.
    const waitCold = cfg.compareEarly ? await pass(f, counter, queries, truth, cfg, searchK, true, false) : undefined;
    const cold = await pass(f, counter, queries, truth, cfg, searchK, true);
    const stages = [];
    for (const at of cfg.earlyStages) stages.push({ at, cold: await pass(f, counter, queries, truth, cfg, searchK, true, at) });
    f.releaseCache();
    const firstPass = await pass(f, counter, queries, truth, cfg, searchK, false);
    const warm = await pass(f, counter, queries, truth, cfg, searchK, false);
    const waitWarm = cfg.compareEarly ? await pass(f, counter, queries, truth, cfg, searchK, false, false) : undefined;
    const stagesWarm = [];
    for (const st of stages) stagesWarm.push({ ...st, warm: await pass(f, counter, queries, truth, cfg, searchK, false, st.at) });
    results.push({ searchK, cold, firstPass, warm, cache: f.cacheStats(), waitCold, waitWarm, stages: stagesWarm });
  }
  f.releaseCache();
  const also = [];
  if (cfg.alsoBudgetBytes > 0) {
    const g = await Forest.open(counter, { memoryBudgetBytes: cfg.alsoBudgetBytes, pinnedNodeFraction: cfg.pinnedNodeFraction, leafReadChunk: cfg.leafReadChunk });
    for (const searchK of cfg.searchKs) {
      const cold = await pass(g, counter, queries, truth, cfg, searchK, true);
      const warm = await pass(g, counter, queries, truth, cfg, searchK, false);
      also.push({ searchK, cold, warm, cache: g.cacheStats() });
    }
  }
  const probe = await readProbe(new IdbForestStore(db, FOREST), f.size, f.meta.leafSize);
  const mem = await memory();
  db.close();
  return { loaded, openMs, afterOpen, results, also, readProbe: probe, memory: mem, crossOriginIsolated, userAgent: navigator.userAgent };
}

(window as unknown as { forestBench: typeof run }).forestBench = run;
document.getElementById('status')!.textContent = 'ready';
