// Seeded clustered vectors and exact k-NN for the forest tests (not a test file itself).
import { MemoryBlockStore } from '../../src/core/forest/memory-store.ts';
import { createRng } from '../../src/core/forest/rng.ts';

/** A memory store counting the vector blocks read (a re-rank served from memory reads none). */
export class VectorCountingStore extends MemoryBlockStore {
  vectorReads = 0;
  override read(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    for (const k of keys) if (k.includes('/v/')) this.vectorReads++;
    return super.read(keys);
  }
}

/**
 * Clusters with a low-rank spread (rank 6) plus a little isotropic noise: the
 * shape of real embeddings (low intrinsic dimension), where trees can work.
 */
export function clustered(n: number, dim: number, seed: number, clusters = 24, rank = 6): Float32Array {
  const r = createRng(seed);
  const centers = new Float32Array(clusters * dim).map(() => r.gauss());
  const basis = new Float32Array(clusters * rank * dim).map(() => r.gauss() * 0.5);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = r.int(clusters);
    const coef = Array.from({ length: rank }, () => r.gauss());
    let ss = 0;
    for (let k = 0; k < dim; k++) {
      let v = centers[c * dim + k] + 0.15 * r.gauss();
      for (let j = 0; j < rank; j++) v += coef[j] * basis[(c * rank + j) * dim + k];
      out[i * dim + k] = v;
      ss += v * v;
    }
    const inv = 1 / Math.sqrt(ss);
    for (let k = 0; k < dim; k++) out[i * dim + k] *= inv;
  }
  return out;
}

/** Exact cosine top-k over rows (rows need not be unit), as row indices best first. */
export function exactTopK(base: Float32Array, dim: number, q: Float32Array, k: number, skip?: (row: number) => boolean): number[] {
  const n = base.length / dim;
  let qn = 0;
  for (let i = 0; i < dim; i++) qn += q[i] * q[i];
  const scored: [number, number][] = [];
  for (let j = 0; j < n; j++) {
    if (skip?.(j)) continue;
    let s = 0, bn = 0;
    for (let i = 0; i < dim; i++) {
      s += q[i] * base[j * dim + i];
      bn += base[j * dim + i] ** 2;
    }
    scored.push([s / Math.sqrt(qn * bn), j]);
  }
  return scored.sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, k).map((x) => x[1]);
}

export function row(v: Float32Array, dim: number, i: number): Float32Array {
  return v.subarray(i * dim, (i + 1) * dim);
}

export function recall(found: readonly number[], truth: readonly number[]): number {
  const t = new Set(truth);
  return found.filter((x) => t.has(x)).length / truth.length;
}

/**
 * Tight neighbourhoods, as image patches have them: each row a random smooth signal (a few low
 * frequencies with amplitudes falling as 1/f, random phases, a little white noise), its mean
 * removed, unit length. Energy sits in few directions and every query has a continuum of
 * near-ties around its 10th neighbour (cosine ~0.97 to the 1st, ~0.89 to the 10th at 96-d).
 */
export function smoothRows(n: number, dim: number, seed: number, modes = 5, white = 0.03): Float32Array {
  const r = createRng(seed * 13 + 3), out = new Float32Array(n * dim);
  for (let j = 0; j < n; j++) {
    const amp = Array.from({ length: modes }, (_, f) => r.gauss() / (f + 1)), phase = Array.from({ length: modes }, () => r.next() * 2 * Math.PI);
    let mean = 0;
    for (let i = 0; i < dim; i++) {
      let v = white * r.gauss();
      for (let f = 0; f < modes; f++) v += amp[f] * Math.cos((2 * Math.PI * (f + 1) * i) / dim + phase[f]);
      out[j * dim + i] = v;
      mean += v / dim;
    }
    let ss = 0;
    for (let i = 0; i < dim; i++) ss += (out[j * dim + i] -= mean) ** 2;
    for (let i = 0; i < dim; i++) out[j * dim + i] /= Math.sqrt(ss);
  }
  return out;
}
