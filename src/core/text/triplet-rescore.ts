// The second stage both lexical rankers share (the in-memory index and a pack's split one): the
// triplet bonus and the colour penalty, which are much dearer than BM25, for the best BM25
// candidates only. The bonus is bounded (a triplet match is worth at most its weight × idf; a
// conflict only subtracts), so rescoring stops as soon as no candidate left could still reach the
// top k; `depth` caps the work when scores are too close.
import type { LexicalOptions } from './lexical-types.ts';
import type { LexicalQuery } from './query.ts';
import { TopK } from './top-k.ts';
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
 * `rescored(key, score)` takes its new score.
 */
export function rescoreTriplets(
  q: LexicalQuery,
  options: LexicalOptions,
  idf: TripletIdf,
  k: number,
  depth: number,
  offerAll: (candidates: TopK) => void,
  bonusOf: (key: number) => number,
  rescored: (key: number, score: number) => void,
): void {
  const candidates = new TopK(depth);
  offerAll(candidates);
  const maxBonus = maxTripletBonus(q, options, idf);
  const kept = new TopK(k);
  for (const c of candidates.sorted()) {
    // Strictly below: an equal score could still win on the id tie-break.
    if (kept.full && c.score + maxBonus < kept.floor) break;
    const s = c.score + bonusOf(c.key);
    rescored(c.key, s);
    kept.offer(s, c.id, c.key);
  }
}
