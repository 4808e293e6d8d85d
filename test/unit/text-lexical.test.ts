import { describe, expect, it } from 'vitest';
import { LexicalIndex } from '../../src/core/text/lexical-index.ts';
import { fromSnapshot, toSnapshot } from '../../src/core/text/lexical-snapshot.ts';
import { BM25_OPTIONS, FULL_OPTIONS, type MatchReason } from '../../src/core/text/lexical-types.ts';
import { buildRecord } from '../../src/core/text/record.ts';

const models = { captioner: 'test', embedder: 'test' };
const CAPTIONS: Record<number, string[]> = {
  3: ['A brown dog runs through the grass .', 'A dog running on a lawn .'],
  10: ['A man rides a bicycle down the street .'],
  42: ['Two girls play on the beach .'],
  7: ['A woman in a black dress sits on a bench .'],
  1000: ['A white dog jumps over a fence .'],
};

function build(opts = FULL_OPTIONS): LexicalIndex {
  const index = new LexicalIndex(opts);
  for (const [id, caps] of Object.entries(CAPTIONS)) index.add(Number(id), buildRecord(caps, models));
  return index;
}

describe('LexicalIndex', () => {
  it('clear() empties the index at once, and it ranks as a new one afterwards', () => {
    const index = build();
    index.clear();
    expect([...index.ids()]).toEqual([]);
    expect(index.search('dog')).toEqual([]);
    for (const [id, caps] of Object.entries(CAPTIONS)) index.add(Number(id), buildRecord(caps, models));
    const fresh = build();
    for (const q of ['dog', 'a man rides a bicycle', 'puppy on grass']) expect(index.search(q)).toEqual(fresh.search(q));
  });

  it('ranks an exact caption match first, in both presets', () => {
    for (const opts of [BM25_OPTIONS, FULL_OPTIONS]) {
      expect(build(opts).search('a man rides a bicycle down the street')[0]?.id).toBe(10);
    }
  });

  it('expands synonyms and hypernyms: "puppy" finds dog records, "bike" finds "bicycle"', () => {
    const index = build();
    expect(
      index
        .search('puppy')
        .map((h) => h.id)
        .sort((a, b) => a - b),
    ).toEqual([3, 1000]);
    expect(index.search('a guy riding a bike')[0]?.id).toBe(10);
    expect(index.search('children at the seaside')[0]?.id).toBe(42); // girl < child, beach ~ seaside
    expect(build(BM25_OPTIONS).search('puppy')).toEqual([]);
  });

  it('says why a hit matched: which word, through which relation, in which caption', () => {
    const hit = build().search('puppy on the lawn')[0];
    expect(hit?.id).toBe(3);
    const terms = (hit?.reasons ?? []).filter((r): r is Extract<MatchReason, { kind: 'term' }> => r.kind === 'term');
    expect(terms).toContainEqual(expect.objectContaining({ query: 'puppy', matched: 'dog', relation: 'synonym', captions: [0, 1] }));
    expect(terms).toContainEqual(expect.objectContaining({ query: 'lawn', matched: 'lawn', relation: 'exact', captions: [1] }));
  });

  it('explains triplet matches and colour conflicts', () => {
    const index = build();
    const ride = index.search('a man riding a bicycle')[0];
    expect(ride?.reasons).toContainEqual(expect.objectContaining({ kind: 'triplet', matched: { s: 'man', r: 'ride', o: 'bicycle' } }));
    const black = index.search('a black dog');
    const white = black.find((h) => h.id === 1000);
    expect(white?.reasons).toContainEqual(expect.objectContaining({ kind: 'conflict', matched: { s: 'dog', r: 'is', o: 'white' } }));
  });

  it('adds, replaces and removes records by non-contiguous integer id', () => {
    const index = build();
    expect(index.size).toBe(5);
    expect(index.ids().sort((a, b) => a - b)).toEqual([3, 7, 10, 42, 1000]);
    expect(index.remove(10)).toBe(true);
    expect(index.remove(10)).toBe(false);
    expect(index.search('bicycle')).toEqual([]);
    index.add(7, buildRecord(['A cat sleeps on a sofa .'], models)); // replaces id 7
    expect(index.size).toBe(4);
    expect(index.search('dress')).toEqual([]);
    expect(index.search('couch')[0]?.id).toBe(7);
    expect(() => index.add(1.5, buildRecord(['x'], models))).toThrow(RangeError);
  });

  it('honours limit and minScore', () => {
    const index = build();
    expect(index.search('dog', { limit: 1 })).toHaveLength(1);
    expect(index.search('dog', { minScore: 1e9 })).toEqual([]);
  });

  it('round-trips through a snapshot (as IndexedDB clones it) with identical results', () => {
    const index = build();
    const copy = fromSnapshot(structuredClone(toSnapshot(index)), FULL_OPTIONS);
    for (const q of ['puppy on the lawn', 'a woman sitting', 'girls on the beach', 'a black dog']) {
      expect(copy.search(q)).toEqual(index.search(q));
    }
    expect(copy.ids().sort((a, b) => a - b)).toEqual(index.ids().sort((a, b) => a - b));
    expect(copy.docData(3)).toEqual(index.docData(3));
    expect(() => fromSnapshot({ format: 'glimpse-lexical', version: -1 })).toThrow(/rebuild/);
  });
});
