// The two-stage search: BM25F over every match, the triplet/colour bonus only for the best
// BM25 candidates, stopping once no later candidate could still make the top `limit`.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_RERANK_DEPTH, LexicalIndex } from '../../src/core/text/lexical-index.ts';
import { FULL_OPTIONS } from '../../src/core/text/lexical-types.ts';
import { buildRecord, type AnalyticsRecord } from '../../src/core/text/record.ts';

const models = { captioner: 'test', embedder: 'test' };
const SUBJECTS = ['dog', 'man', 'woman', 'boy', 'girl', 'black dog', 'white dog', 'brown dog'];
const ACTIONS = ['runs on', 'sits on', 'jumps over', 'plays in', 'rides', 'holds', 'stands near'];
const OBJECTS = ['the grass', 'the beach', 'a bench', 'a bicycle', 'the snow', 'a red ball', 'a fence'];

/** Deterministic pseudo-random record pool: many documents share words, some share whole triplets. */
function records(n: number): AnalyticsRecord[] {
  let x = 12345;
  const pick = <T>(xs: readonly T[]): T => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return xs[(x >>> 8) % xs.length] as T;
  };
  const pool = Array.from({ length: 120 }, () =>
    buildRecord(
      Array.from({ length: 1 + ((x >>> 4) % 3) }, () => `A ${pick(SUBJECTS)} ${pick(ACTIONS)} ${pick(OBJECTS)} .`),
      models,
    ),
  );
  return Array.from({ length: n }, () => pick(pool));
}

const QUERIES = [
  'a dog runs on the grass',
  'a black dog jumps over a fence',
  'a girl rides a bicycle on the beach',
  'a white dog in the snow',
  'man sitting on a bench',
  'a boy holds a red ball',
];

function bigIndex(): LexicalIndex {
  const index = new LexicalIndex(FULL_OPTIONS);
  records(1500).forEach((r, i) => index.add(3 * i + 7, r));
  return index;
}

const rescored = () => vi.spyOn(LexicalIndex.prototype as unknown as { tripletScoreAt: () => number }, 'tripletScoreAt');

afterEach(() => {
  vi.restoreAllMocks();
});

describe('LexicalIndex candidate cut', () => {
  const index = bigIndex();

  it('ranks exactly as rescoring every match would, scores and reasons included', () => {
    for (const q of QUERIES) {
      for (const limit of [1, 10, 60, 100]) {
        expect(index.search(q, { limit })).toEqual(index.search(q, { limit, rerankDepth: Infinity }));
      }
    }
  });

  it('gives the bonus to at most rerankDepth candidates, far fewer than the matches', () => {
    for (const q of QUERIES) {
      const matches = index.search(q, { limit: Infinity, explain: false, rerankDepth: 0 }).length;
      expect(matches).toBeGreaterThan(DEFAULT_RERANK_DEPTH);
      const spy = rescored();
      index.search(q, { limit: 10, explain: false });
      expect(spy.mock.calls.length).toBeGreaterThan(0);
      expect(spy.mock.calls.length).toBeLessThanOrEqual(DEFAULT_RERANK_DEPTH);
      spy.mockRestore();
      const all = rescored();
      index.search(q, { limit: 10, explain: false, rerankDepth: Infinity });
      expect(all.mock.calls.length).toBeLessThanOrEqual(matches);
      all.mockRestore();
    }
  });

  it('stops early when even the largest bonus cannot lift the next candidate into the top', () => {
    const small = new LexicalIndex(FULL_OPTIONS);
    // One exact match far ahead on BM25, then many weak one-word matches.
    small.add(1, buildRecord(['A man rides a bicycle down a street .', 'A man riding a bicycle .'], models));
    for (let id = 2; id < 200; id++) small.add(id, buildRecord([`A woman with a bicycle number ${id} .`], models));
    const spy = rescored();
    const hits = small.search('a man rides a bicycle', { limit: 1, explain: false });
    expect(hits.map((h) => h.id)).toEqual([1]);
    expect(spy.mock.calls.length).toBe(1);
  });

  it('rerankDepth bounds the bonus stage: a deep candidate is not lifted past it', () => {
    const small = new LexicalIndex(FULL_OPTIONS);
    small.add(1, buildRecord(['A bicycle leans on a wall next to a man .'], models)); // better BM25
    small.add(2, buildRecord(['A man pushes a bicycle up a steep hill .'], models)); // (man, push, bicycle)
    small.add(3, buildRecord(['A cat sleeps .'], models));
    const top = (rerankDepth: number) => small.search('a man with a bicycle', { limit: 1, rerankDepth })[0];
    expect(top(1)?.id).toBe(1);
    expect(top(1)?.reasons.some((r) => r.kind === 'triplet')).toBe(false);
    expect(top(2)?.id).toBe(2);
    expect(top(2)?.reasons.some((r) => r.kind === 'triplet')).toBe(true);
    expect(top(DEFAULT_RERANK_DEPTH)).toEqual(top(Infinity));
  });

  it('takes fractional or odd limits and depths as the old slice did', () => {
    const q = QUERIES[1] as string;
    expect(index.search(q, { limit: 2.7 })).toEqual(index.search(q, { limit: 2 }));
    expect(index.search(q, { limit: 0.5 })).toEqual([]);
    expect(index.search(q, { limit: 5, rerankDepth: 7.5 })).toEqual(index.search(q, { limit: 5, rerankDepth: 7 }));
    expect(index.search(q, { limit: 5, rerankDepth: Number.NaN })).toEqual(index.search(q, { limit: 5, rerankDepth: 0 }));
  });

  it('a full ranking (limit Infinity) lists every match once, rescored ones first by their final score', () => {
    const q = QUERIES[0] as string;
    const all = index.search(q, { limit: Infinity, explain: false });
    expect(new Set(all.map((h) => h.id)).size).toBe(all.length);
    expect(all.length).toBe(index.search(q, { limit: Infinity, explain: false, rerankDepth: 0 }).length);
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.score).toBeGreaterThanOrEqual(all[i]!.score);
  });
});
