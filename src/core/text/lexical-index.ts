// BM25F lexical index over analytics records with synonym expansion, a bigram
// bonus and a triplet bonus. Incremental by image id; explains every hit.
//
// Search is two-stage: BM25F over the postings (typed arrays, one dense accumulator), then
// the per-document bonuses (triplet match, colour conflict), which are much dearer, only for
// the best BM25 candidates. The bonus is bounded (a triplet match is worth at most its weight x
// idf; a conflict only subtracts), so rescoring stops as soon as no unscored candidate could
// still reach the requested top `limit`; `rerankDepth` caps the work when scores are too close.
import { analyzeRecord, fieldTerms, keyFor } from './analyze.ts';
import { DocStore, type DocArrays } from './doc-store.ts';
import { explainHit } from './explain.ts';
import { FuzzyVocabulary, withNearSpellings } from './fuzzy.ts';
import { ImpactCache, WARM_MIN_POSTINGS, warmOrder } from './impact-cache.ts';
import {
  FIELDS,
  type DocData,
  type Field,
  type LexicalHit,
  type LexicalOptions,
  type MatchReason,
  type SearchOptions,
} from './lexical-types.ts';
import { FIELD_COUNT as FIELDS_PER_POSTING, TermTable, type PackedPostings, type PostingList } from './postings.ts';
import { analyzeQuery, type Alternative, type LexicalQuery } from './query.ts';
import type { AnalyticsRecord } from './record.ts';
import { TopK } from './top-k.ts';
import { rescores, rescoreTriplets, tripletBonus } from './triplet-rescore.ts';

type FieldCounts = Record<Field, number>;

// A plain module constant: an imported binding can compile to a getter call in the hot loop.
const FIELD_COUNT: number = FIELDS_PER_POSTING;
const OCR_FIELD = FIELDS.indexOf('ocr');

/**
 * BM25 candidates rescored with the triplet and colour bonuses when the exact stopping rule does
 * not end sooner. Measured on the captioned eval (npm run eval): every depth from 100 up gives
 * the same recall as rescoring everything; a few hundred leaves room for large, repetitive libraries.
 */
export const DEFAULT_RERANK_DEPTH = 300;

/** Compact once this many slots are dead and they are a quarter of all slots. */
const COMPACT_MIN_DEAD = 1024;

/** The index's arrays, slot order, no dead documents: what a snapshot stores. */
export interface LexicalState extends PackedPostings {
  readonly docs: DocArrays;
}

export class LexicalIndex {
  readonly options: LexicalOptions;
  private docs = new DocStore();
  private terms = new TermTable();
  private readonly totals = new Float64Array(FIELD_COUNT);
  /** Mean field lengths, cached until the next add or remove. */
  private avg: Float64Array | undefined;
  private readonly termWeights: Float64Array;
  private readonly phraseWeights: Float64Array;
  /** A near spelling counts in the OCR field only. */
  private readonly fuzzyWeights: Float64Array;
  /** Keys found in OCR text, for near-spelling matches. */
  private ocrWords = new FuzzyVocabulary();
  /** Postings' scores before idf, kept while no document changes (see impact-cache.ts). */
  private readonly impacts = new ImpactCache();
  /** The mean lengths a warm pass last finished for (warmImpacts). */
  private warmedFor: Float64Array | undefined;
  // Search scratch, indexed by slot. A slot's entry counts only if its stamp is the current epoch.
  private acc = new Float64Array(0);
  private accStamp = new Uint32Array(0);
  private best = new Float64Array(0);
  private bestStamp = new Uint32Array(0);
  private touched = new Uint32Array(0);
  private termTouched = new Uint32Array(0);
  private epoch = 0;
  private accEpoch = 0;

  constructor(options: LexicalOptions) {
    this.options = options;
    const fw = options.fieldWeights;
    this.termWeights = Float64Array.from(FIELDS, (f) => (f === 'phrase' ? 0 : fw[f]));
    this.phraseWeights = Float64Array.from(FIELDS, (f) => (f === 'phrase' ? 1 : 0));
    this.fuzzyWeights = Float64Array.from(FIELDS, (f) => (f === 'ocr' ? fw.ocr : 0));
  }

  get size(): number {
    return this.docs.live;
  }

  has(id: number): boolean {
    return this.docs.slot(id) !== undefined;
  }

  ids(): number[] {
    return this.docs.liveIds();
  }

  /** Adds or replaces the record of image `id`. */
  add(id: number, record: AnalyticsRecord): void {
    this.addAnalysed(id, analyzeRecord(record, this.options.analyzer));
  }

  /** Adds already-analysed data. */
  addAnalysed(id: number, data: DocData): void {
    if (!Number.isInteger(id)) throw new RangeError(`image id must be an integer, got ${id}`);
    this.remove(id);
    const { tf, lengths } = fieldTerms(data, this.options);
    const slot = this.docs.add(
      id,
      data,
      FIELDS.map((f) => lengths[f]),
    );
    for (const [key, counts] of tf) {
      this.terms.push(
        key,
        slot,
        FIELDS.map((f) => counts[f]),
      );
      if (counts.ocr > 0) this.ocrWords.add(key);
    }
    FIELDS.forEach((f, i) => (this.totals[i] = (this.totals[i] as number) + lengths[f]));
    this.avg = undefined;
  }

  remove(id: number): boolean {
    const slot = this.docs.slot(id);
    if (slot === undefined) return false;
    const { tf } = fieldTerms(this.docs.data(slot), this.options);
    for (const [key, counts] of tf) {
      this.terms.drop(key);
      if (counts.ocr > 0) this.ocrWords.remove(key);
    }
    for (let f = 0; f < FIELD_COUNT; f++)
      this.totals[f] = (this.totals[f] as number) - (this.docs.lengths[slot * FIELD_COUNT + f] as number);
    this.avg = undefined;
    this.docs.kill(slot);
    if (this.docs.dead >= COMPACT_MIN_DEAD && this.docs.dead * 4 >= this.docs.slotCount) this.compact();
    return true;
  }

  /** Drops every document at once ("Clear all"): remove() one by one re-analyses each, seconds at 100k. */
  clear(): void {
    this.docs = new DocStore();
    this.terms = new TermTable();
    this.ocrWords = new FuzzyVocabulary();
    this.totals.fill(0);
    this.avg = undefined;
  }

  /** Analysed data of one image (for snapshots and explanations). */
  docData(id: number): DocData | undefined {
    const slot = this.docs.slot(id);
    return slot === undefined ? undefined : this.docs.data(slot);
  }

  /** Lucene-style BM25 idf; never negative. */
  idf(key: string): number {
    const n = this.docs.live;
    const df = this.terms.df(key);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** Best alternative of one query term in one doc, with its score (for explanations). */
  bestAlternative(
    id: number,
    alts: readonly Alternative[],
    baseIdf: number,
    phrase: boolean,
  ): { alt: Alternative; counts: FieldCounts; score: number } | undefined {
    const slot = this.docs.slot(id);
    if (slot === undefined) return undefined;
    const avg = this.averages();
    let best: { alt: Alternative; counts: FieldCounts; score: number } | undefined;
    for (const alt of alts) {
      const list = this.terms.list(alt.key);
      const i = list ? list.find(slot) : -1;
      if (!list || i < 0) continue;
      const weights = phrase ? this.phraseWeights : this.weightsOf(alt);
      const score = Math.min(baseIdf, this.idf(alt.key)) * alt.weight * this.termScore(list, i, slot, weights, avg);
      if (score > 0 && (!best || score > best.score)) {
        const counts = Object.fromEntries(FIELDS.map((f, j) => [f, list.tf[i * FIELD_COUNT + j] as number])) as FieldCounts;
        best = { alt, counts, score };
      }
    }
    return best;
  }

  search(query: string | LexicalQuery, opts: SearchOptions = {}): LexicalHit[] {
    const q = this.withNearSpellings(typeof query === 'string' ? analyzeQuery(query, this.options) : query);
    const { limit = 50, minScore = -Infinity, explain = true, rerankDepth = DEFAULT_RERANK_DEPTH } = opts;
    return this.rank(q, limit, minScore, rerankDepth).map(({ id, score }) => ({
      id,
      score,
      reasons: explain ? explainHit(this, q, id) : [],
    }));
  }

  /** Why `id` matched `query` (what search returns as `reasons`). */
  explain(query: LexicalQuery, id: number): MatchReason[] {
    return this.has(id) ? explainHit(this, this.withNearSpellings(query), id) : [];
  }

  /**
   * The query with each word's near spellings in OCR text added as alternatives (relation
   * 'fuzzy', OCR field only). Idempotent: a query that has them already is returned as is.
   */
  withNearSpellings(q: LexicalQuery): LexicalQuery {
    return withNearSpellings(q, this.ocrWords, this.options.ocrFuzzy);
  }

  private weightsOf(alt: Alternative): Float64Array {
    return alt.relation === 'fuzzy' ? this.fuzzyWeights : this.termWeights;
  }

  tripletIdf(t: { s: string; o: string }): number {
    const words = [t.s, t.o].filter((w) => w !== '').map((w) => keyFor(w, this.options.analyzer));
    return words.reduce((sum, k) => sum + this.idf(k), 0) / Math.max(1, words.length);
  }

  private readonly idfOfTriplet = (t: { s: string; o: string }): number => this.tripletIdf(t);

  /** The triplet bonus of the document in `slot` (triplet-rescore.ts). */
  private tripletScoreAt(q: LexicalQuery, slot: number): number {
    return tripletBonus(q, this.docs.triplets(slot), this.options, this.idfOfTriplet);
  }

  /** Packed copies of the index's arrays (see lexical-snapshot.ts). */
  state(): LexicalState {
    const remap = new Int32Array(this.docs.slotCount).fill(-1);
    for (let r = 0, w = 0; r < this.docs.slotCount; r++) if (this.docs.alive[r]) remap[r] = w++;
    return { docs: this.docs.arrays(), ...this.terms.pack(remap) };
  }

  /** An index over `state` (validated by the caller); takes copies, so `state` stays untouched. */
  static fromState(options: LexicalOptions, state: LexicalState): LexicalIndex {
    const index = new LexicalIndex(options);
    index.docs = DocStore.from(state.docs);
    index.terms = TermTable.unpack(state);
    const lengths = index.docs.lengths;
    for (let i = 0; i < index.docs.slotCount * FIELD_COUNT; i++) {
      const f = i % FIELD_COUNT;
      index.totals[f] = (index.totals[f] as number) + (lengths[i] as number);
    }
    state.terms.forEach((key, t) => {
      for (let p = state.offsets[t] as number; p < (state.offsets[t + 1] as number); p++)
        if ((state.tf[p * FIELD_COUNT + OCR_FIELD] as number) > 0) index.ocrWords.add(key);
    });
    return index;
  }

  private compact(): void {
    const remap = this.docs.compact();
    this.terms.compact(remap);
  }

  /** Mean field lengths over live documents (1 for an empty field, as before any document). */
  private averages(): Float64Array {
    const n = this.docs.live;
    if (!this.avg) this.avg = Float64Array.from(this.totals, (t) => t / n || 1);
    return this.avg;
  }

  /** BM25F: field frequencies, length-normalised and weighted, saturate together. */
  private termScore(list: PostingList, i: number, slot: number, weights: Float64Array, avg: Float64Array): number {
    const { k1, b } = this.options;
    const lengths = this.docs.lengths;
    let tf = 0;
    for (let f = 0; f < FIELD_COUNT; f++) {
      const c = list.tf[i * FIELD_COUNT + f] as number;
      if (c === 0) continue;
      tf += ((weights[f] as number) * c) / (1 - b + (b * (lengths[slot * FIELD_COUNT + f] as number)) / (avg[f] as number));
    }
    return (tf * (k1 + 1)) / (tf + k1);
  }

  /**
   * A warm pass over the kept scores (impact-cache.ts): each call of the returned step computes up
   * to `maxPostings` postings' scores, the longest lists first (warmOrder), and says whether there
   * is more. It stops, false, once any document changes: what it would keep is then stale.
   */
  warmImpacts(): (maxPostings: number) => boolean {
    const avg = this.averages();
    if (this.warmedFor === avg) return () => false;
    const lengthOf = (key: string): number => (this.terms.list(key) as PostingList).length;
    const keys = warmOrder(this.terms.longest(WARM_MIN_POSTINGS), lengthOf, this.impacts.capacity);
    let next = 0;
    return (maxPostings) => {
      let done = 0;
      for (; next < keys.length && this.avg === avg; next++) {
        const key = keys[next] as string;
        const list = this.terms.list(key) as PostingList;
        if (done > 0 && done + list.length > maxPostings) return true;
        this.impactsOf(key, list, this.termWeights, avg);
        done += list.length;
      }
      if (next === keys.length && this.avg === avg) this.warmedFor = avg;
      return false;
    };
  }

  /** Postings whose scores are kept now (for tests and probes). */
  get keptScores(): number {
    return this.impacts.size;
  }

  /** termScore of each posting of `list` (held between searches while the documents stay as they are). */
  private impactsOf(key: string, list: PostingList, weights: Float64Array, avg: Float64Array): Float64Array {
    const kind = weights === this.termWeights ? 't' : weights === this.phraseWeights ? 'p' : 'f';
    return this.impacts.get(avg, `${kind}${key}`, list.length, (out) => {
      for (let i = 0; i < out.length; i++) out[i] = this.termScore(list, i, list.slots[i] as number, weights, avg);
    });
  }

  private ensureScratch(): void {
    const n = this.docs.slotCount;
    // Stamps are Uint32: start over long before the epoch counter could wrap.
    if (this.acc.length >= n && this.epoch < 0xfff00000) return;
    const cap = Math.max(n, this.acc.length * 2, 64);
    this.acc = new Float64Array(cap);
    this.accStamp = new Uint32Array(cap);
    this.best = new Float64Array(cap);
    this.bestStamp = new Uint32Array(cap);
    this.touched = new Uint32Array(cap);
    this.termTouched = new Uint32Array(cap);
    this.epoch = 0;
  }

  /**
   * Adds one query term's score to every live document that has one of its alternatives: the best
   * weighted alternative counts (synonyms don't stack). Returns the new count of touched slots.
   */
  private accumulate(alts: readonly Alternative[], baseIdf: number, weights: Float64Array, avg: Float64Array, count: number): number {
    const termEpoch = ++this.epoch;
    const alive = this.docs.alive;
    let m = 0;
    for (const alt of alts) {
      const list = this.terms.list(alt.key);
      if (!list) continue;
      // A rare synonym must not outrank the word itself: use the smaller idf.
      const idf = Math.min(baseIdf, this.idf(alt.key)) * alt.weight;
      const w = alt.relation === 'fuzzy' ? this.fuzzyWeights : weights;
      const scores = this.impactsOf(alt.key, list, w, avg);
      const slots = list.slots;
      for (let i = 0; i < list.length; i++) {
        const slot = slots[i] as number;
        if (!alive[slot]) continue;
        const s = idf * (scores[i] as number);
        if (!(s > 0)) continue;
        if (this.bestStamp[slot] !== termEpoch) {
          this.bestStamp[slot] = termEpoch;
          this.best[slot] = s;
          this.termTouched[m++] = slot;
        } else if (s > (this.best[slot] as number)) this.best[slot] = s;
      }
    }
    const accEpoch = this.accEpoch;
    for (let j = 0; j < m; j++) {
      const slot = this.termTouched[j] as number;
      if (this.accStamp[slot] !== accEpoch) {
        this.accStamp[slot] = accEpoch;
        this.acc[slot] = 0;
        this.touched[count++] = slot;
      }
      this.acc[slot] = (this.acc[slot] as number) + (this.best[slot] as number);
    }
    return count;
  }

  private rank(q: LexicalQuery, limit: number, minScore: number, rerankDepth: number): { id: number; score: number }[] {
    if (!(limit > 0) || this.docs.live === 0) return [];
    this.ensureScratch();
    this.accEpoch = ++this.epoch;
    const avg = this.averages();
    let count = 0;
    for (const t of q.terms) count = this.accumulate(t.alternatives, this.idf(t.key), this.termWeights, avg, count);
    const phraseAlt = (p: string): Alternative[] => [{ key: p, relation: 'exact', weight: this.options.phraseWeight }];
    for (const p of q.phrases) count = this.accumulate(phraseAlt(p), this.idf(p), this.phraseWeights, avg, count);
    const ids = this.docs.ids;
    const k = Math.min(Math.floor(limit), count);
    if (rescores(q, this.options)) {
      const offerAll = (top: TopK): void => {
        for (let j = 0; j < count; j++) {
          const slot = this.touched[j] as number;
          top.offer(this.acc[slot] as number, ids[slot] as number, slot);
        }
      };
      const depth = Math.min(count, Math.max(k, Math.floor(rerankDepth) || 0));
      const bonus = (slot: number): number => this.tripletScoreAt(q, slot);
      const settled = rescoreTriplets(q, this.options, this.idfOfTriplet, k, depth, minScore, offerAll, bonus, (slot, s) => (this.acc[slot] = s));
      if (settled) return settled.map(({ id, score }) => ({ id, score }));
    }
    const top = new TopK(k);
    for (let j = 0; j < count; j++) {
      const slot = this.touched[j] as number;
      const s = this.acc[slot] as number;
      if (s >= minScore) top.offer(s, ids[slot] as number, slot);
    }
    return top.sorted().map(({ id, score }) => ({ id, score }));
  }
}
