// One text search, composed: the embedder's vector and the library's lexical ranking are prepared
// side by side (a text search never waits for the captioner), then fused by the library. Without
// the embedder the lexical index still answers (keyword search) and the page is told why. The
// first search of a worker marks each step (bench:pipeline prints them).
import type { QueryEmbedder } from './query-side';
import type { PreparedText, ResultRow } from './ranking';
import { watchVectorSide } from './keyword-only';
import { markFirst } from './search-warmup';
import { StepClock } from './search-steps';

/** What both the person's library and an open pack offer a text search. */
export interface TextSearchable {
  prepareText(query: string): PreparedText | Promise<PreparedText>;
  searchText(query: PreparedText, vector: Float32Array | undefined, limit: number, signal?: AbortSignal, clock?: StepClock): Promise<ResultRow[]>;
  /** Starts the vector half as soon as the vector is there, beside the lexical half (a pack: its reads go out sooner). */
  startVector?(vector: Float32Array): void;
}

export async function textQuery(
  query: string,
  limit: number,
  library: () => Promise<TextSearchable>,
  embedder: (() => Promise<QueryEmbedder>) | undefined,
  signal: AbortSignal,
): Promise<ResultRow[]> {
  markFirst('search-start');
  const clock = new StepClock();
  const embed = async (e: QueryEmbedder): Promise<Float32Array> => {
    markFirst('embedder-ready');
    const t = performance.now();
    const v = await e.embed([query], signal);
    clock.steps.embed = performance.now() - t;
    clock.steps.queryWorker = e.remote ? 1 : 0;
    markFirst('vector-ready');
    clock.steps.vector = clock.since();
    return v;
  };
  const embedded = embedder ? watchVectorSide(embedder()).then(embed, () => undefined) : undefined;
  // The embedder is asked first, as before: its load is the longer of the two.
  const opened = library();
  const lexical = opened.then(async (l) => {
    const t = performance.now();
    const text = await l.prepareText(query);
    clock.steps.prepare = performance.now() - t;
    markFirst('lexical-ready');
    clock.steps.lexical = clock.since();
    return { l, text };
  });
  if (embedded) {
    void Promise.all([opened, embedded]).then(
      ([l, v]) => v && !signal.aborted && l.startVector?.(v),
      () => {}, // told by the awaits below
    );
  }
  const [{ l, text }, vector] = await Promise.all([lexical, embedded]);
  const rows = await l.searchText(text, vector, limit, signal, clock);
  markFirst('search-done');
  clock.done();
  return rows;
}
