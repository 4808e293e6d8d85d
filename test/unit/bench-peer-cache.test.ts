import { describe, expect, it } from 'vitest';
import { graphFile } from '../../bench/lib/peer-hnsw.ts';

// bench:index caches hnswlib's graph under bench/out. It was named by the base file's name, so two
// different files called base.fvecs shared one graph (issue 16); it is named by their content now.
describe('bench peer graph cache', () => {
  const a = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i));
  it('gives other contents another file and the same contents the same file', () => {
    const b = a.slice();
    b[17] += 1e-3;
    expect(graphFile(a, 8, 16, 100, 'out')).not.toBe(graphFile(b, 8, 16, 100, 'out'));
    expect(graphFile(a, 8, 16, 100, 'out')).toBe(graphFile(a.slice(), 8, 16, 100, 'out'));
    // Build parameters are part of the name too.
    expect(graphFile(a, 8, 16, 100, 'out')).not.toBe(graphFile(a, 8, 32, 100, 'out'));
  });
});
