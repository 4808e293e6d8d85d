import { describe, expect, it } from 'vitest';
import { describeMatch } from '../../src/core/search/explain.ts';
import { fuseTextSearch } from '../../src/core/search/text-search.ts';
import type { SearchHit } from '../../src/core/search/types.ts';
import { LexicalIndex } from '../../src/core/text/lexical-index.ts';
import { FULL_OPTIONS, type MatchReason } from '../../src/core/text/lexical-types.ts';
import { buildRecord, type AnalyticsRecord } from '../../src/core/text/record.ts';

const ids = { captioner: 'test', embedder: 'test' };
const GALLERY: string[][] = [
  ['Two dogs play in the snow .', 'A dog is running outside in winter .'],
  ['A puppy chews a red ball .'],
  ['A woman rides a bicycle down the street .', 'Cyclist on a city road .'],
  ['A man sits on a bench .', 'Snow covers the park .'],
  ['Children swim in a pool .'],
];
const records = GALLERY.map((c) => buildRecord(c, ids));
const index = new LexicalIndex(FULL_OPTIONS);
records.forEach((r, id) => index.add(id, r));

/** The app's path: lexical search, fusion (no vector side here), then the explanation. */
function explain(query: string, id: number): ReturnType<typeof describeMatch> {
  const hit = fuseTextSearch([], index.search(query), { limit: 10, vectorMin: 0.35, lexicalMin: 1e-6 }).find((h) => h.id === id);
  if (!hit) throw new Error(`${query}: image ${id} not found`);
  return describeMatch(hit, records[id] as AnalyticsRecord);
}

const term = (query: string, matched: string, captions: number[], relation: 'exact' | 'synonym' = 'exact'): MatchReason => ({
  kind: 'term',
  query,
  matched,
  relation,
  fields: ['caption'],
  captions,
  score: 1,
});

describe('describeMatch', () => {
  it('quotes the caption that holds every matched word and highlights them as written', () => {
    expect(explain('dogs playing in snow', 0)).toEqual({
      kind: 'caption',
      text: 'caption: “Two dogs play in the snow .”',
      highlights: ['dogs', 'play', 'snow', 'dog'],
    });
  });

  it('shows the synonym step for a single word found through a synonym', () => {
    expect(explain('dog', 1)).toEqual({ kind: 'term', text: 'word: dog ≈ puppy', highlights: ['puppy'] });
    expect(explain('bike', 2)).toMatchObject({ kind: 'term', text: expect.stringMatching(/^word: bike ≈ bicycle/u) as unknown });
  });

  it('lists the strongest words when no caption holds two of them', () => {
    const s = explain('man in the snow', 3);
    expect(s.kind).toBe('term');
    expect(s.text).toMatch(/^words: (man, snow|snow, man)$/u);
    expect(s.highlights).toEqual(['man', 'Snow']);
  });

  it('shows a who-does-what triplet when no single caption holds every word', () => {
    const record = buildRecord(['A dog plays .', 'It is in the snow .'], ids);
    const hit: SearchHit = {
      id: 1,
      score: 0.03,
      lexicalScore: 3,
      reasons: [
        term('dog', 'dog', [0]),
        term('snow', 'snow', [1]),
        { kind: 'triplet', query: { s: 'dog', r: 'play in', o: 'snow' }, matched: { s: 'dog', r: 'play in', o: 'snow' }, score: 0.2 },
      ],
    };
    expect(describeMatch(hit, record)).toEqual({
      kind: 'triplet',
      text: 'triplet: dog · play in · snow',
      highlights: ['dog', 'plays', 'snow'],
    });
  });

  it('says "similar meaning" when only the vector side matched, and never cites a colour clash', () => {
    const record = records[4] as AnalyticsRecord;
    const clash: MatchReason = {
      kind: 'conflict',
      query: { s: 'dog', r: 'is', o: 'black' },
      matched: { s: 'dog', r: 'is', o: 'white' },
      score: -1,
    };
    const hit: SearchHit = { id: 4, score: 0.016, vectorScore: 0.5, reasons: [clash] };
    expect(describeMatch(hit, record)).toEqual({ kind: 'semantic', text: 'similar meaning', highlights: [] });
  });

  it('returns plain text: markup in a caption stays literal text, highlights are substrings of captions', () => {
    const record = buildRecord(['A <b>dog</b> & a cat .'], ids);
    const hit: SearchHit = { id: 0, score: 1, lexicalScore: 2, reasons: [term('dog', 'dog', [0]), term('cat', 'cat', [0])] };
    const s = describeMatch(hit, record);
    expect(s.text).toBe('caption: “A <b>dog</b> & a cat .”');
    expect(s.highlights).toEqual(['dog', 'cat']);
  });

  it('survives reasons pointing past the record (a stale record): falls back to words', () => {
    const record = buildRecord(['A dog .'], ids);
    const hit: SearchHit = { id: 0, score: 1, lexicalScore: 2, reasons: [term('puppy', 'dog', [3], 'synonym')] };
    expect(describeMatch(hit, record)).toEqual({ kind: 'term', text: 'word: puppy ≈ dog', highlights: ['dog'] });
  });

  it('every lexical hit over the gallery gets a non-semantic reason whose highlights occur in its captions', () => {
    for (const q of ['dog', 'snow', 'woman riding a bike', 'kids swimming', 'red ball', 'street']) {
      for (const hit of fuseTextSearch([], index.search(q), { limit: 10, vectorMin: 0.35, lexicalMin: 1e-6 })) {
        const record = records[hit.id] as AnalyticsRecord;
        const s = describeMatch(hit, record);
        expect(s.kind, `${q} -> ${hit.id}`).not.toBe('semantic');
        expect(s.highlights.length, `${q} -> ${hit.id}`).toBeGreaterThan(0);
        for (const w of s.highlights) expect(record.captions.some((c) => c.includes(w))).toBe(true);
      }
    }
  });
});
