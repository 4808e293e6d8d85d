// What a search returns and how a hit is explained; shared by text and image search.
import type { MatchReason } from '../text/lexical-types.ts';

export interface SearchHit {
  readonly id: number;
  /**
   * Ordering score, best first. Text search: the reciprocal-rank-fusion value (rank based,
   * not a relevance probability; only compare it within one result list). Image search: cosine.
   */
  readonly score: number;
  /** Cosine between the query's and the record's text embeddings, when the vector side had it. */
  readonly vectorScore?: number;
  /** Lexical (BM25F + expansions + triplets) score, when the lexical side had it. */
  readonly lexicalScore?: number;
  /** Cosine between two images' visual vectors (query by image). */
  readonly visualScore?: number;
  /** Lexical match reasons, strongest first; empty for vector-only and image hits. */
  readonly reasons: readonly MatchReason[];
}

export type MatchKind = 'caption' | 'triplet' | 'term' | 'ocr' | 'visual' | 'semantic';

export interface MatchSummary {
  readonly kind: MatchKind;
  /** One short line for a person, plain text (never HTML). */
  readonly text: string;
  /** Words to highlight, exactly as written in the record's captions, or for 'ocr' in `text` (plain text, de-duplicated). */
  readonly highlights: readonly string[];
}
