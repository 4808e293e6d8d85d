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
  /**
   * The lexical half's first screenful as results (rows read), shown while the vector half still
   * runs; not kept for fillResults. A pack has it (its forest is read over HTTP: seconds at first,
   * hundreds of ms later); the own library has not (its answer comes in tens of ms once warm).
   */
  previewText?(query: PreparedText): Promise<ResultRow[]>;
}

/** A search whose answer has not come this long after it started shows its keyword results first (onPreview). */
export const PREVIEW_AFTER_MS = 150;

export async function textQuery(
  query: string,
  limit: number,
  library: () => Promise<TextSearchable>,
  embedder: (() => Promise<QueryEmbedder>) | undefined,
  signal: AbortSignal,
  onPreview?: (rows: ResultRow[]) => void,
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
  const answer = Promise.all([lexical, embedded]).then(([{ l, text }, vector]) => l.searchText(text, vector, limit, signal, clock));
  if (onPreview) void preview(lexical, answer, clock, signal, onPreview);
  const rows = await answer;
  markFirst('search-done');
  clock.done();
  return rows;
}

/** Sends the keyword half's results once it is ready, if the answer is still PREVIEW_AFTER_MS or more from the start away. */
async function preview(
  lexical: Promise<{ l: TextSearchable; text: PreparedText }>,
  answer: Promise<ResultRow[]>,
  clock: StepClock,
  signal: AbortSignal,
  onPreview: (rows: ResultRow[]) => void,
): Promise<void> {
  let answered = false;
  const settled = answer.then(
    () => (answered = true),
    () => (answered = true), // the answer's error is told by textQuery's await
  );
  try {
    const { l, text } = await lexical;
    if (!l.previewText) return;
    const wait = PREVIEW_AFTER_MS - clock.since();
    if (wait > 0) await Promise.race([settled, new Promise((r) => setTimeout(r, wait))]);
    if (answered || signal.aborted) return;
    const rows = await l.previewText(text);
    if (!answered && !signal.aborted) onPreview(rows);
  } catch {
    // A preview is optional: the search's own answer tells its errors.
  }
}
