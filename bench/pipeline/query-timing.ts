// Query latency over an opened library, as the analysis worker answers a text search: embed the
// query, search the 'text' forest, search the lexical index, fuse, read the result rows
// (Library.searchText). Shared by the Node run and the browser bench worker.
import { Forest } from '../../src/core/forest/index.ts';
import { DEFAULT_TEXT_SEARCH } from '../../src/core/search/index.ts';
import { fromSnapshot, FULL_OPTIONS, LexicalIndex, type LexicalSnapshot } from '../../src/core/text/index.ts';
import { LEXICAL_META_KEY } from '../../src/storage/lexical-store.ts';
import { allRows } from '../../src/storage/library-store.ts';
import type { Embedder } from '../../src/ml/embedder.ts';
import { IdbForestStore } from '../../src/storage/forest-idb-store.ts';
import type { Library } from '../../workers/lib/library.ts';
import { countStale } from '../../workers/lib/refresh.ts';
import { CAPTIONER_ID, EMBEDDER_ID } from './models.ts';
import { dist, type Dist } from './stats.ts';

/** What the UI asks for (bridge.search's default limit). */
export const RESULT_LIMIT = 60;
/** ForestSlot's budget: the component timing opens its own forest the same way. */
const FOREST_BUDGET = 32 << 20;

export interface WarmReport {
  queries: number;
  /** embed + Library.searchText, per query. */
  total: Dist;
  embed: Dist;
  /** Library.searchText alone (forest + lexical + fusion + rows). */
  search: Dist;
  /** Components, timed apart: the 'text' forest search alone, and searchText without a vector (lexical + fusion + rows). */
  forest: Dist;
  lexicalAndRows: Dist;
  meanResults: number;
  open: OpenBreakdown;
}

export interface ColdReport {
  openMs: number;
  embedderLoadMs: number;
  queryMs: number;
  /** open + load + first query (the caller may add worker start-up). */
  totalMs: number;
  results: number;
}

const now = (): number => performance.now();

export async function warmQueries(
  library: Library,
  embedder: Embedder,
  queries: readonly string[],
  warmup: readonly string[],
): Promise<WarmReport> {
  for (const q of warmup) await library.searchText(q, await embedder.embed([q]), RESULT_LIMIT);
  const total: number[] = [],
    embed: number[] = [],
    search: number[] = [];
  const vectors: Float32Array[] = [];
  let results = 0;
  for (const q of queries) {
    const t0 = now();
    const v = await embedder.embed([q]);
    const t1 = now();
    const rows = await library.searchText(q, v, RESULT_LIMIT);
    const t2 = now();
    total.push(t2 - t0);
    embed.push(t1 - t0);
    search.push(t2 - t1);
    vectors.push(v);
    results += rows.length;
  }
  // Components, in separate passes so each is warm on its own.
  const forestOnly = await Forest.open(new IdbForestStore(library.db as never, 'text'), { memoryBudgetBytes: FOREST_BUDGET });
  for (const v of vectors.slice(0, warmup.length)) await forestOnly.search(v, DEFAULT_TEXT_SEARCH.limit);
  const forest: number[] = [];
  for (const v of vectors) {
    const t0 = now();
    await forestOnly.search(v, DEFAULT_TEXT_SEARCH.limit);
    forest.push(now() - t0);
  }
  const lexical: number[] = [];
  for (const q of queries) {
    const t0 = now();
    await library.searchText(q, undefined, RESULT_LIMIT);
    lexical.push(now() - t0);
  }
  const open = await openBreakdown(library);
  return {
    open,
    queries: queries.length,
    total: dist(total),
    embed: dist(embed),
    search: dist(search),
    forest: dist(forest),
    lexicalAndRows: dist(lexical),
    meanResults: results / Math.max(1, queries.length),
  };
}

export interface OpenBreakdown {
  /** The lexical index's snapshot: its `meta` row read (structured clone of its arrays). NaN: none stored. */
  snapshotReadMs: number;
  /** fromSnapshot: checked and turned into an index (NaN: none, or unusable). */
  snapshotLoadMs: number;
  snapshotBytes: number;
  /** The `images` keys, which the snapshot is reconciled with. */
  keysMs: number;
  /** Fallback without a usable snapshot: store.allRows, every image row read back (records inline)... */
  readRowsMs: number;
  /** ...and the LexicalIndex rebuilt from those records. */
  lexicalBuildMs: number;
  /** Both forests opened (meta, slot tables, pinned node pages), ForestSlot's budget. */
  forestsOpenMs: number;
  /** countStale as the app runs it at open and around each re-analysis pass (v3: index counts). */
  staleCountMs: number;
  rows: number;
}

/** What Library.open spends its time on, step by step (run after the timed queries). */
export async function openBreakdown(library: Library): Promise<OpenBreakdown> {
  let t = now();
  const meta = await library.db.get('meta', LEXICAL_META_KEY);
  const snapshotReadMs = meta ? now() - t : NaN;
  const snapshot = (meta?.value as { snapshot?: LexicalSnapshot } | undefined)?.snapshot;
  let snapshotLoadMs = NaN;
  t = now();
  try {
    fromSnapshot(snapshot, FULL_OPTIONS);
    snapshotLoadMs = now() - t;
  } catch {
    // none stored, or stale: Library.open rebuilds (readRowsMs + lexicalBuildMs)
  }
  const arrays = snapshot
    ? [
        snapshot.ids,
        snapshot.lengths,
        snapshot.docOffsets,
        snapshot.docText,
        snapshot.postingOffsets,
        snapshot.postingSlots,
        snapshot.postingTf,
      ]
    : [];
  const snapshotBytes =
    arrays.reduce((sum, a) => sum + (a?.byteLength ?? 0), 0) + 2 * ((snapshot?.words.length ?? 0) + (snapshot?.terms.length ?? 0));
  t = now();
  await library.db.getAllKeys('images');
  const keysMs = now() - t;
  t = now();
  const rows = await allRows(library.db);
  const readRowsMs = now() - t;
  t = now();
  const lexical = new LexicalIndex(FULL_OPTIONS);
  for (const row of rows) lexical.add(row.id, row.record);
  const lexicalBuildMs = now() - t;
  t = now();
  for (const name of ['text', 'visual']) {
    try {
      await Forest.open(new IdbForestStore(library.db as never, name), { memoryBudgetBytes: FOREST_BUDGET });
    } catch (e) {
      if ((e as Error).name !== 'ForestNotFoundError') throw e;
    }
  }
  const forestsOpenMs = now() - t;
  t = now();
  await countStale(library, { captioner: CAPTIONER_ID, embedder: EMBEDDER_ID, captionCount: 3, reindex: false });
  const staleCountMs = now() - t;
  return { snapshotReadMs, snapshotLoadMs, snapshotBytes, keysMs, readRowsMs, lexicalBuildMs, forestsOpenMs, staleCountMs, rows: rows.length };
}

/** First query in a fresh worker/process: open the library, load the embedder, search once. */
export async function coldQuery(
  open: () => Promise<Library>,
  loadEmbedder: () => Promise<Embedder>,
  query: string,
): Promise<ColdReport & { library: Library; embedder: Embedder }> {
  const t0 = now();
  const library = await open();
  const t1 = now();
  const embedder = await loadEmbedder();
  const t2 = now();
  const rows = await library.searchText(query, await embedder.embed([query]), RESULT_LIMIT);
  const t3 = now();
  return { openMs: t1 - t0, embedderLoadMs: t2 - t1, queryMs: t3 - t2, totalMs: t3 - t0, results: rows.length, library, embedder };
}
