// New photos on an existing map, without laying it all out again: each starts at the weighted
// mean of its neighbours' positions, then a few epochs of UMAP's own attraction (to its
// neighbours) and repulsion (from random photos) move the new photos only. Everyone else stays
// exactly where they were; "Re-arrange" lays out everything anew.
// findABParams is exported by umap-js's umap module, not its index.
import { findABParams } from 'umap-js/dist/umap.js';
import { createRng, mixSeed } from '../forest/rng.ts';
import { MAP_MIN_DIST } from './layout.ts';

export interface Newcomer {
  id: number;
  /** Its nearest photos (ids, cosine similarity), placed or new. */
  neighbours: readonly { id: number; score: number }[];
}

export interface PlaceOptions {
  seed: number;
  epochs?: number;
  negatives?: number;
  minDist?: number;
}

/** Membership weights as UMAP computes them: 1 for the nearest, falling off over the row's spread. */
function weights(scores: readonly number[]): number[] {
  const d = scores.map((s) => Math.max(0, 1 - s));
  const rho = Math.min(...d);
  const sigma = d.reduce((s, x) => s + (x - rho), 0) / Math.max(1, d.length) + 1e-6;
  return d.map((x) => Math.exp(-(x - rho) / sigma));
}

const clip = (x: number): number => Math.max(-4, Math.min(4, x));

/**
 * Positions (x, y) for the newcomers, in their order. `placed` holds every photo already on the
 * map; it is not changed.
 */
export function placeNew(placed: ReadonlyMap<number, readonly [number, number]>, newcomers: readonly Newcomer[], o: PlaceOptions): Float32Array {
  const rng = createRng(mixSeed(o.seed, newcomers.length));
  const pos = new Map<number, [number, number]>();
  const out = new Float32Array(2 * newcomers.length);
  if (newcomers.length === 0) return out;
  const where = (id: number): readonly [number, number] | undefined => placed.get(id) ?? pos.get(id);

  // Bounding box of the map, for photos none of whose neighbours is anywhere yet.
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const [x, y] of placed.values()) {
    x0 = Math.min(x0, x); x1 = Math.max(x1, x);
    y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  if (!Number.isFinite(x0)) [x0, y0, x1, y1] = [-1, -1, 1, 1];
  const spread = Math.max(x1 - x0, y1 - y0, 1e-3);

  // Start positions: rounds, so a newcomer whose neighbours are all new waits for them.
  let left = [...newcomers];
  while (left.length > 0) {
    const next: Newcomer[] = [];
    for (const c of left) {
      const known = c.neighbours.filter((n) => n.id !== c.id && where(n.id));
      if (known.length === 0) {
        next.push(c);
        continue;
      }
      const w = weights(known.map((n) => n.score));
      let sx = 0, sy = 0, sw = 0;
      known.forEach((n, i) => {
        const p = where(n.id)!;
        sx += w[i]! * p[0];
        sy += w[i]! * p[1];
        sw += w[i]!;
      });
      const jitter = spread * 1e-3;
      pos.set(c.id, [sx / sw + jitter * (rng.next() - 0.5), sy / sw + jitter * (rng.next() - 0.5)]);
    }
    if (next.length === left.length) {
      // Nobody could be placed from neighbours: put one at random in the box, then go on.
      const c = next.shift()!;
      pos.set(c.id, [x0 + rng.next() * (x1 - x0), y0 + rng.next() * (y1 - y0)]);
    }
    left = next;
  }

  // A few epochs of UMAP's gradient, moving the newcomers only.
  const { a, b } = findABParams(1, o.minDist ?? MAP_MIN_DIST);
  const others = [...placed.values()];
  const epochs = o.epochs ?? 50;
  const negatives = o.negatives ?? 5;
  const edges = newcomers.map((c) => {
    const ns = c.neighbours.filter((n) => n.id !== c.id && where(n.id));
    return { c, ns, w: weights(ns.map((n) => n.score)) };
  });
  for (let e = 0; e < epochs; e++) {
    const alpha = 1 - e / epochs;
    for (const { c, ns, w } of edges) {
      const p = pos.get(c.id)!;
      ns.forEach((n, i) => {
        const q = where(n.id)!;
        const dx = p[0] - q[0], dy = p[1] - q[1];
        const d2 = dx * dx + dy * dy;
        if (d2 <= 0) return;
        const g = (-2 * a * b * Math.pow(d2, b - 1)) / (a * Math.pow(d2, b) + 1);
        p[0] += clip(g * dx) * alpha * w[i]!;
        p[1] += clip(g * dy) * alpha * w[i]!;
      });
      for (let s = 0; s < negatives && others.length > 0; s++) {
        const q = others[rng.int(others.length)]!;
        const dx = p[0] - q[0], dy = p[1] - q[1];
        const d2 = dx * dx + dy * dy;
        if (d2 <= 0) continue;
        const g = (2 * b) / ((0.001 + d2) * (a * Math.pow(d2, b) + 1));
        p[0] += clip(g * dx) * alpha;
        p[1] += clip(g * dy) * alpha;
      }
    }
  }
  newcomers.forEach((c, i) => {
    const p = pos.get(c.id)!;
    out[2 * i] = p[0];
    out[2 * i + 1] = p[1];
  });
  return out;
}
