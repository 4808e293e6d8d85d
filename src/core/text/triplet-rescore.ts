// The second stage both lexical rankers share (the in-memory index and a pack's split one): the
// triplet bonus and the colour penalty, which are much dearer than BM25, for the best BM25
// candidates only. The bonus is bounded (a triplet match is worth at most its weight × idf; a
// conflict only subtracts), so rescoring stops as soon as no candidate left could still reach the
// top k; `depth` caps the work when scores are too close.
import type { LexicalOptions } from './lexical-types.ts';
import type { LexicalQuery } from './query.ts';
import { ranksBefore, TopK } from './top-k.ts';
import { bestTripletMatch, colorConflict, isRelational } from './triplet-match.ts';
import type { Triplet } from './triplets.ts';

/** Mean idf of a triplet's subject and object words. */
export type TripletIdf = (t: { s: string; o: string }) => number;

/**
 * Sum over query triplets of best match × mean idf of its subject/object words, minus a fixed
 * penalty per contradicted query colour, for a document whose triplets are `doc`.
 */
export function tripletBonus(q: LexicalQuery, doc: readonly Triplet[], options: LexicalOptions, idf: TripletIdf): number {
  const { tripletWeight, colorConflict: penalty } = options;
  let total = 0;
  for (const t of q.triplets) {
    const best = tripletWeight > 0 ? bestTripletMatch(t, doc, options) : undefined;
    if (best) total += tripletWeight * best.sim * idf(t);
    if (penalty > 0 && colorConflict(t, doc, options)) total -= penalty;
  }
  return total;
}

/** What the triplet bonus can add at most: every query triplet matched with similarity 1. */
function maxTripletBonus(q: LexicalQuery, options: LexicalOptions, idf: TripletIdf): number {
  const { tripletWeight, expansion } = options;
  if (!(tripletWeight > 0)) return 0;
  const termMax = Math.max(1, ...Object.values(expansion));
  return q.triplets.reduce((sum, t) => sum + (isRelational(t) ? tripletWeight * termMax * termMax * idf(t) : 0), 0);
}

/** True if a query has anything for the second stage to add or take away. */
export function rescores(q: LexicalQuery, options: LexicalOptions): boolean {
  return q.triplets.length > 0 && (options.tripletWeight > 0 || options.colorConflict > 0);
}

/**
 * Rescores the best `depth` BM25 candidates, best first. `offerAll` offers every candidate
 * (score, id, key) to the list it is given; `bonusOf(key)` is a candidate's tripletBonus;
 * `rescored(key, score)` takes its new score. Returns the final top k (scores ≥ `minScore`, best
 * first) when the candidates alone settle it, so the caller's second pass over every matching
 * document is skipped; undefined when a document outside them could still rank (then that pass
 * decides).
 */
export function rescoreTriplets(
  q: LexicalQuery,
  options: LexicalOptions,
  idf: TripletIdf,
  k: number,
  depth: number,
  minScore: number,
  offerAll: (candidates: TopK) => void,
  bonusOf: (key: number) => number,
  rescored: (key: number, score: number) => void,
): Ranked[] | undefined {
  const candidates = new TopK(depth);
  offerAll(candidates);
  // Every document left out ranks after the candidates' last one, its BM25 score unchanged.
  const outside = candidates.full ? { score: candidates.floor, id: candidates.floorId } : undefined;
  const maxBonus = maxTripletBonus(q, options, idf);
  const kept = new TopK(k);
  const list = candidates.sorted();
  for (const c of list) {
    // Strictly below: an equal score could still win on the id tie-break.
    if (kept.full && c.score + maxBonus < kept.floor) break;
    c.score += bonusOf(c.key);
    rescored(c.key, c.score);
    kept.offer(c.score, c.id, c.key);
  }
  const top = new TopK(k);
  for (const c of list) if (c.score >= minScore) top.offer(c.score, c.id, c.key);
  const settled = !outside || outside.score < minScore || (top.full && ranksBefore(top.floor, top.floorId, outside.score, outside.id));
  return settled ? top.sorted() : undefined;
}

export interface Ranked {
  score: number;
  id: number;
  key: number;
}
