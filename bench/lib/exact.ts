// Exact search: the brute-force baselines and the ground truth.
import { TopK } from '../../src/core/forest/heaps.ts';
import { dotHalf } from '../../src/core/forest/half.ts';
import { dotF32, dotI8 } from '../../src/core/forest/vector-math.ts';

/** One query, float32 rows: the plain best single-thread scan. */
export function bruteF32(base: Float32Array, d: number, q: Float32Array, k: number): Int32Array {
  const n = base.length / d, top = new TopK(k);
  for (let j = 0; j < n; j++) {
    const s = dotF32(q, 0, base, j * d, d);
    if (s > top.floor()) top.push(s, j);
  }
  return Int32Array.from(top.order(), (i) => top.slots[i]);
}

/** One query, int8 rows with per-row scale (4× less memory traffic). */
export function bruteI8(codes: Int8Array, scales: Float32Array, d: number, q: Float32Array, k: number): Int32Array {
  const n = scales.length, top = new TopK(k);
  for (let j = 0; j < n; j++) {
    const s = dotI8(q, codes, j * d, d) * scales[j];
    if (s > top.floor()) top.push(s, j);
  }
  return Int32Array.from(top.order(), (i) => top.slots[i]);
}

/** One query, float16 rows (what the forest's vector blocks store). */
export function bruteHalf(half: Uint16Array, d: number, q: Float32Array, k: number): Int32Array {
  const n = half.length / d, top = new TopK(k);
  for (let j = 0; j < n; j++) {
    const s = dotHalf(q, half, j * d, d);
    if (s > top.floor()) top.push(s, j);
  }
  return Int32Array.from(top.order(), (i) => top.slots[i]);
}

/**
 * Ground truth: 8 queries per pass so each base row is loaded once for 8 dots
 * (~2× the single-query throughput). Returns nq × k row indices, best first.
 */
export function groundTruth(base: Float32Array, queries: Float32Array, d: number, k: number, onProgress?: (done: number) => void): Int32Array {
  const n = base.length / d, nq = queries.length / d, out = new Int32Array(nq * k);
  const B = 8;
  for (let q0 = 0; q0 < nq; q0 += B) {
    const qs = Math.min(B, nq - q0);
    const tops = Array.from({ length: qs }, () => new TopK(k));
    const floors = new Float64Array(qs).fill(-Infinity);
    for (let j = 0; j < n; j++) {
      const o = j * d;
      for (let b = 0; b < qs; b++) {
        const s = dotF32(queries, (q0 + b) * d, base, o, d);
        if (s > floors[b]) {
          tops[b].push(s, j);
          floors[b] = tops[b].floor();
        }
      }
    }
    tops.forEach((t, b) => t.order().forEach((i, r) => (out[(q0 + b) * k + r] = t.slots[i])));
    onProgress?.(q0 + qs);
  }
  return out;
}
