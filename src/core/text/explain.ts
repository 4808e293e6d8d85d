// Match reasons for one hit: which words (and through which synonym), which
// captions, which bigrams and which triplets made it score.
import { keyFor, type Analyzer } from './analyze.ts';
import type { LexicalIndex } from './lexical-index.ts';
import type { DocData, Field, MatchReason } from './lexical-types.ts';
import type { LexicalQuery } from './query.ts';
import { bestTripletMatch, colorConflict } from './triplet-match.ts';

function captionsWith(doc: DocData, analyzer: Analyzer, key: string, bigram: boolean): number[] {
  const out: number[] = [];
  doc.captions.forEach((words, i) => {
    const keys = words.map((w) => keyFor(w, analyzer));
    const hit = bigram ? keys.some((k, j) => j > 0 && `${keys[j - 1]} ${k}` === key) : keys.includes(key);
    if (hit) out.push(i);
  });
  return out;
}

function surface(doc: DocData, analyzer: Analyzer, key: string): string {
  const words = [...doc.captions.flat(), ...doc.tags, ...doc.triplets.flatMap((t) => [t.s, t.o])];
  return words.find((w) => keyFor(w, analyzer) === key) ?? key;
}

export function explainHit(index: LexicalIndex, q: LexicalQuery, id: number): MatchReason[] {
  const reasons: MatchReason[] = [];
  const doc = index.docData(id);
  if (!doc) return reasons;
  const a = index.options.analyzer;
  for (const t of q.terms) {
    const best = index.bestAlternative(id, t.alternatives, index.idf(t.key), false);
    if (!best) continue;
    const fields = (Object.keys(best.counts) as Field[]).filter((f) => f !== 'phrase' && best.counts[f] > 0);
    reasons.push({
      kind: 'term',
      query: t.lemma,
      matched: surface(doc, a, best.alt.key),
      relation: best.alt.relation,
      fields,
      captions: captionsWith(doc, a, best.alt.key, false),
      score: best.score,
    });
  }
  for (const p of q.phrases) {
    const alt = { key: p, relation: 'exact' as const, weight: index.options.phraseWeight };
    const best = index.bestAlternative(id, [alt], index.idf(p), true);
    if (best) reasons.push({ kind: 'phrase', phrase: p, captions: captionsWith(doc, a, p, true), score: best.score });
  }
  const { tripletWeight, colorConflict: penalty } = index.options;
  for (const t of q.triplets) {
    const best = tripletWeight > 0 ? bestTripletMatch(t, doc.triplets, index.options) : undefined;
    if (best) reasons.push({ kind: 'triplet', query: t, matched: best.matched, score: tripletWeight * best.sim * index.tripletIdf(t) });
    const clash = penalty > 0 ? colorConflict(t, doc.triplets, index.options) : undefined;
    if (clash) reasons.push({ kind: 'conflict', query: t, matched: clash, score: -penalty });
  }
  return reasons.sort((a, b) => b.score - a.score);
}
