// Match reasons for one hit: which words (and through which synonym), which
// captions, which bigrams and which triplets made it score.
import { keyFor, type Analyzer } from './analyze.ts';
import type { LexicalIndex } from './lexical-index.ts';
import type { DocData, Field, MatchReason } from './lexical-types.ts';
import type { LexicalQuery } from './query.ts';
import { bestTripletMatch, colorConflict } from './triplet-match.ts';

/** One document's words by key, computed once per explained hit. */
class DocKeys {
  readonly captions: string[][];
  private surfaces: Map<string, string> | undefined;

  constructor(
    private readonly doc: DocData,
    private readonly analyzer: Analyzer,
  ) {
    this.captions = doc.captions.map((words) => words.map((w) => keyFor(w, analyzer)));
  }

  captionsWith(key: string, bigram: boolean): number[] {
    const out: number[] = [];
    this.captions.forEach((keys, i) => {
      const hit = bigram ? keys.some((k, j) => j > 0 && `${keys[j - 1]} ${k}` === key) : keys.includes(key);
      if (hit) out.push(i);
    });
    return out;
  }

  /** The first word (captions, then tags, triplet nouns, OCR text) with this key, as written in the record. */
  surface(key: string): string {
    if (!this.surfaces) {
      const map = new Map<string, string>();
      const d = this.doc;
      this.captions.forEach((keys, i) => keys.forEach((k, j) => void (map.has(k) || map.set(k, d.captions[i]?.[j] as string))));
      for (const w of [...d.tags, ...d.triplets.flatMap((t) => [t.s, t.o]), ...d.ocr]) {
        const k = keyFor(w, this.analyzer);
        if (!map.has(k)) map.set(k, w);
      }
      this.surfaces = map;
    }
    return this.surfaces.get(key) ?? key;
  }
}

/** What explaining needs of an index: the in-memory one, or a split one read over HTTP (split-search.ts). */
export type ExplainSource = Pick<LexicalIndex, 'options' | 'idf' | 'bestAlternative' | 'tripletIdf'>;

export function explainHit(index: LexicalIndex, q: LexicalQuery, id: number): MatchReason[] {
  const doc = index.docData(id);
  return doc ? explainDoc(index, q, id, doc) : [];
}

/** Reasons of hit `id`, whose analysed data is `doc`. */
export function explainDoc(index: ExplainSource, q: LexicalQuery, id: number, doc: DocData): MatchReason[] {
  const reasons: MatchReason[] = [];
  const keys = new DocKeys(doc, index.options.analyzer);
  for (const t of q.terms) {
    const best = index.bestAlternative(id, t.alternatives, index.idf(t.key), false);
    if (!best) continue;
    const fields = (Object.keys(best.counts) as Field[]).filter((f) => f !== 'phrase' && best.counts[f] > 0);
    reasons.push({
      kind: 'term',
      query: t.lemma,
      matched: keys.surface(best.alt.key),
      relation: best.alt.relation,
      fields,
      captions: keys.captionsWith(best.alt.key, false),
      score: best.score,
    });
  }
  for (const p of q.phrases) {
    const alt = { key: p, relation: 'exact' as const, weight: index.options.phraseWeight };
    const best = index.bestAlternative(id, [alt], index.idf(p), true);
    if (best) reasons.push({ kind: 'phrase', phrase: p, captions: keys.captionsWith(p, true), score: best.score });
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
