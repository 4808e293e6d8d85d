// Each text search files where its time went (workers/lib/search-steps.ts): bench:pipeline splits
// the slow searches with it. The steps are read from the search's own path, in order.
import { describe, expect, it } from 'vitest';
import type { QueryEmbedder } from '../../workers/lib/query-side';
import type { PreparedText, ResultRow } from '../../workers/lib/ranking';
import type { StepClock } from '../../workers/lib/search-steps';
import { searchSteps } from '../../workers/lib/search-steps';
import { textQuery, type TextSearchable } from '../../workers/lib/text-query';

const prepared = { lexical: {}, hits: [] } as unknown as PreparedText;

describe('search steps', () => {
  it('records one split per search, its parts within its total, the forest’s trace included', async () => {
    const seen: (StepClock | undefined)[] = [];
    const library: TextSearchable = {
      prepareText: () => {
        const end = performance.now() + 3; // the lexical ranking's own time
        while (performance.now() < end);
        return prepared;
      },
      async searchText(_q, vector, _limit, _signal, clock): Promise<ResultRow[]> {
        seen.push(clock);
        expect(vector).toBeInstanceOf(Float32Array);
        // What Library.searchText fills in: the forest's trace and its own steps.
        if (clock) Object.assign(clock.forestTrace, { vectorsMs: 1.5, vectorReads: 3 });
        if (clock) clock.steps.rows = 0.25;
        return [];
      },
    };
    const embedder: QueryEmbedder = { remote: true, embed: () => new Promise((ok) => setTimeout(() => ok(new Float32Array([1, 0])), 5)) };
    const before = searchSteps().length;
    await textQuery('a dog', 60, async () => library, async () => embedder, new AbortController().signal);
    await textQuery('a cat', 60, async () => library, async () => embedder, new AbortController().signal);
    const steps = searchSteps().slice(before);
    expect(steps).toHaveLength(2);
    expect(seen.every((c) => c !== undefined)).toBe(true);
    for (const s of steps) {
      expect(s.forestVectors).toBe(1.5);
      expect(s.vectorReads).toBe(3);
      expect(s.rows).toBe(0.25);
      expect(s.queryWorker).toBe(1);
      expect(s.vector).toBeGreaterThanOrEqual(0);
      // The embed's and the ranking's own times, inside the steps that end with them.
      expect(s.embed).toBeGreaterThanOrEqual(3);
      expect(s.embed).toBeLessThanOrEqual(s.vector);
      expect(s.prepare).toBeGreaterThanOrEqual(2.9);
      expect(s.prepare).toBeLessThanOrEqual(s.lexical);
      expect(s.total).toBeGreaterThanOrEqual(Math.max(s.vector, s.lexical));
    }
  });

  it('keeps the last 200 searches only', async () => {
    const library: TextSearchable = { prepareText: () => prepared, searchText: async () => [] };
    for (let i = 0; i < 210; i++) await textQuery('q', 60, async () => library, undefined, new AbortController().signal);
    expect(searchSteps()).toHaveLength(200);
  });
});
