// Keyword search over a split index (lexical-split.ts) read part by part: a query fetches the
// directory pages of its keys (all at once), then the postings of its words and the triplets of
// its subjects (all at once, by Range), and ranks them exactly as LexicalIndex does: BM25F with
// the same idf, field-length normalisation and synonym rule, then the same bounded triplet/colour
// rerank. The scoring below mirrors lexical-index.ts line for line (same arithmetic in the same
// order); test/unit/text-lexical-split.test.ts holds the two to identical ids and scores.
import { GlimpseError } from '../errors.ts';
import { checksum32 } from '../forest/checksum.ts';
import { keyFor } from './analyze.ts';
import { explainDoc } from './explain.ts';
import { FuzzyVocabulary, withNearSpellings } from './fuzzy.ts';
import { DEFAULT_RERANK_DEPTH } from './lexical-index.ts';
import { checkHead, pageOf, readPage, readPostings, readTriplets, tripletsOf, TRIPLET_KEY, type DirEntry, type SplitHead, type SplitPostings, type SplitTriplets } from './lexical-split.ts';
import { FIELDS, type DocData, type Field, type LexicalHit, type LexicalOptions, type MatchReason, type SearchOptions } from './lexical-types.ts';
import { FIELD_COUNT as FIELDS_PER_POSTING } from './postings.ts';
import type { Alternative, LexicalQuery } from './query.ts';
import { expandKey, relationOf } from './synonyms.ts';
import { TopK } from './top-k.ts';
import { rescores, rescoreTriplets, tripletBonus } from './triplet-rescore.ts';
import type { Triplet } from './triplets.ts';

const FIELD_COUNT: number = FIELDS_PER_POSTING;
type FieldCounts = Record<Field, number>;

/** How the searcher reads parts: a whole part (checked against its name), byte ranges of one, and raw inflate (for a head with compression 'deflate-raw'). */
export interface SplitFetch {
  part(name: string): Promise<Uint8Array>;
  ranges(name: string, ranges: readonly (readonly [number, number])[]): Promise<Uint8Array[]>;
  inflate?(bytes: Uint8Array): Promise<Uint8Array>;
}

/** A part that does not decode or fails its checksum; the caller names the pack. */
export class SplitIndexError extends GlimpseError {
  constructor(message: string) {
    super('SplitIndexError', message);
  }
}

type Entry = SplitPostings | SplitTriplets;

export class SplitLexical {
  readonly options: LexicalOptions;
  private readonly ocr = new FuzzyVocabulary();
  private readonly pages = new Map<number, Promise<Map<string, DirEntry>>>();
  /** Decoded postings and triplet lists by key (a later query with the same words fetches nothing). */
  private readonly lists = new Map<string, Promise<Entry>>();

  constructor(
    readonly head: SplitHead,
    private readonly fetch: SplitFetch,
  ) {
    this.options = head.options;
    for (const w of head.ocrWords) this.ocr.add(w);
  }

  /** Throws StaleIndexError (checkHead) when `json` is not a head this build reads. */
  static open(json: unknown, fetch: SplitFetch, expected?: LexicalOptions): SplitLexical {
    return new SplitLexical(checkHead(json, expected), fetch);
  }

  /** The query with near spellings in OCR text added (as LexicalIndex.withNearSpellings). */
  withNearSpellings(q: LexicalQuery): LexicalQuery {
    return withNearSpellings(q, this.ocr, this.options.ocrFuzzy);
  }

  /** Fetches what `query` needs (two rounds of requests at most) and returns a view that ranks and explains it. */
  async prepare(query: LexicalQuery): Promise<SplitView> {
    const q = this.withNearSpellings(query);
    const a = this.options.analyzer;
    const listKeys = new Set<string>();
    for (const t of q.terms) for (const alt of t.alternatives) listKeys.add(alt.key);
    for (const p of q.phrases) listKeys.add(p);
    const dfKeys = new Set<string>([...listKeys, ...q.terms.map((t) => t.key)]);
    const rerank = q.triplets.length > 0 && (this.options.tripletWeight > 0 || this.options.colorConflict > 0);
    if (rerank) {
      for (const t of q.triplets) {
        for (const w of [t.s, t.o]) if (w !== '') dfKeys.add(keyFor(w, a));
        for (const k of subjectKeys(t.s, this.options)) listKeys.add(TRIPLET_KEY + k);
      }
    }
    const dir = await this.entries([...dfKeys, ...listKeys]);
    const lists = await this.load([...listKeys].filter((k) => dir.has(k)), dir);
    const df = new Map<string, number>();
    for (const k of dfKeys) df.set(k, dir.get(k)?.df ?? 0);
    const postings = new Map<string, SplitPostings>();
    const triplets: SplitTriplets[] = [];
    // In the order of listKeys, not of the reads' answers (a doc's triplets in one order every time).
    for (const k of listKeys) {
      const e = lists.get(k);
      if (!e) continue;
      if (!k.startsWith(TRIPLET_KEY)) postings.set(k, e as SplitPostings);
      else triplets.push(e as SplitTriplets);
    }
    return new SplitView(this.head, q, df, postings, triplets);
  }

  /** Directory entries of `keys` that exist, reading the pages they fall in together. */
  private async entries(keys: readonly string[]): Promise<Map<string, DirEntry>> {
    const want = [...new Set(keys.map((k) => pageOf(this.head, k)).filter((p) => p >= 0))];
    const pages = await Promise.all(want.map((p) => this.page(p)));
    const out = new Map<string, DirEntry>();
    const byPage = new Map(want.map((p, i) => [p, pages[i]!]));
    for (const k of keys) {
      const e = byPage.get(pageOf(this.head, k))?.get(k);
      if (e) out.set(k, e);
    }
    return out;
  }

  private page(p: number): Promise<Map<string, DirEntry>> {
    let got = this.pages.get(p);
    if (!got) {
      const name = this.head.pages[p]![1];
      got = this.fetch.part(name).then((bytes) => {
        try {
          return readPage(bytes, this.head.postingsBytes);
        } catch (e) {
          throw new SplitIndexError(`its keyword directory page ${name} does not decode (${(e as Error).message})`);
        }
      });
      got.catch(() => this.pages.delete(p));
      this.pages.set(p, got);
    }
    return got;
  }

  /** The lists of `keys` (each in `dir`), the ones not yet read fetched in one ranged read. */
  private async load(keys: readonly string[], dir: Map<string, DirEntry>): Promise<Map<string, Entry>> {
    const missing = keys.filter((k) => !this.lists.has(k));
    if (missing.length > 0) {
      const ranges = missing.map((k) => [dir.get(k)!.start, dir.get(k)!.end] as const);
      const batch = this.fetch.ranges(this.head.postings, ranges);
      missing.forEach((k, i) => {
        const e = dir.get(k)!;
        const got = batch.then(async (all) => {
          let bytes = all[i]!;
          if (bytes.byteLength !== e.end - e.start || checksum32(bytes, 0, bytes.byteLength) !== e.checksum) throw new SplitIndexError(`the postings of "${k.replace(TRIPLET_KEY, '')}" in part ${this.head.postings} fail their checksum (damaged, or changed while being read)`);
          try {
            if (e.deflated) {
              if (!this.fetch.inflate) throw new RangeError('a deflated entry and no inflate');
              bytes = await this.fetch.inflate(bytes);
            }
            return k.startsWith(TRIPLET_KEY) ? readTriplets(bytes) : readPostings(bytes, e.df);
          } catch (err) {
            throw new SplitIndexError(`the postings of "${k.replace(TRIPLET_KEY, '')}" in part ${this.head.postings} do not decode (${(err as Error).message})`);
          }
        });
        got.catch(() => this.lists.delete(k));
        this.lists.set(k, got);
      });
    }
    const out = new Map<string, Entry>();
    await Promise.all(keys.map(async (k) => out.set(k, await this.lists.get(k)!)));
    return out;
  }
}

/** Keys of the record subjects a query subject matches (termSim > 0 in triplet-match.ts). */
function subjectKeys(subject: string, opts: LexicalOptions): string[] {
  if (subject === '') return [];
  const key = keyFor(subject, 'lemma');
  return expandKey(key)
    .filter((e) => relationOf(key, e.key) !== undefined && (e.relation === 'exact' ? 1 : opts.expansion[e.relation]) > 0)
    .map((e) => e.key);
}

/** One query's postings, ranked and explained as LexicalIndex does (its search and explain, mirrored). */
export class SplitView {
  readonly options: LexicalOptions;
  private readonly termWeights: Float64Array;
  private readonly phraseWeights: Float64Array;
  private readonly fuzzyWeights: Float64Array;
  private readonly avg: Float64Array;

  constructor(
    private readonly head: SplitHead,
    /** The query as searched (near spellings added). */
    readonly query: LexicalQuery,
    private readonly df: ReadonlyMap<string, number>,
    private readonly postings: ReadonlyMap<string, SplitPostings>,
    /** The triplet lists of the query's subjects (their keys and their synonyms'). */
    private readonly triplets: readonly SplitTriplets[],
  ) {
    const fw = head.options.fieldWeights;
    this.options = head.options;
    this.termWeights = Float64Array.from(FIELDS, (f) => (f === 'phrase' ? 0 : fw[f]));
    this.phraseWeights = Float64Array.from(FIELDS, (f) => (f === 'phrase' ? 1 : 0));
    this.fuzzyWeights = Float64Array.from(FIELDS, (f) => (f === 'ocr' ? fw.ocr : 0));
    const n = head.docs;
    this.avg = Float64Array.from(head.totals, (t) => t / n || 1);
  }

  idf(key: string): number {
    const n = this.head.docs;
    const df = this.df.get(key) ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  tripletIdf(t: { s: string; o: string }): number {
    const words = [t.s, t.o].filter((w) => w !== '').map((w) => keyFor(w, this.options.analyzer));
    return words.reduce((sum, k) => sum + this.idf(k), 0) / Math.max(1, words.length);
  }

  private readonly idfOfTriplet = (t: { s: string; o: string }): number => this.tripletIdf(t);

  bestAlternative(id: number, alts: readonly Alternative[], baseIdf: number, phrase: boolean): { alt: Alternative; counts: FieldCounts; score: number } | undefined {
    let best: { alt: Alternative; counts: FieldCounts; score: number } | undefined;
    for (const alt of alts) {
      const list = this.postings.get(alt.key);
      const i = list ? find(list.ids, id) : -1;
      if (!list || i < 0) continue;
      const weights = phrase ? this.phraseWeights : alt.relation === 'fuzzy' ? this.fuzzyWeights : this.termWeights;
      const score = Math.min(baseIdf, this.idf(alt.key)) * alt.weight * this.termScore(list, i, weights);
      if (score > 0 && (!best || score > best.score)) {
        const counts = Object.fromEntries(FIELDS.map((f, j) => [f, list.tf[i * FIELD_COUNT + j] as number])) as FieldCounts;
        best = { alt, counts, score };
      }
    }
    return best;
  }

  /** As LexicalIndex.search, without reasons (explain them with explain()). */
  search(opts: Omit<SearchOptions, 'explain'> = {}): LexicalHit[] {
    const { limit = 50, minScore = -Infinity, rerankDepth = DEFAULT_RERANK_DEPTH } = opts;
    return this.rank(limit, minScore, rerankDepth).map(({ id, score }) => ({ id, score, reasons: [] }));
  }

  /** Why `id`, whose analysed data is `doc` (from its row), matched. */
  explain(id: number, doc: DocData): MatchReason[] {
    return explainDoc(this, this.query, id, doc);
  }

  private termScore(list: SplitPostings, i: number, weights: Float64Array): number {
    const { k1, b } = this.options;
    const avg = this.avg;
    let tf = 0;
    for (let f = 0; f < FIELD_COUNT; f++) {
      const c = list.tf[i * FIELD_COUNT + f] as number;
      if (c === 0) continue;
      tf += ((weights[f] as number) * c) / (1 - b + (b * (list.lengths[i * FIELD_COUNT + f] as number)) / (avg[f] as number));
    }
    return (tf * (k1 + 1)) / (tf + k1);
  }

  private rank(limit: number, minScore: number, rerankDepth: number): { id: number; score: number }[] {
    if (!(limit > 0) || this.head.docs === 0) return [];
    const size = this.head.maxId + 1;
    const acc = new Float64Array(size), seen = new Uint8Array(size);
    const best = new Float64Array(size), bestStamp = new Uint32Array(size);
    const touched: number[] = [];
    let epoch = 0;
    const accumulate = (alts: readonly Alternative[], baseIdf: number, weights: Float64Array): void => {
      const termEpoch = ++epoch;
      const termTouched: number[] = [];
      for (const alt of alts) {
        const list = this.postings.get(alt.key);
        if (!list) continue;
        const idf = Math.min(baseIdf, this.idf(alt.key)) * alt.weight;
        const w = alt.relation === 'fuzzy' ? this.fuzzyWeights : weights;
        for (let i = 0; i < list.length; i++) {
          const id = list.ids[i] as number;
          const s = idf * this.termScore(list, i, w);
          if (!(s > 0)) continue;
          if (bestStamp[id] !== termEpoch) {
            bestStamp[id] = termEpoch;
            best[id] = s;
            termTouched.push(id);
          } else if (s > (best[id] as number)) best[id] = s;
        }
      }
      for (const id of termTouched) {
        if (!seen[id]) {
          seen[id] = 1;
          acc[id] = 0;
          touched.push(id);
        }
        acc[id] = (acc[id] as number) + (best[id] as number);
      }
    };
    const q = this.query;
    for (const t of q.terms) accumulate(t.alternatives, this.idf(t.key), this.termWeights);
    for (const p of q.phrases) accumulate([{ key: p, relation: 'exact', weight: this.options.phraseWeight }], this.idf(p), this.phraseWeights);
    const count = touched.length;
    const k = Math.min(Math.floor(limit), count);
    if (rescores(q, this.options)) {
      const offerAll = (top: TopK): void => {
        for (const id of touched) top.offer(acc[id] as number, id, id);
      };
      const depth = Math.min(count, Math.max(k, Math.floor(rerankDepth) || 0));
      const settled = rescoreTriplets(q, this.options, this.idfOfTriplet, k, depth, minScore, offerAll, (id) => this.tripletScoreOf(id), (id, s) => (acc[id] = s));
      if (settled) return settled.map(({ id, score }) => ({ id, score }));
    }
    const top = new TopK(k);
    for (const id of touched) {
      const s = acc[id] as number;
      if (s >= minScore) top.offer(s, id, id);
    }
    return top.sorted().map(({ id, score }) => ({ id, score }));
  }

  /** The triplet bonus of one document from its triplets under the query's subjects (the only ones that can match). */
  private tripletScoreOf(id: number): number {
    const triplets: Triplet[] = [];
    for (const list of this.triplets) tripletsOf(list, id, triplets);
    return tripletBonus(this.query, triplets, this.options, this.idfOfTriplet);
  }
}

/** Index of `id` in ascending `ids`, or -1. */
function find(ids: Float64Array, id: number): number {
  let lo = 0, hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = ids[mid] as number;
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
