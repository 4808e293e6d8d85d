import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion, weightedScoreFusion } from '../../src/core/text/fusion.ts';

const vector = [
  { id: 1, score: 0.62 },
  { id: 2, score: 0.55 },
  { id: 3, score: 0.2 },
];
const lexical = [
  { id: 2, score: 9.1 },
  { id: 4, score: 5.0 },
];

describe('reciprocalRankFusion', () => {
  it('puts items ranked well on both sides first and keeps where each came from', () => {
    const fused = reciprocalRankFusion(vector, lexical);
    expect(fused.map((h) => h.id)).toEqual([2, 1, 4, 3]);
    expect(fused[0]).toMatchObject({ vectorRank: 2, lexicalRank: 1, vectorScore: 0.55, lexicalScore: 9.1 });
    expect(fused[0]?.score).toBeCloseTo(1 / 62 + 1 / 61);
  });
  it('gates each side on its own relevance threshold before fusing', () => {
    const fused = reciprocalRankFusion(vector, lexical, { vectorMin: 0.5, lexicalMin: 6 });
    expect(fused.map((h) => h.id)).toEqual([2, 1]);
    expect(reciprocalRankFusion(vector, [], { vectorMin: 0.9 })).toEqual([]);
  });
  it('respects weights and limit', () => {
    expect(reciprocalRankFusion(vector, lexical, { vectorWeight: 0, limit: 2 }).map((h) => h.id)).toEqual([2, 4]);
  });
});

describe('weightedScoreFusion', () => {
  it('min-max scales each side and mixes them with alpha', () => {
    const fused = weightedScoreFusion(vector, lexical, { alpha: 0.5 });
    expect(fused[0]?.id).toBe(2);
    expect(fused[0]?.score).toBeCloseTo(0.5 * ((0.55 - 0.2) / 0.42) + 0.5);
    expect(weightedScoreFusion(vector, lexical, { alpha: 1 })[0]?.id).toBe(1);
  });
  it('drops fused hits under minScore', () => {
    expect(weightedScoreFusion(vector, lexical, { minScore: 0.6 }).map((h) => h.id)).toEqual([2]);
  });
});
