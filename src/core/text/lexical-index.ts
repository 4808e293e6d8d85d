// BM25F lexical index over analytics records with synonym expansion, a bigram
// bonus and a triplet bonus. Incremental by image id; explains every hit.
import { analyzeRecord, fieldTerms, keyFor } from './analyze.ts';
import { explainHit } from './explain.ts';
import type { DocData, Field, LexicalHit, LexicalOptions, SearchOptions } from './lexical-types.ts';
import { analyzeQuery, type Alternative, type LexicalQuery } from './query.ts';
import type { AnalyticsRecord } from './record.ts';
import { bestTripletMatch, colorConflict } from './triplet-match.ts';

type FieldCounts = Record<Field, number>;

interface Stored {
  readonly data: DocData;
  readonly lengths: FieldCounts;
  readonly keys: readonly string[];
}

export class LexicalIndex {
  readonly options: LexicalOptions;
  private readonly docs = new Map<number, Stored>();
  private readonly postings = new Map<string, Map<number, FieldCounts>>();
  private readonly totals: FieldCounts = { caption: 0, triplet: 0, tag: 0, phrase: 0 };

  constructor(options: LexicalOptions) {
    this.options = options;
  }

  get size(): number {
    return this.docs.size;
  }

  has(id: number): boolean {
    return this.docs.has(id);
  }

  ids(): number[] {
    return [...this.docs.keys()];
  }

  /** Adds or replaces the record of image `id`. */
  add(id: number, record: AnalyticsRecord): void {
    this.addAnalysed(id, analyzeRecord(record, this.options.analyzer));
  }

  /** Adds already-analysed data (used when loading a snapshot). */
  addAnalysed(id: number, data: DocData): void {
    if (!Number.isInteger(id)) throw new RangeError(`image id must be an integer, got ${id}`);
    this.remove(id);
    const { tf, lengths } = fieldTerms(data, this.options);
    for (const [key, counts] of tf) {
      let list = this.postings.get(key);
      if (!list) this.postings.set(key, (list = new Map()));
      list.set(id, counts);
    }
    for (const f of Object.keys(lengths) as Field[]) this.totals[f] += lengths[f];
    this.docs.set(id, { data, lengths, keys: [...tf.keys()] });
  }

  remove(id: number): boolean {
    const doc = this.docs.get(id);
    if (!doc) return false;
    for (const key of doc.keys) {
      const list = this.postings.get(key);
      list?.delete(id);
      if (list?.size === 0) this.postings.delete(key);
    }
    for (const f of Object.keys(doc.lengths) as Field[]) this.totals[f] -= doc.lengths[f];
    this.docs.delete(id);
    return true;
  }

  /** Analysed data of one image (for snapshots and explanations). */
  docData(id: number): DocData | undefined {
    return this.docs.get(id)?.data;
  }

  /** Lucene-style BM25 idf; never negative. */
  idf(key: string): number {
    const n = this.docs.size;
    const df = this.postings.get(key)?.size ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** BM25F: field frequencies, length-normalised and weighted, saturate together. */
  private termScore(counts: FieldCounts, doc: Stored, fieldWeight: (f: Field) => number): number {
    const { k1, b } = this.options;
    const n = this.docs.size;
    let tf = 0;
    for (const f of Object.keys(counts) as Field[]) {
      const c = counts[f];
      if (c === 0) continue;
      const avg = this.totals[f] / n || 1;
      tf += (fieldWeight(f) * c) / (1 - b + (b * doc.lengths[f]) / avg);
    }
    return (tf * (k1 + 1)) / (tf + k1);
  }

  /** Best weighted score per doc over a term's alternatives (synonyms don't stack). */
  private scoreAlternatives(alts: readonly Alternative[], baseIdf: number, fieldWeight: (f: Field) => number): Map<number, number> {
    const out = new Map<number, number>();
    for (const alt of alts) {
      const list = this.postings.get(alt.key);
      if (!list) continue;
      // A rare synonym must not outrank the word itself: use the smaller idf.
      const idf = Math.min(baseIdf, this.idf(alt.key)) * alt.weight;
      for (const [id, counts] of list) {
        const s = idf * this.termScore(counts, this.docs.get(id) as Stored, fieldWeight);
        if (s > (out.get(id) ?? 0)) out.set(id, s);
      }
    }
    return out;
  }

  /** Best alternative of one query term in one doc, with its score (for explanations). */
  bestAlternative(
    id: number,
    alts: readonly Alternative[],
    baseIdf: number,
    phrase: boolean,
  ): { alt: Alternative; counts: FieldCounts; score: number } | undefined {
    const doc = this.docs.get(id);
    if (!doc) return undefined;
    const fw = this.options.fieldWeights;
    const weight = (f: Field): number => (phrase ? (f === 'phrase' ? 1 : 0) : f === 'phrase' ? 0 : fw[f]);
    let best: { alt: Alternative; counts: FieldCounts; score: number } | undefined;
    for (const alt of alts) {
      const counts = this.postings.get(alt.key)?.get(id);
      if (!counts) continue;
      const score = Math.min(baseIdf, this.idf(alt.key)) * alt.weight * this.termScore(counts, doc, weight);
      if (score > 0 && (!best || score > best.score)) best = { alt, counts, score };
    }
    return best;
  }

  search(query: string | LexicalQuery, opts: SearchOptions = {}): LexicalHit[] {
    const q = typeof query === 'string' ? analyzeQuery(query, this.options) : query;
    const { limit = 50, minScore = -Infinity, explain = true } = opts;
    const scores = new Map<number, number>();
    const bump = (id: number, s: number): void => void scores.set(id, (scores.get(id) ?? 0) + s);
    const fw = this.options.fieldWeights;
    const termField = (f: Field): number => (f === 'phrase' ? 0 : fw[f]);
    const phraseField = (f: Field): number => (f === 'phrase' ? 1 : 0);
    for (const t of q.terms) {
      for (const [id, s] of this.scoreAlternatives(t.alternatives, this.idf(t.key), termField)) bump(id, s);
    }
    for (const p of q.phrases) {
      const alt = [{ key: p, relation: 'exact' as const, weight: this.options.phraseWeight }];
      for (const [id, s] of this.scoreAlternatives(alt, this.idf(p), phraseField)) bump(id, s);
    }
    if (q.triplets.length > 0) {
      // Only docs that share a word can match a triplet, so score just those.
      for (const id of [...scores.keys()]) bump(id, this.tripletScore(q, id));
    }
    const ranked = [...scores].filter(([, s]) => s >= minScore).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    return ranked.slice(0, limit).map(([id, score]) => ({
      id,
      score,
      reasons: explain ? explainHit(this, q, id) : [],
    }));
  }

  /**
   * Sum over query triplets of best match x mean idf of its subject/object words,
   * minus a fixed penalty per contradicted query colour.
   */
  tripletScore(q: LexicalQuery, id: number): number {
    const doc = this.docs.get(id);
    const { tripletWeight, colorConflict: penalty } = this.options;
    if (!doc) return 0;
    let total = 0;
    for (const t of q.triplets) {
      const best = tripletWeight > 0 ? bestTripletMatch(t, doc.data.triplets, this.options) : undefined;
      if (best) total += tripletWeight * best.sim * this.tripletIdf(t);
      if (penalty > 0 && colorConflict(t, doc.data.triplets, this.options)) total -= penalty;
    }
    return total;
  }

  tripletIdf(t: { s: string; o: string }): number {
    const words = [t.s, t.o].filter((w) => w !== '').map((w) => keyFor(w, this.options.analyzer));
    return words.reduce((sum, k) => sum + this.idf(k), 0) / Math.max(1, words.length);
  }
}
