// The synthetic library for query latency at scale, written in the app's own IndexedDB schema:
// `images` rows whose records are built from real human captions (cycled, so the lexical postings
// have a realistic vocabulary and length), the lexical index's snapshot (as the app saves it while
// it indexes), plus the 'text' and 'visual' forests bulk-built with
// buildForest over random unit vectors of the models' dimensions (a real analysis of 100k photos
// is out of reach here). Thumbnails and the int8 `vectors` rows are not written: text search never
// reads them. Runs in Node (fake-indexeddb) and in a browser worker (real IndexedDB).
import { buildForest } from '../../src/core/forest/index.ts';
import { analyzeRecord } from '../../src/core/text/analyze.ts';
import { buildRecord, FULL_OPTIONS, LexicalIndex, toSnapshot, type AnalyticsRecord, type ModelIds } from '../../src/core/text/index.ts';
import type { DocData } from '../../src/core/text/lexical-types.ts';
import { writeLexicalSnapshot } from '../../src/storage/lexical-store.ts';
import { IdbForestStore } from '../../src/storage/forest-idb-store.ts';
import type { GlimpseDB } from '../../src/storage/library-store.ts';
import type { ImageRow } from '../../src/storage/rows.ts';

export interface CaptionedEntry {
  file: string;
  captions: string[];
}

/** Caption #5 of every photo is never indexed: it is the query that looks for that photo. */
export const HELD_OUT = 4;

export interface SeedSpec {
  /** Rows and 'text' forest vectors. */
  n: number;
  textDim: number;
  /** Vectors in the 'visual' forest (0: no visual forest). */
  visualN: number;
  visualDim: number;
  seed: number;
  models: ModelIds;
  /** Write the lexical index's snapshot (default true); false: the app rebuilds it at first open. */
  lexicalSnapshot?: boolean;
}

export interface SeedReport {
  n: number;
  distinctRecords: number;
  recordsMs: number;
  rowsMs: number;
  /** Lexical index built and its snapshot written (what the app's Library saves after indexing). */
  lexicalMs: number;
  textForestMs: number;
  visualForestMs: number;
}

/** Held-out captions, one per photo, in file order. */
export function heldOutQueries(entries: readonly CaptionedEntry[]): string[] {
  return entries.map((e) => e.captions[HELD_OUT] ?? e.captions[e.captions.length - 1] ?? '').filter((q) => q.length > 0);
}

/**
 * Row i describes photo i mod P with 3 of its 4 indexed captions (which one is left out changes
 * each cycle), so up to 4·P distinct records, like an analysis with captionCount 3.
 */
export function recordSource(
  entries: readonly CaptionedEntry[],
  models: ModelIds,
): { recordOf(i: number): AnalyticsRecord; distinct(): number } {
  const cache = new Map<number, AnalyticsRecord>();
  const p = entries.length;
  return {
    recordOf(i) {
      const photo = i % p;
      const omit = Math.floor(i / p) % 4;
      const key = photo * 4 + omit;
      let r = cache.get(key);
      if (!r) {
        const indexed = entries[photo]!.captions.filter((_, j) => j !== HELD_OUT).slice(0, 4);
        r = buildRecord(indexed.length > 3 ? indexed.filter((_, j) => j !== omit) : indexed, models);
        cache.set(key, r);
      }
      return r;
    },
    distinct: () => cache.size,
  };
}

/** Deterministic standard normals (mulberry32 + Box–Muller). */
function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** n unit vectors, uniformly spread on the sphere, row-major. */
export function randomUnitRows(n: number, dim: number, seed: number): Float32Array {
  const g = gaussian(seed);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let ss = 0;
    for (let d = 0; d < dim; d++) {
      const x = g();
      out[i * dim + d] = x;
      ss += x * x;
    }
    const inv = 1 / Math.sqrt(ss);
    for (let d = 0; d < dim; d++) out[i * dim + d]! *= inv;
  }
  return out;
}

const ROW_BATCH = 2000;

/** Fills an empty library database. Ids are 1…n, as the app would have given them. */
export async function seedLibrary(
  db: GlimpseDB,
  entries: readonly CaptionedEntry[],
  spec: SeedSpec,
  log: (s: string) => void = () => {},
): Promise<SeedReport> {
  const now = (): number => performance.now();
  const records = recordSource(entries, spec.models);
  let t = now();
  for (let i = 0; i < Math.min(spec.n, entries.length * 4); i++) records.recordOf(i);
  const recordsMs = now() - t;
  log(`seed: ${records.distinct()} distinct records in ${Math.round(recordsMs)} ms`);

  t = now();
  const addedAt = Date.UTC(2024, 0, 1);
  for (let start = 0; start < spec.n; start += ROW_BATCH) {
    const tx = db.transaction('images', 'readwrite');
    const pending: Promise<unknown>[] = [];
    for (let i = start; i < Math.min(spec.n, start + ROW_BATCH); i++) {
      const entry = entries[i % entries.length]!;
      const name = entry.file.split('/').pop() ?? entry.file;
      const row: ImageRow = {
        id: i + 1,
        sha256: `bench${i.toString(16).padStart(59, '0')}`,
        name: `${Math.floor(i / entries.length)}-${name}`,
        path: `bench/${Math.floor(i / entries.length)}/${name}`,
        size: 100_000,
        type: 'image/jpeg',
        width: 500,
        height: 375,
        addedAt: addedAt + i,
        takenAt: addedAt + i,
        // As indexing writes it: captionsAsked is what the stale count (schema v3 index) reads.
        record: { ...records.recordOf(i), captionsAsked: records.recordOf(i).captions.length },
      };
      pending.push(tx.store.put(row));
    }
    pending.push(tx.done);
    await Promise.all(pending);
  }
  const rowsMs = now() - t;
  log(`seed: ${spec.n} rows in ${Math.round(rowsMs)} ms`);

  t = now();
  if (spec.lexicalSnapshot !== false) {
    // Records repeat (see recordSource): analyse each distinct one once.
    const analysed = new Map<AnalyticsRecord, DocData>();
    const index = new LexicalIndex(FULL_OPTIONS);
    for (let i = 0; i < spec.n; i++) {
      const r = records.recordOf(i);
      let data = analysed.get(r);
      if (!data) analysed.set(r, (data = analyzeRecord(r, FULL_OPTIONS.analyzer)));
      index.addAnalysed(i + 1, data);
    }
    await writeLexicalSnapshot(db, toSnapshot(index), spec.n + 1);
  }
  const lexicalMs = now() - t;
  if (spec.lexicalSnapshot !== false) log(`seed: lexical index snapshot written in ${Math.round(lexicalMs)} ms`);

  const ids = Uint32Array.from({ length: spec.n }, (_, i) => i + 1);
  t = now();
  // The same build options as ForestSlot (defaults, seed 1): 10 trees.
  const progress = (name: string) => ({
    onProgress: (done: number, all: number) => log(`seed: '${name}' forest tree ${done}/${all} (${Math.round(now() - t)} ms)`),
  });
  await buildForest(
    new IdbForestStore(db as never, 'text'),
    { dim: spec.textDim, ids, vectors: randomUnitRows(spec.n, spec.textDim, spec.seed) },
    { seed: 1 },
    progress('text'),
  );
  const textForestMs = now() - t;
  log(`seed: 'text' forest (${spec.n}×${spec.textDim}) built and written in ${Math.round(textForestMs)} ms`);

  t = now();
  if (spec.visualN > 0) {
    const vids = ids.subarray(0, Math.min(spec.visualN, spec.n));
    await buildForest(
      new IdbForestStore(db as never, 'visual'),
      { dim: spec.visualDim, ids: vids, vectors: randomUnitRows(vids.length, spec.visualDim, spec.seed + 1) },
      { seed: 1 },
      progress('visual'),
    );
  }
  const visualForestMs = now() - t;
  if (spec.visualN > 0)
    log(
      `seed: 'visual' forest (${Math.min(spec.visualN, spec.n)}×${spec.visualDim}) built and written in ${Math.round(visualForestMs)} ms`,
    );
  return { n: spec.n, distinctRecords: records.distinct(), recordsMs, rowsMs, lexicalMs, textForestMs, visualForestMs };
}
