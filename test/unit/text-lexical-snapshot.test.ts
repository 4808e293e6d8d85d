// The packed index: removals and compaction, and the binary snapshot IndexedDB stores.
import { describe, expect, it } from 'vitest';
import { LexicalIndex } from '../../src/core/text/lexical-index.ts';
import { fromSnapshot, LEXICAL_SNAPSHOT_VERSION, toSnapshot, type LexicalSnapshot } from '../../src/core/text/lexical-snapshot.ts';
import { BM25_OPTIONS, FULL_OPTIONS } from '../../src/core/text/lexical-types.ts';
import { buildRecord, type AnalyticsRecord } from '../../src/core/text/record.ts';

const models = { captioner: 'test', embedder: 'test' };
const TEXTS = [
  'A brown dog runs through the grass .',
  'A man rides a bicycle down the street .',
  'Two girls play on the beach .',
  'A woman in a black dress sits on a bench .',
  'A white dog jumps over a fence .',
  'A child in a red coat holds a kite .',
  'Two men climb a rock in the snow .',
];
const RECORDS: AnalyticsRecord[] = TEXTS.map((t, i) => buildRecord([t, TEXTS[(i + 3) % TEXTS.length] as string], models));
const QUERIES = ['a dog in the grass', 'puppy', 'a man on a bike', 'black dress', 'a white dog jumps', 'kids at the seaside', 'snow'];

const recordFor = (id: number): AnalyticsRecord => RECORDS[id % RECORDS.length] as AnalyticsRecord;

function indexOf(ids: Iterable<number>, opts = FULL_OPTIONS): LexicalIndex {
  const index = new LexicalIndex(opts);
  for (const id of ids) index.add(id, recordFor(id));
  return index;
}

function expectSameResults(a: LexicalIndex, b: LexicalIndex): void {
  for (const q of QUERIES) expect(a.search(q, { limit: 20 })).toEqual(b.search(q, { limit: 20 }));
}

describe('LexicalIndex storage', () => {
  it('after many removals (compaction) answers like an index built from the survivors', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => i + 1);
    const index = indexOf(ids);
    const removed = ids.filter((id) => id % 3 !== 0);
    for (const id of removed) expect(index.remove(id)).toBe(true);
    const survivors = ids.filter((id) => id % 3 === 0);
    // Dead slots were dropped along the way (the test is about that path).
    expect((index as unknown as { docs: { slotCount: number } }).docs.slotCount).toBeLessThan(ids.length);
    expect(index.size).toBe(survivors.length);
    expect(index.has(1)).toBe(false);
    expect(index.has(3)).toBe(true);
    expectSameResults(index, indexOf(survivors));
    // Replacing keeps one copy.
    index.add(3, recordFor(4));
    expect(index.size).toBe(survivors.length);
    expect(index.docData(3)).toEqual(indexOf([4]).docData(4));
  });

  it('snapshot → structured clone → index gives the same results, and the loaded index keeps working', () => {
    for (const opts of [FULL_OPTIONS, BM25_OPTIONS]) {
      const index = indexOf([5, 9, 1000, 42, 7, 13, 2 ** 40], opts);
      index.remove(9);
      const snap = structuredClone(toSnapshot(index));
      const copy = fromSnapshot(snap, opts);
      expectSameResults(copy, index);
      // Appending to lists that were loaded as views, then removing, still agrees.
      for (const i of [index, copy]) {
        i.add(77, recordFor(1));
        i.add(78, recordFor(0));
        i.remove(42);
      }
      expectSameResults(copy, index);
      expect(toSnapshot(copy)).toEqual(toSnapshot(index));
      // Loading never changes the snapshot it was given.
      expect(fromSnapshot(snap, opts).size).toBe(6);
    }
  });

  it('an empty index and empty words survive', () => {
    const empty = fromSnapshot(structuredClone(toSnapshot(new LexicalIndex(FULL_OPTIONS))), FULL_OPTIONS);
    expect(empty.size).toBe(0);
    expect(empty.search('dog')).toEqual([]);
    const index = new LexicalIndex(FULL_OPTIONS);
    index.addAnalysed(1, { captions: [['dog', 'run']], tags: [''], triplets: [{ s: 'dog', r: 'run', o: '' }], ocr: ['open', ''] });
    const copy = fromSnapshot(structuredClone(toSnapshot(index)), FULL_OPTIONS);
    expect(copy.docData(1)).toEqual(index.docData(1));
  });

  it('stores word ids in 16 bits while they fit, in 32 bits past 65,535 words', () => {
    const small = toSnapshot(indexOf([1, 2, 3]));
    expect(small.docText).toBeInstanceOf(Uint16Array);
    const big = new LexicalIndex(FULL_OPTIONS);
    for (let d = 0; d < 70; d++) {
      big.addAnalysed(d + 1, { captions: [Array.from({ length: 1000 }, (_, i) => `w${d * 1000 + i}`)], tags: [], triplets: [], ocr: [] });
    }
    const snap = toSnapshot(big);
    expect(snap.docText).toBeInstanceOf(Uint32Array);
    const copy = fromSnapshot(structuredClone(snap), FULL_OPTIONS);
    expect(copy.docData(70)).toEqual(big.docData(70));
    expect(copy.search('w69999', { limit: 1 })[0]?.id).toBe(70);
  });

  it('refuses snapshots of another version, other settings, or arrays that do not add up', () => {
    const good = toSnapshot(indexOf([1, 2, 3, 4]));
    const bad = (patch: Partial<Record<keyof LexicalSnapshot, unknown>>): unknown => ({ ...good, ...patch });
    const cases: unknown[] = [
      undefined,
      null,
      'x',
      bad({ version: LEXICAL_SNAPSHOT_VERSION - 1 }),
      bad({ format: 'other' }),
      bad({ ids: [1, 2, 3, 4] }),
      bad({ ids: Float64Array.from([1, 2, 2, 4]) }),
      bad({ ids: Float64Array.from([1, 2, 3, 4.5]) }),
      bad({ lengths: good.lengths.subarray(1) }),
      bad({ docText: good.docText.subarray(0, good.docText.length - 1) }),
      bad({ docText: good.docText.map((v, i) => (i === 1 ? 1e6 : v)) }),
      bad({ postingSlots: good.postingSlots.map((v, i) => (i === 0 ? 99 : v)) }),
      bad({ postingTf: good.postingTf.subarray(4) }),
      bad({ postingOffsets: good.postingOffsets.subarray(1) }),
      bad({ words: 42 }),
    ];
    for (const c of cases)
      expect(() => fromSnapshot(c, FULL_OPTIONS), JSON.stringify(c)?.slice(0, 80)).toThrow(
        expect.objectContaining({ name: 'StaleIndexError' }),
      );
    expect(() => fromSnapshot(good, BM25_OPTIONS)).toThrow(/other settings/);
    expect(fromSnapshot(good, FULL_OPTIONS).size).toBe(4);
  });
});
