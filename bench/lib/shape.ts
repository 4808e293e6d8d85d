// A data set's shape, measured: how tight its neighbourhoods are (mean cosine to the 1st and 10th
// true neighbour, and their gap), its local intrinsic dimensionality (LID, MLE over the 20
// nearest), and how anisotropic it is (norm of the mean row, mean cosine of random pairs).
import { dotF32 } from '../../src/core/forest/vector-math.ts';
import type { Dataset } from './dataset.ts';
import { lidFromCosines, round } from './stats.ts';
import { rng32 } from './synthetic.ts';

export interface Shape {
  rows: number;
  dim: number;
  queries: number;
  meanCos1: number;
  meanCos10: number;
  /** Mean of cos@10 − cos@11: how close the 10th and 11th neighbours are (near-ties). */
  meanGap10: number;
  lid20: number;
  /** ‖mean of the unit rows‖: 0 for a centred set, near 1 when one direction dominates. */
  meanNorm: number;
  /** Mean cosine of 2,000 random base pairs. */
  randomPairCos: number;
  /** Share of base coordinates that are ≥ 0. */
  nonNegative: number;
}

export function shapeOf(ds: Dataset): Shape {
  const d = ds.dim, n = ds.base.length / d, nq = ds.query.length / d;
  let lid = 0, c1 = 0, c10 = 0, gap = 0;
  for (let q = 0; q < nq; q++) {
    const cos = Array.from(ds.gt.subarray(q * ds.gtK, q * ds.gtK + 20), (j) => dotF32(ds.query, q * d, ds.base, j * d, d));
    lid += lidFromCosines(cos);
    c1 += cos[0];
    c10 += cos[9];
    gap += cos[9] - cos[10];
  }
  const mean = new Float64Array(d);
  let nonNeg = 0;
  for (let j = 0; j < n; j++) for (let i = 0; i < d; i++) {
    const v = ds.base[j * d + i];
    mean[i] += v;
    if (v >= 0) nonNeg++;
  }
  let mm = 0;
  for (let i = 0; i < d; i++) mm += (mean[i] / n) ** 2;
  const r = rng32(17);
  let pair = 0;
  for (let p = 0; p < 2000; p++) pair += dotF32(ds.base, Math.floor(r() * n) * d, ds.base, Math.floor(r() * n) * d, d);
  return {
    rows: n, dim: d, queries: nq, meanCos1: round(c1 / nq), meanCos10: round(c10 / nq), meanGap10: round(gap / nq, 4), lid20: round(lid / nq, 1),
    meanNorm: round(Math.sqrt(mm)), randomPairCos: round(pair / 2000), nonNegative: round(nonNeg / (n * d)),
  };
}

export const shapeLine = (name: string, s: Shape): string =>
  `${name}: ${s.rows} × ${s.dim}, ${s.queries} queries; cos@1 ${s.meanCos1}, cos@10 ${s.meanCos10}, gap@10 ${s.meanGap10}, LID ${s.lid20}; ‖mean‖ ${s.meanNorm}, random-pair cos ${s.randomPairCos}, non-negative ${s.nonNegative}`;
