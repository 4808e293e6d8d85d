// Recall floor on a slice of the shared captioned set (read in place, never copied).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate, loadCaptioned, oracleSplit } from '../../bench/eval-lib.ts';
import { BM25_OPTIONS, FULL_OPTIONS } from '../../src/core/text/lexical-types.ts';

const DATA = '/work/shared/data/captioned';

describe.skipIf(!existsSync(`${DATA}/captions.json`))('text retrieval eval (first 200 images, oracle:1)', () => {
  it('full lexical path clears its floor and beats plain BM25', () => {
    const split = oracleSplit(loadCaptioned(DATA), 1, [0, 200]);
    const bm25 = evaluate(split, BM25_OPTIONS);
    const full = evaluate(split, FULL_OPTIONS);
    expect(full.queries).toBe(800);
    // Measured 0.534 (bm25 0.451) when written; the floor leaves room for small changes.
    expect(full.recallAt1).toBeGreaterThan(0.5);
    expect(full.recallAt1).toBeGreaterThan(bm25.recallAt1 + 0.04);
    expect(full.mrr).toBeGreaterThan(bm25.mrr);
  });
});
