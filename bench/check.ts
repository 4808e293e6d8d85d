// bench:check — the library consistency check ("Check library") at a large library: its time and
// its peak memory, streamed (the check the app runs) against holding every forest block and
// stored vector at once (how it read them before), side by side in one process.
// The library is generated (records, thumbnails, int8 vectors at the real 384-d text and 768-d
// visual sizes, both forests built over them) in fake-indexeddb, the same code paths as the
// worker's but Node's IndexedDB: its times are not Chromium's (bench:ui times the check there).
// Memory is sampled every 5 ms (heap + external, i.e. ArrayBuffers) after a forced GC and taken
// relative to what was in use before the run, so fake-indexeddb's own copy of the data is left out.
// Usage: npm run bench:check [-- --n 100000 --no-held]
import 'fake-indexeddb/auto';
import { performance } from 'node:perf_hooks';
import { buildForest } from '../src/core/forest/index.ts';
import { inspectForest } from '../src/core/forest/inspect.ts';
import { createRng } from '../src/core/forest/rng.ts';
import { quantizeRows } from '../src/core/forest/vector-math.ts';
import { buildRecord } from '../src/core/text/record.ts';
import { openGlimpseDB, type GlimpseDB } from '../src/storage/db.ts';
import { FOREST_BLOCKS, IdbForestStore } from '../src/storage/forest-idb-store.ts';
import { checkLibrary } from '../workers/lib/consistency.ts';
import { parseArgs } from './lib/args.ts';

const args = parseArgs(process.argv.slice(2));
const N = Number(args.get('n') ?? 100_000);
const HELD = args.get('held') !== 'false';
const DIMS = { text: 384, visual: 768 } as const;
const BATCH = 1000;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run bench:check does)');
const mb = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MB`;
const used = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

/** Writes N images (row, thumbnail, vectors) and builds both forests over their vectors. */
async function generate(db: GlimpseDB): Promise<void> {
  const rng = createRng(19);
  const t0 = performance.now();
  for (const [forest, dim] of Object.entries(DIMS) as ['text' | 'visual', number][]) {
    const floats = new Float32Array(N * dim);
    for (let i = 0; i < floats.length; i++) floats[i] = rng.gauss();
    const codes = new Int8Array(N * dim), scales = new Float32Array(N);
    quantizeRows(floats, dim, codes, scales);
    for (let from = 0; from < N; from += BATCH) {
      const tx = db.transaction(forest === 'text' ? ['images', 'thumbs', 'vectors'] : ['vectors'], 'readwrite');
      const writes: Promise<unknown>[] = [];
      for (let i = from; i < Math.min(N, from + BATCH); i++) {
        const id = i + 1;
        if (forest === 'text') {
          const name = `photo-${id}.jpg`;
          writes.push(tx.objectStore('images').put({ id, sha256: id.toString(16).padStart(64, '0'), name, path: `trip/${name}`, size: 120_000, type: 'image/jpeg', width: 1600, height: 1200, addedAt: id, takenAt: id, record: buildRecord([`a dog number ${id} runs on the grass by a red house`], { captioner: 'c', embedder: 'e' }) }));
          writes.push(tx.objectStore('thumbs').put(new Blob([new Uint8Array(64)], { type: 'image/webp' }), id));
          writes.push(tx.objectStore('vectors').put({ text: codes.slice(i * dim, (i + 1) * dim), textScale: scales[i]!, visual: new Int8Array(0), visualScale: 0 }, id));
        } else {
          const store = tx.objectStore('vectors');
          writes.push(store.get(id).then((row) => store.put({ ...row!, visual: codes.slice(i * dim, (i + 1) * dim), visualScale: scales[i]! }, id)));
        }
      }
      await Promise.all([...writes, tx.done]);
    }
    await buildForest(new IdbForestStore(db, forest), { dim, ids: Array.from({ length: N }, (_, i) => i + 1), vectors: floats }, { seed: 1 });
  }
  console.log(`generated ${N} images, both forests built: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

/** Runs `fn` with memory sampled: its time and the peak above what was in use before. */
async function measure<T>(label: string, fn: () => Promise<T>): Promise<T> {
  gc!();
  const base = used();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, used())), 5);
  const t0 = performance.now();
  const out = await fn();
  const ms = performance.now() - t0;
  peak = Math.max(peak, used());
  clearInterval(timer);
  console.log(`${label}: ${(ms / 1000).toFixed(1)} s, peak memory +${mb(peak - base)} over ${mb(base)} in use before`);
  return out;
}

/** How the check read forests before: every block and every stored vector held at once. */
async function heldForestCheck(db: GlimpseDB): Promise<number> {
  const tx = db.transaction([FOREST_BLOCKS, 'vectors']);
  const [keys, blocks, vectors] = await Promise.all([tx.objectStore(FOREST_BLOCKS).getAllKeys(), tx.objectStore(FOREST_BLOCKS).getAll(), tx.objectStore('vectors').getAll(), tx.done]);
  const forests = new Map<string, Map<string, Uint8Array>>();
  keys.forEach(([forest, key], i) => {
    if (!forests.has(forest)) forests.set(forest, new Map());
    forests.get(forest)!.set(key, new Uint8Array(blocks[i] as ArrayBuffer));
  });
  let issues = 0;
  for (const m of forests.values()) issues += inspectForest(m).issues.length;
  return issues + (vectors.length === N ? 0 : 1);
}

async function main(): Promise<void> {
  const db = await openGlimpseDB(`bench-check-${N}`);
  await generate(db);
  const report = await measure(`streamed check (checkLibrary) at ${N} photos`, () => checkLibrary(db));
  console.log(`  ${report.problems.length} problem(s); counts ${JSON.stringify(report.counts)}`);
  if (report.problems.length) console.log(`  first: ${report.problems[0]!.kind}: ${report.problems[0]!.detail}`);
  if (HELD) {
    const issues = await measure(`every block and vector held (forest part only, as before) at ${N} photos`, () => heldForestCheck(db));
    console.log(`  ${issues} issue(s)`);
  }
  db.close();
}

await main();
