// The lexical index keeps each posting's score before idf between searches (impact-cache.ts).
// Searches must rank and score exactly as an index that never searched before, across adds,
// removes, compaction and near spellings; the cache's room is bounded.
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/forest/rng.ts';
import { analyzeRecord } from '../../src/core/text/analyze.ts';
import { ImpactCache, WARM_SHARE, warmOrder } from '../../src/core/text/impact-cache.ts';
import type { DocData } from '../../src/core/text/lexical-types.ts';
import { buildRecord, FULL_OPTIONS, LexicalIndex, type AnalyticsRecord } from '../../src/core/text/index.ts';

const models = { captioner: 'c', embedder: 'e' };
const WHO = ['a man', 'a woman', 'a dog', 'two dogs', 'a girl', 'a boy', 'a puppy', 'a guy', 'people'];
const DOING = ['runs', 'sits', 'plays', 'jumps', 'walks', 'stands'];
const WHERE = ['on the grass', 'in the snow', 'on a dock', 'by the lake', 'in a red dress', 'on the beach', 'near a fence'];
const SIGNS = ['BAKERY', 'STOP', 'CAFE OPEN', 'EXIT'];
const QUERIES = ['dog', 'a man on a dock', 'two dogs playing in snow', 'girl in a red dress', 'puppy on grass', 'people', 'bakery', 'bakry cafe', 'guy jumps'];

/** n photos drawn from 120 distinct caption sets (a record takes ms to build), a fifth with a sign. */
function photos(n: number, seed: number): AnalyticsRecord[] {
  const rng = createRng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)] as T;
  const pool = Array.from({ length: 120 }, () => buildRecord([0, 1, 2].map(() => `${pick(WHO)} ${pick(DOING)} ${pick(WHERE)} .`), models));
  return Array.from({ length: n }, () => {
    const record = pick(pool);
    return rng.next() < 0.2 ? { ...record, ocr: { text: pick(SIGNS), confidence: 0.9, model: 'ocr' } } : record;
  });
}

const analysed = new WeakMap<AnalyticsRecord, DocData>();

/** An index that never searched, over `docs` (each record analysed once per test run). */
function fresh(docs: ReadonlyMap<number, AnalyticsRecord>): LexicalIndex {
  const index = new LexicalIndex(FULL_OPTIONS);
  for (const [id, record] of docs) {
    let data = analysed.get(record);
    if (!data) analysed.set(record, (data = analyzeRecord(record, FULL_OPTIONS.analyzer)));
    index.addAnalysed(id, data);
  }
  return index;
}

const results = (index: LexicalIndex): unknown[] => QUERIES.map((q) => index.search(q, { limit: 30, explain: false }).map((h) => [h.id, h.score]));

describe('lexical search with kept posting scores', () => {
  it('ranks and scores as a fresh index after searches, adds, removes and compaction', () => {
    const records = photos(1400, 7);
    const docs = new Map(records.slice(0, 1000).map((r, i) => [i + 1, r] as const));
    const index = fresh(docs);
    const first = results(index);
    expect(first.flat().length).toBeGreaterThan(100);
    expect(first).toEqual(results(fresh(docs)));
    // The same searches again read the kept scores: the same answers to the last bit.
    expect(results(index)).toEqual(first);
    expect(results(index)).toEqual(results(fresh(docs)));
    // Adds change every document's length normalisation: nothing kept may be used after them.
    for (let id = 1001; id <= 1150; id++) {
      docs.set(id, records[id - 1] as AnalyticsRecord);
      index.add(id, records[id - 1] as AnalyticsRecord);
    }
    const afterAdds = results(index);
    expect(afterAdds).not.toEqual(first);
    expect(afterAdds).toEqual(results(fresh(docs)));
    results(index);
    // Removing 1,030 of 1,150 compacts the index (slots renumbered) on the way.
    for (let id = 1; id <= 1030; id++) {
      docs.delete(id);
      index.remove(id);
    }
    // It did compact: 1,150 slots before.
    expect((index as unknown as { docs: { slotCount: number } }).docs.slotCount).toBeLessThan(130);
    expect(results(index)).toEqual(results(fresh(docs)));
    // A replaced record (same id, new words).
    docs.set(1100, records[1300] as AnalyticsRecord);
    index.add(1100, records[1300] as AnalyticsRecord);
    expect(results(index)).toEqual(results(fresh(docs)));
  });
});

describe('the warm pass (LexicalIndex.warmImpacts)', () => {
  it('keeps the long lists in steps, then searches rank as a fresh index; a finished pass is not redone', () => {
    const records = photos(2000, 11);
    const docs = new Map(records.map((r, i) => [i + 1, r] as const));
    const index = fresh(docs);
    const step = index.warmImpacts();
    let steps = 1;
    while (step(600)) steps++;
    expect(steps).toBeGreaterThan(2);
    const kept = index.keptScores;
    expect(kept).toBeGreaterThan(1000);
    // Searches reuse what the pass kept: the words most photos share add nothing new.
    expect(results(index)).toEqual(results(fresh(docs)));
    const afterSearch = index.keptScores;
    expect(index.warmImpacts()(600)).toBe(false);
    expect(index.keptScores).toBe(afterSearch);
  });

  it('stops once a document changes mid-pass; a new pass then keeps scores for the new documents', () => {
    const records = photos(2100, 12);
    const docs = new Map(records.slice(0, 2000).map((r, i) => [i + 1, r] as const));
    const index = fresh(docs);
    const step = index.warmImpacts();
    expect(step(600)).toBe(true);
    docs.set(2001, records[2000] as AnalyticsRecord);
    index.add(2001, records[2000] as AnalyticsRecord);
    expect(step(600)).toBe(false);
    const again = index.warmImpacts();
    while (again(600));
    expect(results(index)).toEqual(results(fresh(docs)));
  });

  it('chooses the longest lists that fit in its share of the cache, and fills the shortest of them first', () => {
    const lengths = new Map([['a', 50], ['b', 30], ['c', 20], ['d', 10], ['e', 5]]);
    // Share of 100: 75. a (50) + b would be 80: b is left out, c (20) and e (5) fit after it.
    expect(100 * WARM_SHARE).toBe(75);
    expect(warmOrder(['a', 'b', 'c', 'd', 'e'], (k) => lengths.get(k)!, 100)).toEqual(['e', 'c', 'a']);
  });
});

describe('ImpactCache', () => {
  const fill = (v: number) => (out: Float64Array) => out.fill(v);

  it('keeps lists until its room is full, dropping the least recently used first', () => {
    const cache = new ImpactCache(10);
    const basis = {};
    let fills = 0;
    const get = (key: string, length: number): Float64Array =>
      cache.get(basis, key, length, (out) => {
        fills++;
        out.fill(length);
      });
    get('a', 4);
    get('b', 4);
    get('a', 4); // 'a' is now the most recent
    expect(fills).toBe(2);
    get('c', 4); // 12 > 10: 'b' goes
    expect(cache.size).toBe(8);
    get('a', 4);
    expect(fills).toBe(3);
    get('b', 4);
    expect(fills).toBe(4);
    expect(cache.size).toBeLessThanOrEqual(10);
  });

  it('never holds a list larger than its room, and forgets all for another basis', () => {
    const cache = new ImpactCache(10);
    const basis = {};
    expect(Array.from(cache.get(basis, 'big', 11, fill(1)))).toHaveLength(11);
    expect(cache.size).toBe(0);
    cache.get(basis, 'a', 5, fill(1));
    expect(cache.size).toBe(5);
    const next = {};
    expect(cache.get(next, 'a', 5, fill(2))[0]).toBe(2);
    expect(cache.size).toBe(5);
    expect(cache.get(next, 'a', 5, fill(9))[0]).toBe(2);
    // A list of another length under the same key (it grew) is computed again.
    expect(cache.get(next, 'a', 6, fill(3))[0]).toBe(3);
    expect(cache.size).toBe(6);
  });
});
