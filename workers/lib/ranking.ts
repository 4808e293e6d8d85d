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
   * An open pack's result whose row has not been read yet (PackLibrary.searchText reads the first
   * screenful's only): name and caption are empty until the card, scrolled near, asks for them
   * (PackLibrary.fillResults).
   */
  pending?: true;
}

export function prepareText(index: LexicalIndex, query: string): PreparedText {
  const lexical = analyzeQuery(query, index.options);
  return { lexical, hits: index.search(lexical, { limit: DEFAULT_TEXT_SEARCH.limit, explain: false }) };
}

/** Forest neighbours fused with the lexical ranking; reasons only for the hits shown. */
export function fuseText(index: LexicalIndex, { lexical, hits }: PreparedText, vectorHits: ReadonlyArray<{ id: number; score: number }>, limit: number): SearchHit[] {
  const fused = fuseTextSearch(vectorHits, hits, { ...DEFAULT_TEXT_SEARCH, limit });
  return fused.map((h) => (h.lexicalScore === undefined ? h : { ...h, reasons: index.explain(lexical, h.id) }));
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
