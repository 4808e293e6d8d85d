import { describe, expect, it } from 'vitest';
import { Kept, splitKept } from '../../src/core/forest/kept.ts';
import { createRng } from '../../src/core/forest/rng.ts';

// The exact step reads the kept slots best estimate first (score.ts finish); splitKept cuts that
// order after the first list without sorting the whole tail. head + after + the sorted tail must
// be the full sort, ties included (equal estimates ranked by slot).
describe('forest splitKept', () => {
  it('gives the full sort, cut after the first list, with ties at the cut', () => {
    const rng = createRng(7);
    for (const [n, first, levels] of [[10, 64, 0], [200, 64, 0], [500, 64, 0], [500, 64, 5], [1000, 20, 3], [129, 64, 2]] as const) {
      const c = new Kept();
      // levels > 0: estimates on a few values, so many tie at the cut.
      for (let i = 0; i < n; i++) c.push(levels ? Math.floor(rng.next() * levels) / levels : rng.next() * 2 - 1, 0, (i * 7919) % 100003);
      const kept = Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 1);
      const full = [...kept].sort((a, b) => c.est[b] - c.est[a] || c.slot[a] - c.slot[b]);
      const { head, after, tail } = splitKept(c, [...kept], first);
      expect(head).toEqual(full.slice(0, first));
      const sortedTail = [...tail].sort((a, b) => c.est[b] - c.est[a] || c.slot[a] - c.slot[b]);
      expect([...head, ...after, ...sortedTail]).toEqual(full);
      expect(tail.every((i) => c.est[i] < c.est[head[head.length - 1]])).toBe(true);
    }
  });
});
