// Optional build speed-up: split in a low-dimensional PCA space. Trees are
// split on rows projected to m principal directions (margins cost m, not d,
// multiply-adds), and each normal is lifted back to full space (w = Pᵀ·w_m) so
// search and add see ordinary full-dimensional hyperplanes.
import type { Rng } from './rng.ts';
import type { Rows } from './split.ts';
import { quantizeVector } from './vector-math.ts';

export interface Routing {
  rows: Rows;
  /** m × d, orthonormal rows. */
  basis: Float32Array;
}

/** Top-m principal directions of a seeded sample (covariance + subspace iteration). */
export function principalBasis(rows: Rows, m: number, rng: Rng, sample = 8000): Float32Array {
  const d = rows.dim, n = rows.scales.length, s = Math.min(n, sample);
  const x = new Float64Array(d), mean = new Float64Array(d), cov = new Float64Array(d * d);
  const picks = Array.from({ length: s }, (_, i) => (n <= sample ? i : rng.int(n)));
  for (const r of picks) for (let i = 0; i < d; i++) mean[i] += (rows.codes[r * d + i] * rows.scales[r]) / s;
  for (const r of picks) {
    for (let i = 0; i < d; i++) x[i] = rows.codes[r * d + i] * rows.scales[r] - mean[i];
    for (let i = 0; i < d; i++) {
      const xi = x[i], o = i * d;
      for (let j = i; j < d; j++) cov[o + j] += xi * x[j];
    }
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) cov[i * d + j] = cov[j * d + i];
  let q = new Float64Array(m * d).map(() => rng.gauss());
  orthonormalize(q, m, d);
  for (let it = 0; it < 24; it++) {
    const z = new Float64Array(m * d);
    for (let k = 0; k < m; k++) {
      for (let i = 0; i < d; i++) {
        let acc = 0;
        const o = i * d, qo = k * d;
        for (let j = 0; j < d; j++) acc += cov[o + j] * q[qo + j];
        z[k * d + i] = acc;
      }
    }
    orthonormalize(z, m, d);
    q = z;
  }
  return Float32Array.from(q);
}

function orthonormalize(v: Float64Array, m: number, d: number): void {
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < a; b++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += v[a * d + i] * v[b * d + i];
      for (let i = 0; i < d; i++) v[a * d + i] -= dot * v[b * d + i];
    }
    let ss = 0;
    for (let i = 0; i < d; i++) ss += v[a * d + i] ** 2;
    const inv = 1 / Math.sqrt(ss || 1);
    for (let i = 0; i < d; i++) v[a * d + i] *= inv;
  }
}

/** Projects every row onto the basis (not centred, so margins stay linear in x), as int8 rows. */
export function projectRows(rows: Rows, basis: Float32Array, m: number, alloc: (bytes: number) => ArrayBufferLike): Rows {
  const d = rows.dim, n = rows.scales.length;
  const codes = new Int8Array(alloc(n * m)), scales = new Float32Array(alloc(n * 4));
  const y = new Float32Array(m);
  for (let r = 0; r < n; r++) {
    const o = r * d, s = rows.scales[r];
    // Two basis rows per pass over the int8 row (shared loads of the row).
    for (let k = 0; k + 1 < m; k += 2) {
      let a0 = 0, a1 = 0, b0 = 0, b1 = 0;
      const pa = k * d, pb = pa + d;
      for (let i = 0; i + 1 < d; i += 2) {
        const c0 = rows.codes[o + i], c1 = rows.codes[o + i + 1];
        a0 += basis[pa + i] * c0;
        a1 += basis[pa + i + 1] * c1;
        b0 += basis[pb + i] * c0;
        b1 += basis[pb + i + 1] * c1;
      }
      y[k] = (a0 + a1) * s;
      y[k + 1] = (b0 + b1) * s;
    }
    if (m & 1) {
      let a = 0;
      for (let i = 0; i < d; i++) a += basis[(m - 1) * d + i] * rows.codes[o + i];
      y[m - 1] = a * s;
    }
    scales[r] = quantizeVector(y, codes, r * m);
  }
  return { codes, scales, dim: m };
}

/** w = Pᵀ·(src·scale), re-quantised into dst; returns the new scale. */
export function liftNormal(basis: Float32Array, m: number, d: number, src: Int8Array, srcOff: number, scale: number, dst: Int8Array, dstOff: number, tmp: Float32Array): number {
  tmp.fill(0);
  for (let k = 0; k < m; k++) {
    const c = src[srcOff + k] * scale;
    if (c === 0) continue;
    for (let i = 0; i < d; i++) tmp[i] += c * basis[k * d + i];
  }
  return quantizeVector(tmp, dst, dstOff);
}
