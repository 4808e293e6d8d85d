import { describe, expect, it } from 'vitest';
import { describeMatch } from '../../src/core/search/explain.ts';
import { DEFAULT_IMAGE_SEARCH, rankSimilar } from '../../src/core/search/image-search.ts';
import { buildRecord } from '../../src/core/text/record.ts';

const hits = [
  { id: 7, score: 1 },
  { id: 3, score: 0.8 },
  { id: 5, score: 0.9 },
  { id: 3, score: 0.85 },
  { id: 4, score: 0.8 },
  { id: 6, score: -0.1 },
  { id: 8, score: Number.NaN },
];

describe('rankSimilar', () => {
  it('leaves out the query image, sorts best first (ties by id) and keeps the best score per id', () => {
    const out = rankSimilar(hits, { excludeId: 7, minScore: 0, limit: 10 });
    expect(out.map((h) => [h.id, h.score])).toEqual([
      [5, 0.9],
      [3, 0.85],
      [4, 0.8],
    ]);
    expect(out[0]).toEqual({ id: 5, score: 0.9, visualScore: 0.9, reasons: [] });
  });

  it('applies minScore and limit', () => {
    expect(rankSimilar(hits, { minScore: 0.86, limit: 10 }).map((h) => h.id)).toEqual([7, 5]);
    expect(rankSimilar(hits, { minScore: -1, limit: 2 }).map((h) => h.id)).toEqual([7, 5]);
    expect(rankSimilar(hits, { minScore: -1, limit: 0 })).toEqual([]);
  });

  it('defaults keep every neighbour pointing the same way, capped', () => {
    expect(rankSimilar(hits, { ...DEFAULT_IMAGE_SEARCH, excludeId: 7 }).map((h) => h.id)).toEqual([5, 3, 4]);
    const many = Array.from({ length: 500 }, (_, id) => ({ id, score: id / 500 }));
    expect(rankSimilar(many, DEFAULT_IMAGE_SEARCH)).toHaveLength(DEFAULT_IMAGE_SEARCH.limit);
  });

  it('explains as visual', () => {
    const record = buildRecord(['A dog runs on the beach .'], { captioner: 'test', embedder: 'test' });
    const [hit] = rankSimilar(hits, { excludeId: 7, minScore: 0, limit: 1 });
    expect(describeMatch(hit!, record)).toEqual({ kind: 'visual', text: 'looks similar', highlights: [] });
  });
});
