// Text -> image retrieval evaluation over a captioned folder (captions.json).
// Shared by bench/eval.ts, bench/eval-model.ts and the unit tests. Rankers: lexical (bm25 or
// full), vector (brute-force cosine over embedded records) and fused (the app's fuseTextSearch).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fuseTextSearch, type TextSearchOptions } from '../src/core/search/text-search.ts';
import { LexicalIndex } from '../src/core/text/lexical-index.ts';
import type { LexicalHit, LexicalOptions } from '../src/core/text/lexical-types.ts';
import { analyzeQuery } from '../src/core/text/query.ts';
import { buildRecord, type AnalyticsRecord, type ModelIds } from '../src/core/text/record.ts';

export interface CaptionedItem {
  readonly file: string;
  readonly captions: readonly string[];
}

export interface EvalQuery {
  readonly text: string;
  readonly target: number;
}

export interface EvalSplit {
  readonly records: ReadonlyMap<number, AnalyticsRecord>;
  readonly queries: readonly EvalQuery[];
}

export interface Metrics {
  readonly images: number;
  readonly queries: number;
  readonly recallAt1: number;
  readonly recallAt5: number;
  readonly recallAt10: number;
  readonly mrr: number;
}

export function loadCaptioned(dir: string): CaptionedItem[] {
  const raw: unknown = JSON.parse(readFileSync(join(dir, 'captions.json'), 'utf8'));
  if (!Array.isArray(raw)) throw new Error(`${dir}/captions.json: expected a list`);
  return raw.map((e: { file?: unknown; captions?: unknown }, i) => {
    if (typeof e.file !== 'string' || !Array.isArray(e.captions) || !e.captions.every((c) => typeof c === 'string')) {
      throw new Error(`${dir}/captions.json: entry ${i} is not {file, captions[]}`);
    }
    return { file: e.file, captions: e.captions as string[] };
  });
}

/**
 * oracle:N — the first N human captions are the image's text (its record); the
 * remaining captions are queries whose target is that image. Image ids are the
 * positions in captions.json, so a range gives non-contiguous-from-zero ids.
 */
export function oracleSplit(items: readonly CaptionedItem[], n: number, range: readonly [number, number] = [0, items.length]): EvalSplit {
  const records = new Map<number, AnalyticsRecord>();
  const queries: EvalQuery[] = [];
  for (let id = range[0]; id < Math.min(range[1], items.length); id++) {
    const item = items[id] as CaptionedItem;
    records.set(id, buildRecord(item.captions.slice(0, n), { captioner: 'oracle:human', embedder: 'none' }));
    for (const text of item.captions.slice(n)) queries.push({ text, target: id });
  }
  return { records, queries };
}

/**
 * model captions: the record is what the captioner said; every human caption is a query whose
 * target is that image. `captions` maps image position -> generated captions.
 */
export function modelSplit(items: readonly CaptionedItem[], captions: ReadonlyMap<number, readonly string[]>, models: ModelIds): EvalSplit {
  const records = new Map<number, AnalyticsRecord>();
  const queries: EvalQuery[] = [];
  for (const [id, generated] of captions) {
    const item = items[id];
    if (!item) throw new RangeError(`no captioned item at position ${id}`);
    records.set(id, buildRecord(generated, models));
    for (const text of item.captions) queries.push({ text, target: id });
  }
  return { records, queries };
}

/** Recall@1/5/10 and MRR from each query's 1-based rank of its target (0: never retrieved). */
export function metricsFromRanks(ranks: readonly number[], images: number): Metrics {
  let [r1, r5, r10, rr] = [0, 0, 0, 0];
  for (const rank of ranks) {
    if (rank <= 0) continue;
    if (rank <= 1) r1 += 1;
    if (rank <= 5) r5 += 1;
    if (rank <= 10) r10 += 1;
    rr += 1 / rank;
  }
  const n = Math.max(1, ranks.length);
  return { images, queries: ranks.length, recallAt1: r1 / n, recallAt5: r5 / n, recallAt10: r10 / n, mrr: rr / n };
}

function rankOf(ranking: ReadonlyArray<{ id: number }>, target: number): number {
  return ranking.findIndex((h) => h.id === target) + 1;
}

function lexicalIndex(split: EvalSplit, options: LexicalOptions): LexicalIndex {
  const index = new LexicalIndex(options);
  for (const [id, record] of split.records) index.add(id, record);
  return index;
}

function lexicalSearch(index: LexicalIndex, text: string, limit: number): LexicalHit[] {
  return index.search(analyzeQuery(text, index.options), { limit, explain: false });
}

/** Builds an index with `options` over the split's records and scores every query. */
export function evaluate(split: EvalSplit, options: LexicalOptions): Metrics {
  const index = lexicalIndex(split, options);
  const ranks = split.queries.map((q) => rankOf(lexicalSearch(index, q.text, Infinity), q.target));
  return metricsFromRanks(ranks, split.records.size);
}

/** Unit-length embeddings, one row per id (row i belongs to ids[i]). */
export interface Vectors {
  readonly dim: number;
  readonly ids: readonly number[];
  readonly rows: Float32Array;
}

/** Every id by cosine to `query` (rows and query are unit length, so a dot product), best first. */
export function cosineRanking(vectors: Vectors, query: Float32Array): { id: number; score: number }[] {
  const { dim, ids, rows } = vectors;
  const out = ids.map((id, i) => {
    let dot = 0;
    for (let d = 0, o = i * dim; d < dim; d++) dot += (rows[o + d] as number) * (query[d] as number);
    return { id, score: dot };
  });
  return out.sort((a, b) => b.score - a.score || a.id - b.id);
}

export interface Percentiles {
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
}

/** How the vector gate sits against real cosines: what to look at when tuning vectorMin. */
export interface VectorGateStats {
  readonly vectorMin: number;
  /** Cosine of each query to its target image. */
  readonly targetCosine: Percentiles;
  /** Cosine of each query to the best image that is not its target. */
  readonly bestOtherCosine: Percentiles;
  /** Share of queries whose target passes vectorMin. */
  readonly targetPasses: number;
}

export interface RankerResults {
  readonly bm25?: Metrics;
  readonly full?: Metrics;
  readonly vector?: Metrics;
  readonly fused?: Metrics;
  readonly vectorGate?: VectorGateStats;
}

export interface RankerOptions {
  readonly lexical: ReadonlyArray<'bm25' | 'full'>;
  /** Record vectors (ids = split record ids) and one query vector per split query, row-major. */
  readonly vectors?: { readonly records: Vectors; readonly queries: Float32Array };
  /** Fusion settings; each side contributes `limit` candidates, as in the app. */
  readonly search: TextSearchOptions;
  readonly full: LexicalOptions;
  readonly bm25: LexicalOptions;
}

function percentiles(xs: readonly number[]): Percentiles {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number): number => s[Math.round(p * (s.length - 1))] ?? NaN;
  return { p10: at(0.1), p50: at(0.5), p90: at(0.9) };
}

/** Scores every query with each requested ranker over the same split. */
export function evaluateRankers(split: EvalSplit, opts: RankerOptions): RankerResults {
  const images = split.records.size;
  const out: { -readonly [K in keyof RankerResults]: RankerResults[K] } = {};
  if (opts.lexical.includes('bm25')) out.bm25 = evaluate(split, opts.bm25);
  if (opts.lexical.includes('full')) out.full = evaluate(split, opts.full);
  if (!opts.vectors) return out;

  const { records, queries } = opts.vectors;
  const dim = records.dim;
  if (queries.length !== split.queries.length * dim) throw new RangeError(`expected ${split.queries.length} query vectors of ${dim}`);
  const index = lexicalIndex(split, opts.full);
  const { search } = opts;
  const [vectorRanks, fusedRanks, target, other]: number[][] = [[], [], [], []];
  split.queries.forEach((q, i) => {
    const byCosine = cosineRanking(records, queries.subarray(i * dim, (i + 1) * dim));
    vectorRanks.push(rankOf(byCosine, q.target));
    target.push(byCosine.find((h) => h.id === q.target)?.score ?? NaN);
    other.push(byCosine.find((h) => h.id !== q.target)?.score ?? NaN);
    const fused = fuseTextSearch(byCosine.slice(0, search.limit), lexicalSearch(index, q.text, search.limit), search);
    fusedRanks.push(rankOf(fused, q.target));
  });
  out.vector = metricsFromRanks(vectorRanks, images);
  out.fused = metricsFromRanks(fusedRanks, images);
  out.vectorGate = {
    vectorMin: search.vectorMin,
    targetCosine: percentiles(target),
    bestOtherCosine: percentiles(other),
    targetPasses: target.filter((c) => c >= search.vectorMin).length / Math.max(1, target.length),
  };
  return out;
}
