// Query analysis: terms with weighted expansions, bigrams and query triplets.
import { analyzeText, bigramKeys, keyFor } from './analyze.ts';
import { extractCaption } from './extract.ts';
import type { LexicalOptions, MatchRelation } from './lexical-types.ts';
import { expandKey } from './synonyms.ts';
import type { Triplet } from './triplets.ts';

export interface Alternative {
  readonly key: string;
  readonly relation: MatchRelation;
  readonly weight: number;
}

/** One query word and the keys that may stand in for it (the word itself first). */
export interface QueryTerm {
  readonly lemma: string;
  readonly key: string;
  readonly alternatives: readonly Alternative[];
}

export interface LexicalQuery {
  readonly text: string;
  readonly terms: readonly QueryTerm[];
  readonly phrases: readonly string[];
  readonly triplets: readonly Triplet[];
}

export function analyzeQuery(text: string, opts: LexicalOptions): LexicalQuery {
  const a = opts.analyzer;
  const lemmas = analyzeText(text, a);
  const seen = new Set<string>();
  const terms: QueryTerm[] = [];
  for (const lemma of lemmas) {
    const key = keyFor(lemma, a);
    if (seen.has(key)) continue; // a repeated word is not a stronger need
    seen.add(key);
    const alternatives =
      a === 'plain'
        ? [{ key, relation: 'exact' as const, weight: 1 }]
        : expandKey(key)
            .map((e) => ({ key: e.key, relation: e.relation, weight: opts.expansion[e.relation] }))
            .filter((e) => e.weight > 0);
    terms.push({ lemma, key, alternatives });
  }
  const phrases = opts.phraseWeight > 0 ? [...new Set(bigramKeys(lemmas.map((l) => keyFor(l, a))))] : [];
  const triplets = opts.tripletWeight > 0 || opts.colorConflict > 0 ? extractCaption(text).triplets : [];
  return { text, terms, phrases, triplets };
}
