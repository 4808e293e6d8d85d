import { describe, expect, it } from 'vitest';
import { DEFAULT_TEXT_SEARCH, fuseTextSearch } from '../../src/core/search/text-search.ts';
import { LexicalIndex } from '../../src/core/text/lexical-index.ts';
import { FULL_OPTIONS, type LexicalHit, type MatchReason } from '../../src/core/text/lexical-types.ts';
import { buildRecord } from '../../src/core/text/record.ts';

const reason: MatchReason = { kind: 'term', query: 'dog', matched: 'dog', relation: 'exact', fields: ['caption'], captions: [0], score: 2 };
const lex = (id: number, score: number, reasons: MatchReason[] = []): LexicalHit => ({ id, score, reasons });
const opts = { limit: 10, vectorMin: 0.4, lexicalMin: 1, k: 60 };

describe('fuseTextSearch', () => {
  it('ranks images found by both sides first and keeps both raw scores and the lexical reasons', () => {
    const hits = fuseTextSearch(
      [
        { id: 1, score: 0.7 },
        { id: 2, score: 0.6 },
      ],
      [lex(2, 5, [reason]), lex(3, 4)],
      opts,
    );
    expect(hits.map((h) => h.id)).toEqual([2, 1, 3]);
    expect(hits[0]).toEqual({ id: 2, score: 1 / 62 + 1 / 61, vectorScore: 0.6, lexicalScore: 5, reasons: [reason] });
    expect(hits[1]).toEqual({ id: 1, score: 1 / 61, vectorScore: 0.7, reasons: [] });
    expect(hits[2]).toEqual({ id: 3, score: 1 / 62, lexicalScore: 4, reasons: [] });
  });

  it('drops a vector-only id under vectorMin and a lexical-only id under lexicalMin', () => {
    const hits = fuseTextSearch(
      [
        { id: 1, score: 0.41 },
        { id: 2, score: 0.39 },
      ],
      [lex(3, 1.5), lex(4, 0.5)],
      opts,
    );
    expect(hits.map((h) => h.id)).toEqual([1, 3]);
  });

  it('keeps an id that passes one side; its sub-threshold rank on the other side still counts', () => {
    const vector = [
      { id: 9, score: 0.9 },
      { id: 1, score: 0.2 }, // under vectorMin
    ];
    const hits = fuseTextSearch(vector, [lex(1, 3), lex(2, 2.9)], opts);
    expect(hits.map((h) => h.id)).toEqual([1, 9, 2]);
    expect(hits[0]).toMatchObject({ id: 1, vectorScore: 0.2, lexicalScore: 3 });
    expect(hits[0]?.score).toBeCloseTo(1 / 62 + 1 / 61);
  });

  it('drops an id both sides saw but neither vouches for', () => {
    expect(fuseTextSearch([{ id: 1, score: 0.1 }], [lex(1, 0.2)], opts)).toEqual([]);
  });

  it('caps at limit, ignores non-finite scores and repeated ids, and returns [] for limit 0', () => {
    const vector = [
      { id: 1, score: 0.9 },
      { id: 1, score: 0.8 },
      { id: 2, score: Number.NaN },
      { id: 3, score: 0.7 },
      { id: 4, score: 0.6 },
    ];
    const hits = fuseTextSearch(vector, [], { ...opts, limit: 2 });
    expect(hits.map((h) => [h.id, h.vectorScore])).toEqual([
      [1, 0.9],
      [3, 0.7],
    ]);
    expect(fuseTextSearch(vector, [], { ...opts, limit: 0 })).toEqual([]);
  });

  it('defaults: k 60, a cosine gate in (0, 1), and every net-positive lexical match kept', () => {
    expect(DEFAULT_TEXT_SEARCH.k).toBe(60);
    expect(DEFAULT_TEXT_SEARCH.vectorMin).toBeGreaterThan(0);
    expect(DEFAULT_TEXT_SEARCH.vectorMin).toBeLessThan(1);
    // A word in every photo of a small gallery scores ~0.02: still a match the person typed.
    const hits = fuseTextSearch([], [lex(1, 0.02), lex(2, 0), lex(3, -0.5)], DEFAULT_TEXT_SEARCH);
    expect(hits.map((h) => h.id)).toEqual([1]);
    const noK = fuseTextSearch([{ id: 1, score: 0.9 }], [], { limit: 5, vectorMin: 0.5, lexicalMin: 1 });
    expect(noK[0]?.score).toBeCloseTo(1 / 61);
  });

  it('works on real lexical hits: a uniform small gallery still returns every exact match', () => {
    const index = new LexicalIndex(FULL_OPTIONS);
    const captions = ['A dog runs on the beach .', 'Two dogs play in the snow .', 'A dog sleeps on a sofa .'];
    captions.forEach((c, id) => index.add(id, buildRecord([c], { captioner: 'test', embedder: 'test' })));
    const lexical = index.search('dog', { limit: DEFAULT_TEXT_SEARCH.limit });
    expect(lexical.every((h) => h.score < 0.5)).toBe(true); // idf of a word every photo has is tiny
    const hits = fuseTextSearch([], lexical, DEFAULT_TEXT_SEARCH);
    expect(hits.map((h) => h.id).sort()).toEqual([0, 1, 2]);
    expect(hits.every((h) => h.reasons.some((r) => r.kind === 'term' && r.matched === 'dog'))).toBe(true);
  });
});
