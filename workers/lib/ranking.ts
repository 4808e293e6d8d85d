// The ranking both libraries share (the person's own in IndexedDB, and a pack read over HTTP):
// forest hits fused with the lexical ranking, similar photos, and rows turned into results.
import { describeMatch, DEFAULT_IMAGE_SEARCH, DEFAULT_TEXT_SEARCH, fuseTextSearch, rankSimilar, type MatchSummary, type SearchHit } from '../../src/core/search';
import { analyzeQuery, type LexicalHit, type LexicalIndex, type LexicalQuery } from '../../src/core/text';
import type { AnalyticsRecord } from '../../src/core/text/record';

/** The lexical half of a text search, done before the query vector is there (see prepareText). */
export interface PreparedText {
  readonly lexical: LexicalQuery;
  readonly hits: readonly LexicalHit[];
}

export interface ResultRow {
  id: number;
  name: string;
  score: number;
  caption: string;
  summary: MatchSummary;
  /**
   * A result whose row has not been read yet (a text search reads the first EAGER_ROWS results'
   * rows only): name and caption are empty until the card, scrolled near, asks for them (fillResults).
   */
  pending?: true;
}

/**
 * Results of a text search whose rows are read before it answers: a screenful at desktop width
 * (7 columns × 3 rows, and a row of margin). The others come back pending (ResultRow.pending) and
 * are read as their cards scroll near (fillResults): explaining and reading all 60 took ~10 ms of a
 * ~43 ms warm search at 100,000 photos (bench:pipeline's fuse and rows steps), and a pack's rows
 * are requests of their own.
 */
export const EAGER_ROWS = 24;
/** Text searches whose hits fillResults still knows (the page's last few queries). */
const KEPT_QUERIES = 8;

/** A result whose row is not read yet: id and score only, until its card comes near (fillResults). */
export function pendingResult(hit: SearchHit): ResultRow {
  return { id: hit.id, name: '', score: hit.score, caption: '', summary: { kind: 'visual', text: '', highlights: [] }, pending: true };
}

/** The fused hits of the last few text searches by query text, with what explains them (`E`), for fillResults. */
export class AnsweredQueries<E> {
  private readonly answers = new Map<string, { hits: Map<number, SearchHit>; explainer: E }>();

  keep(text: string, fused: readonly SearchHit[], explainer: E): void {
    this.answers.delete(text);
    this.answers.set(text, { hits: new Map(fused.map((h) => [h.id, h])), explainer });
    if (this.answers.size > KEPT_QUERIES) this.answers.delete(this.answers.keys().next().value!);
  }

  /** The hits of `ids` in the answer to `text` (ids it does not hold left out), or undefined for a query it forgot. */
  hits(text: string, ids: readonly number[]): { hits: SearchHit[]; explainer: E } | undefined {
    const answer = this.answers.get(text);
    return answer && { hits: ids.map((id) => answer.hits.get(id)).filter((h) => h !== undefined), explainer: answer.explainer };
  }
}

export function prepareText(index: LexicalIndex, query: string): PreparedText {
  const lexical = analyzeQuery(query, index.options);
  return { lexical, hits: index.search(lexical, { limit: DEFAULT_TEXT_SEARCH.limit, explain: false }) };
}

/** Forest neighbours fused with the lexical ranking, without reasons (explainHits gives the hits shown theirs). */
export function fuseText({ hits }: PreparedText, vectorHits: ReadonlyArray<{ id: number; score: number }>, limit: number): SearchHit[] {
  return fuseTextSearch(vectorHits, hits, { ...DEFAULT_TEXT_SEARCH, limit });
}

/** Why each hit with a lexical score matched, from the in-memory index. */
export function explainHits(index: LexicalIndex, lexical: LexicalQuery, hits: readonly SearchHit[]): SearchHit[] {
  return hits.map((h) => (h.lexicalScore === undefined ? h : { ...h, reasons: index.explain(lexical, h.id) }));
}

export function rankVisual(hits: ReadonlyArray<{ id: number; score: number }>, limit: number, excludeId?: number): SearchHit[] {
  return rankSimilar(hits, { ...DEFAULT_IMAGE_SEARCH, limit, excludeId });
}

/** Hits with their rows (read for the same ids, in order) as results; a hit without a row is dropped. */
export function presentHits(hits: readonly SearchHit[], rows: readonly ({ name: string; record: AnalyticsRecord } | undefined)[]): ResultRow[] {
  const out: ResultRow[] = [];
  hits.forEach((hit, i) => {
    const row = rows[i];
    if (!row) return; // deleted between search and read
    out.push({ id: hit.id, name: row.name, score: hit.score, caption: row.record.captions[0] ?? '', summary: describeMatch(hit, row.record) });
  });
  return out;
}
