// Two more seeded generators, for shapes the topic mixture (synthetic.ts) lacks.
//   dups:  the topic mixture's points as seeds, each with a group of near-duplicates (1–60, mean
//          ~12): seed + isotropic noise of squared norm 0.1–0.35 per group. Queries are fresh noisy
//          copies of random seeds, so a query's neighbours are a group of near-ties at cosine
//          ~0.75–0.9: the tight neighbourhoods of many similar captions or burst photos.
//   glove: GloVe-like: a dominant mean direction shared by every row (mean cosine between random
//          rows ~0.35), clusters of Zipf-distributed sizes, an anisotropic power-law spectrum
//          (λ_j ∝ 1/j over 128 random directions) and four axis-aligned "rogue" dimensions of large
//          variance, as contextual embeddings have. Queries are fresh draws.
import { gaussian, rng32, synthetic, unitVector } from './synthetic.ts';

export interface ShapeOptions {
  n: number;
  queries: number;
  dim: number;
  seed: number;
}

function normalise(out: Float32Array, o0: number, d: number): void {
  let ss = 0;
  for (let i = 0; i < d; i++) ss += out[o0 + i] ** 2;
  const inv = 1 / Math.sqrt(ss);
  for (let i = 0; i < d; i++) out[o0 + i] *= inv;
}

export function dupsParams(): Record<string, number | string> {
  return { meanGroup: 12, maxGroup: 60, noiseSq: '0.1–0.35' };
}

export function nearDuplicates(o: ShapeOptions): { base: Float32Array; query: Float32Array } {
  const d = o.dim, r = rng32(o.seed * 31 + 5);
  const seedCount = Math.max(1, Math.round(o.n / 12));
  const seeds = synthetic({ n: seedCount, queries: 0, dim: d, seed: o.seed }).base;
  const noise = Float32Array.from({ length: seedCount }, () => Math.sqrt(0.1 + 0.25 * r()) / Math.sqrt(d));
  const copy = (out: Float32Array, row: number, s: number): void => {
    for (let i = 0; i < d; i++) out[row * d + i] = seeds[s * d + i] + noise[s] * gaussian(r);
    normalise(out, row * d, d);
  };
  const base = new Float32Array(o.n * d);
  for (let row = 0, s = 0; row < o.n; s = (s + 1) % seedCount) {
    const group = Math.min(60, 1 + Math.floor(-Math.log(Math.max(r(), 1e-12)) * 11));
    for (let g = 0; g < group && row < o.n; g++) copy(base, row++, s);
  }
  const query = new Float32Array(o.queries * d);
  for (let q = 0; q < o.queries; q++) copy(query, q, Math.floor(r() * seedCount));
  return { base, query };
}

export function gloveParams(n: number): Record<string, number | string> {
  return { clusters: Math.max(8, Math.round(n / 40)), rank: 128, rogueDims: 4, meanWeight: 0.75 };
}

export function gloveLike(o: ShapeOptions): { base: Float32Array; query: Float32Array } {
  const d = o.dim, r = rng32(o.seed * 131 + 7);
  const { clusters, rank } = gloveParams(o.n) as { clusters: number; rank: number };
  const mean = unitVector(r, d);
  const basis = Array.from({ length: rank }, () => unitVector(r, d));
  const lam = Float32Array.from({ length: rank }, (_, j) => Math.sqrt(1 / (j + 1)));
  const rogue = [3, 97, 200, 311].filter((i) => i < d);
  // Σ^{1/2}·z over the power-law directions, the rogue dims and a little isotropic noise.
  const draw = (out: Float32Array, o0: number, scale: number): void => {
    for (let j = 0; j < rank; j++) {
      const c = scale * lam[j] * gaussian(r) * 0.6, b = basis[j];
      for (let i = 0; i < d; i++) out[o0 + i] += c * b[i];
    }
    for (const i of rogue) out[o0 + i] += scale * 0.9 * gaussian(r);
    for (let i = 0; i < d; i++) out[o0 + i] += (scale * 0.3 * gaussian(r)) / Math.sqrt(d);
  };
  const centres = new Float32Array(clusters * d);
  for (let c = 0; c < clusters; c++) draw(centres, c * d, 1);
  // Zipf cluster sizes: cumulative weights 1/(c+1).
  const cum = new Float64Array(clusters);
  for (let c = 0, s = 0; c < clusters; c++) cum[c] = s += 1 / (c + 1);
  const pick = (): number => {
    const u = r() * cum[clusters - 1];
    let lo = 0, hi = clusters - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const rows = (count: number): Float32Array => {
    const out = new Float32Array(count * d);
    for (let p = 0; p < count; p++) {
      const c = pick(), o0 = p * d;
      for (let i = 0; i < d; i++) out[o0 + i] = 0.75 * mean[i] + centres[c * d + i];
      draw(out, o0, 0.55);
      normalise(out, o0, d);
    }
    return out;
  };
  return { base: rows(o.n), query: rows(o.queries) };
}
