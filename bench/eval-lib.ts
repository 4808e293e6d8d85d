// Text -> image retrieval evaluation over a captioned folder (captions.json).
// Shared by bench/eval.ts and the recall-floor unit test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LexicalIndex } from '../src/core/text/lexical-index.ts';
import type { LexicalOptions } from '../src/core/text/lexical-types.ts';
import { analyzeQuery } from '../src/core/text/query.ts';
import { buildRecord, type AnalyticsRecord } from '../src/core/text/record.ts';

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

/** Builds an index with `options` over the split's records and scores every query. */
export function evaluate(split: EvalSplit, options: LexicalOptions): Metrics {
  const index = new LexicalIndex(options);
  for (const [id, record] of split.records) index.add(id, record);
  let r1 = 0;
  let r5 = 0;
  let r10 = 0;
  let rr = 0;
  for (const q of split.queries) {
    const hits = index.search(analyzeQuery(q.text, options), { limit: Infinity, explain: false });
    const rank = hits.findIndex((h) => h.id === q.target) + 1; // 0: never retrieved
    if (rank === 0) continue;
    if (rank <= 1) r1 += 1;
    if (rank <= 5) r5 += 1;
    if (rank <= 10) r10 += 1;
    rr += 1 / rank;
  }
  const n = Math.max(1, split.queries.length);
  return {
    images: split.records.size,
    queries: split.queries.length,
    recallAt1: r1 / n,
    recallAt5: r5 / n,
    recallAt10: r10 / n,
    mrr: rr / n,
  };
}
