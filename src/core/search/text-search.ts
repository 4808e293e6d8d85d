// Text query -> images: the vector (sentence-embedding) ranking and the lexical ranking,
// fused by reciprocal rank, with a relevance gate on each side's raw score.
import { reciprocalRankFusion, type Ranked } from '../text/fusion.ts';
import type { LexicalHit, MatchReason } from '../text/lexical-types.ts';
import type { SearchHit } from './types.ts';

export type { SearchHit } from './types.ts';

export interface TextSearchOptions {
  /** Max hits returned. Ask each side for at least this many candidates. */
  readonly limit: number;
  /** Cosine a vector hit needs to vouch for an image on its own. */
  readonly vectorMin: number;
  /** Lexical score a lexical hit needs to vouch for an image on its own. */
  readonly lexicalMin: number;
  /** RRF damping constant (default DEFAULT_TEXT_SEARCH.k). */
  readonly k?: number;
}

/**
 * Defaults, and why:
 * - k = 60: the RRF constant of Cormack et al. (2009), which is robust across collections.
 *   A large k flattens rank differences, so an image both sides found beats an image only one
 *   side ranked first. That is what we want when neither side's top rank is calibrated.
 *   Not tuned here: tuning it needs real embedder weights (see bench/eval.ts --models).
 * - lexicalMin = 1e-6, i.e. "net positive": any record that shares a query word (or a
 *   synonym) and is not out-scored by a colour contradiction. BM25 scores have no portable
 *   absolute scale. They grow with query length and shrink with gallery size: a word found in
 *   every photo of a 20-photo gallery scores about 0.02. So any absolute cut above ~0 would hide
 *   exact word matches in small or uniform galleries. Measured on the captioned set (oracle
 *   captions, full human-sentence queries), a cut of 1.0 would drop 0-2.5% of targets for only
 *   2-45% of other hits, depending on gallery size. The fused ordering already puts weak
 *   one-word matches last.
 * - vectorMin = 0.35 (cosine, all-MiniLM-L6-v2, unit-normalised mean pooling): a prior, NOT
 *   measured here (this workplace has only random-weight test models, whose cosines mean
 *   nothing). For that model, unrelated English sentences usually land near 0-0.2, and texts
 *   about the same thing usually land above 0.4. The vector side alone should not fill the grid
 *   with loosely related photos ("cat" showing dogs). Paraphrases it would miss are mostly
 *   caught by the lexical side's synonyms. Re-tune it with `npm run eval` on real weights, which
 *   prints the target-cosine distribution next to the gate.
 * - limit = 100: a results grid a person scrolls; both sides are asked for this many.
 */
export const DEFAULT_TEXT_SEARCH: Required<TextSearchOptions> = { limit: 100, vectorMin: 0.35, lexicalMin: 1e-6, k: 60 };

/** Finite scores only, first (best) occurrence of each id. */
function clean<T extends Ranked>(list: readonly T[]): T[] {
  const seen = new Set<number>();
  const out: T[] = [];
  for (const h of list) {
    if (!Number.isFinite(h.score) || seen.has(h.id)) continue;
    seen.add(h.id);
    out.push(h);
  }
  return out;
}

/**
 * Fuses both rankings by reciprocal rank. An image is kept if at least one side vouches for it:
 * its vector score is at least vectorMin, or its lexical score is at least lexicalMin. So an id
 * that only the vector side has must pass vectorMin, and one that only the lexical side has must
 * pass lexicalMin. If the image passes on one side, its rank on the other side still adds to the
 * fused score even when that side is under its threshold: it backs up the evidence, it does not
 * vouch for the image. Ranks come from the full input lists, so pass each side best first, as
 * returned by its search.
 */
export function fuseTextSearch(
  vectorHits: ReadonlyArray<{ id: number; score: number }>,
  lexicalHits: readonly LexicalHit[],
  opts: TextSearchOptions,
): SearchHit[] {
  const { limit, vectorMin, lexicalMin, k = DEFAULT_TEXT_SEARCH.k } = opts;
  if (!(limit > 0)) return [];
  const lexical = clean(lexicalHits);
  const reasons = new Map<number, readonly MatchReason[]>(lexical.map((h) => [h.id, h.reasons]));
  const out: SearchHit[] = [];
  for (const f of reciprocalRankFusion(clean(vectorHits), lexical, { k })) {
    const vouched =
      (f.vectorScore !== undefined && f.vectorScore >= vectorMin) || (f.lexicalScore !== undefined && f.lexicalScore >= lexicalMin);
    if (!vouched) continue;
    out.push({
      id: f.id,
      score: f.score,
      ...(f.vectorScore !== undefined ? { vectorScore: f.vectorScore } : {}),
      ...(f.lexicalScore !== undefined ? { lexicalScore: f.lexicalScore } : {}),
      reasons: reasons.get(f.id) ?? [],
    });
    if (out.length >= limit) break;
  }
  return out;
}
