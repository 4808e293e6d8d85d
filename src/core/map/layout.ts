// The map's 2-D layout: UMAP (umap-js) over the nearest-neighbour graph our forest found. umap-js
// takes a precomputed graph through its public setPrecomputedKNN; with one set, initializeFit
// reads its data argument only for its length (umap-js 1.4.0 source: nearestNeighbors is skipped,
// and fuzzySimplicialSet / makeSearchGraph use X.length), so no vectors are copied into it
// (test/unit/map-layout.test.ts checks the layout equals one given the real vectors). Seeded: the
// same graph and seed give the same positions.
import { UMAP } from 'umap-js';
import { AbortError, throwIfAborted, type SignalLike } from '../errors.ts';
import { createRng } from '../forest/rng.ts';
import { toNested, type KnnGraph } from './graph.ts';

export interface LayoutOptions {
  seed: number;
  /** UMAP's min_dist: how tightly alike photos pack. */
  minDist?: number;
  /** Optimisation epochs. Default 200, as Python UMAP uses for large sets (umap-js would run 500
   *  below 2,500 photos: 2.5× the time for a barely different map). */
  epochs?: number;
  signal?: SignalLike;
  /** Epochs done of the total, after each epoch. */
  onProgress?: (done: number, total: number) => void;
  /** Awaited now and then between epochs, so a worker can take a cancel message. */
  pause?: () => Promise<void>;
  /** Hands umap-js something other than placeholders (the test that shows they are enough). */
  data?: number[][];
}

export const MAP_MIN_DIST = 0.1;
export const MAP_EPOCHS = 200;

/** Positions as x0, y0, x1, y1, … in UMAP's own units. */
export async function layoutMap(g: KnnGraph, o: LayoutOptions): Promise<Float32Array> {
  const out = new Float32Array(2 * g.n);
  // UMAP needs more photos than neighbours: one or two photos simply sit side by side.
  if (g.n <= 2 || g.k >= g.n) {
    for (let i = 0; i < g.n; i++) out[2 * i] = 2 * i - (g.n - 1);
    return out;
  }
  throwIfAborted(o.signal);
  const rng = createRng(o.seed);
  const umap = new UMAP({ nComponents: 2, nNeighbors: g.k, minDist: o.minDist ?? MAP_MIN_DIST, random: () => rng.next(), nEpochs: o.epochs ?? MAP_EPOCHS });
  const { indices, distances } = toNested(g);
  umap.setPrecomputedKNN(indices, distances);
  const total = umap.initializeFit(o.data ?? Array.from({ length: g.n }, () => []));
  let last = Date.now();
  for (let e = 0; e < total; e++) {
    umap.step();
    o.onProgress?.(e + 1, total);
    if (o.pause && Date.now() - last > 40) {
      await o.pause();
      last = Date.now();
    }
    if (o.signal?.aborted) throw new AbortError();
  }
  umap.getEmbedding().forEach((p, i) => {
    out[2 * i] = p[0]!;
    out[2 * i + 1] = p[1]!;
  });
  return out;
}
