// A 1-bit sketch per vector (kept resident: sketch-codec.ts), so a query reads only the vectors it
// re-ranks. It is RaBitQ's code (Gao & Long, SIGMOD 2024): for a unit vector o, the forest's
// centroid c and a fixed rotation R (rotation.ts), the residual r = R(o − c) is kept as its sign
// bits s plus three factors:
//   rescale = ‖r‖² / Σ|r_i|,  add = ⟨o − c, c⟩,  error = ‖r‖ · √((1/⟨ō,u⟩² − 1) / (D − 1)),
// where ō = s/√D, u = r/‖r‖ and D the rotated (padded) dimension. For a unit query q with
// q' = R(q − c):
//   ⟨o, q⟩ ≈ ⟨q, c⟩ + add + rescale · Σ s_i q'_i,
// an unbiased estimate whose error has standard deviation at most error · ‖q − c‖ (RaBitQ's
// bound; the reference library re-ranks by it with ε = 1.9). Centring shrinks ‖o − c‖ and
// ‖q − c‖, and so the error, on data with a dominant mean direction; the rotation makes the error
// what the bound says it is (without it, image patches estimated with twice the error the bound
// predicts, and no bound held: bench/estimator.ts).
// The query side is a table per sketch byte holding the signed sum of its 8 query dims, so the
// sum costs D/8 lookups instead of D multiply-adds.
import { fromHalf } from './half.ts';
import { mixSeed } from './rng.ts';
import { Rotation, rotatedDim } from './rotation.ts';
import type { SketchRows } from './sketch-codec.ts';

/** Sketch words (u32) per entry: one bit per rotated dimension (a multiple of 64). */
export const sketchWords = (dim: number): number => rotatedDim(dim) >>> 5;

/** Fixed-point scales of the packed word: add as int16 × 2^-14 (±2), error as uint16 × 2^-15 (0–2). */
const ADD_UNIT = 2 ** -14, ERROR_UNIT = 2 ** -15;

/** `add` (low 16 bits, signed) and `error` (high 16 bits, rounded up so the bound stays a bound). */
export function packFactors(add: number, error: number): number {
  const a = Math.max(-32768, Math.min(32767, Math.round(add / ADD_UNIT)));
  const e = Math.max(0, Math.min(65535, Math.ceil(error / ERROR_UNIT)));
  return ((e << 16) | (a & 0xffff)) >>> 0;
}
export const unpackAdd = (packed: number): number => ((packed << 16) >> 16) * ADD_UNIT;
export const unpackError = (packed: number): number => (packed >>> 16) * ERROR_UNIT;

/** The rotation of a forest built with `seed` (its meta.seed). */
export const rotationSeed = (seed: number): number => mixSeed(seed, 0x52b17);

/** The mean of `count` float16 rows: the centroid a build stores (zeros for no rows). */
export function centroidOfHalves(half: Uint16Array, count: number, dim: number): Float32Array {
  const sum = new Float64Array(dim);
  for (let r = 0, o = 0; r < count; r++) for (let i = 0; i < dim; i++, o++) sum[i] += fromHalf(half[o]);
  return Float32Array.from(sum, (x) => (count ? x / count : 0));
}

/** The space sketches live in: the forest's centroid and rotation, fixed at build time. */
export class SketchSpace {
  readonly rotation: Rotation;
  readonly padded: number;
  /** R·c, so a query's R(q − c) is R·q − R·c. */
  readonly rotatedCentroid: Float32Array;
  /** ‖c‖² */
  readonly centroidSq: number;
  private readonly buf: Float32Array;
  private readonly rot: Float32Array;
  private readonly row: Float32Array;

  /** `centroid`: length dim (zeros: no centring, as for a forest built empty). */
  constructor(readonly dim: number, readonly centroid: Float32Array, seed: number) {
    this.rotation = new Rotation(dim, seed);
    this.padded = this.rotation.padded;
    this.rotatedCentroid = new Float32Array(this.padded);
    this.rotation.apply(centroid, 0, this.rotatedCentroid);
    let cc = 0;
    for (let i = 0; i < dim; i++) cc += centroid[i] * centroid[i];
    this.centroidSq = cc;
    this.buf = new Float32Array(dim);
    this.rot = new Float32Array(this.padded);
    this.row = new Float32Array(dim);
  }

  /** Sketches float16 rows [from, from + count) of `half` into rows [at, at + count) of `into`. */
  sketchHalves(half: Uint16Array, from: number, count: number, into: SketchRows, at: number): void {
    const d = this.dim, row = this.row;
    for (let r = 0; r < count; r++) {
      for (let i = 0, o = (from + r) * d; i < d; i++) row[i] = fromHalf(half[o + i]);
      this.sketchInto(row, 0, into.u32, into.f32, (at + r) * into.stride);
    }
  }

  /**
   * Writes the sketch of unit vector `o` (o[off, off + dim)) at u32 offset `at` of `u32`: w sign
   * words, the rescale factor (as float bits, through `f32`, the same buffer) and the packed word.
   */
  sketchInto(o: ArrayLike<number>, off: number, u32: Uint32Array, f32: Float32Array, at: number): void {
    const d = this.dim, D = this.padded, c = this.centroid, r = this.buf, rr = this.rot;
    let add = 0;
    for (let i = 0; i < d; i++) {
      r[i] = o[off + i] - c[i];
      add += r[i] * c[i];
    }
    this.rotation.apply(r, 0, rr);
    let abs = 0, sq = 0;
    for (let k = 0; k < D >>> 5; k++) {
      let bits = 0;
      for (let i = k * 32, b = 0; b < 32; i++, b++) {
        const x = rr[i];
        if (x > 0) bits |= 1 << b;
        abs += Math.abs(x);
        sq += x * x;
      }
      u32[at + k] = bits >>> 0;
    }
    const w = D >>> 5;
    // A vector equal to the centroid has no residual: its estimate is exact (⟨q, c⟩ + add).
    f32[at + w] = abs > 0 ? sq / abs : 0;
    const ip = abs > 0 ? abs / Math.sqrt(sq * D) : 1;
    u32[at + w + 1] = packFactors(add, Math.sqrt(sq) * Math.sqrt(Math.max(0, 1 / (ip * ip) - 1) / (D - 1)));
  }
}

/** Numbers each table fill, so kernels.ts knows when its copy of a table is stale. */
let fills = 0;

/** Per query: table[b·256 + v] = Σ_j ±q'[8b + j] over the 8 rotated dims of sketch byte b with value v. */
export class SketchTable {
  readonly table: Float32Array;
  /** ⟨q, c⟩: added to every estimate. */
  base = 0;
  /** ‖q − c‖: every row's error factor is scaled by it. */
  errorScale = 0;
  /** R·q (the unrotated query is not needed again). */
  readonly rotated: Float32Array;
  /** Which fill the table holds (unique across tables). */
  fillId = 0;

  constructor(readonly space: SketchSpace) {
    this.table = new Float32Array((space.padded >>> 3) * 256);
    this.rotated = new Float32Array(space.padded);
  }

  /** Fills the table for unit query q (length dim); a table is reused across queries. */
  fill(q: Float32Array): this {
    const sp = this.space, D = sp.padded, t = this.table, rq = this.rotated, rc = sp.rotatedCentroid, c = sp.centroid;
    this.fillId = ++fills;
    sp.rotation.apply(q, 0, rq);
    let qc = 0;
    for (let i = 0; i < sp.dim; i++) qc += q[i] * c[i];
    this.base = qc;
    // ‖q − c‖² = ‖q‖² − 2⟨q, c⟩ + ‖c‖², q unit.
    this.errorScale = Math.sqrt(Math.max(0, 1 - 2 * qc + sp.centroidSq));
    for (let b = 0; b < D >>> 3; b++) {
      const o = b * 256;
      let base = 0;
      for (let j = 0; j < 8; j++) base -= rq[b * 8 + j] - rc[b * 8 + j];
      t[o] = base;
      // Values with bit j set are the values below 2^j plus 2·q' of that dim.
      for (let j = 0, step = 1; j < 8; j++, step <<= 1) {
        const add = 2 * (rq[b * 8 + j] - rc[b * 8 + j]);
        for (let v = 0; v < step; v++) t[o + step + v] = t[o + v] + add;
      }
    }
    return this;
  }

  /**
   * Σ s_i q'_i for the row at u32 offset `at` (w sign words). Two words a step into the same two
   * sums, in the same order as one a step (so the same bits): half the loop overhead (leaf
   * estimates of a patches query at 8k: 0.57–0.60 vs 0.61–0.64 ms, bench/index-profile.ts; README).
   */
  signedSum(u32: Uint32Array, at: number, w: number): number {
    const t = this.table;
    let s0 = 0, s1 = 0, k = 0, o = 0;
    for (; k + 1 < w; k += 2, at += 2, o += 2048) {
      const x = u32[at], y = u32[at + 1];
      s0 += t[o + (x & 255)] + t[o + 512 + ((x >>> 16) & 255)];
      s1 += t[o + 256 + ((x >>> 8) & 255)] + t[o + 768 + (x >>> 24)];
      s0 += t[o + 1024 + (y & 255)] + t[o + 1536 + ((y >>> 16) & 255)];
      s1 += t[o + 1280 + ((y >>> 8) & 255)] + t[o + 1792 + (y >>> 24)];
    }
    if (k < w) {
      const x = u32[at];
      s0 += t[o + (x & 255)] + t[o + 512 + ((x >>> 16) & 255)];
      s1 += t[o + 256 + ((x >>> 8) & 255)] + t[o + 768 + (x >>> 24)];
    }
    return s0 + s1;
  }

  /** The cosine estimate for the row at u32 offset `at` of a SketchRows-layout table. */
  estimateAt(u32: Uint32Array, f32: Float32Array, at: number, w: number): number {
    return this.base + unpackAdd(u32[at + w + 1]) + f32[at + w] * this.signedSum(u32, at, w);
  }

  /** One standard error of that estimate (RaBitQ's bound without its ε), for any query direction. */
  errorAt(u32: Uint32Array, at: number, w: number): number {
    return unpackError(u32[at + w + 1]) * this.errorScale;
  }

  /**
   * The same error for this query, given the estimate `est` of the row: only the part of q − c
   * orthogonal to the row's residual adds error, and for a near neighbour that part is smaller.
   * See perpError.
   */
  refinedErrorAt(u32: Uint32Array, f32: Float32Array, at: number, w: number, est: number): number {
    const packed = u32[at + w + 1];
    return perpError(unpackError(packed), f32[at + w], est - this.base - unpackAdd(packed), this.errorScale * this.errorScale, this.space.padded);
  }
}

/**
 * RaBitQ's σ scaled by ‖q'⊥‖ instead of ‖q'‖ (q' = q − c, ⊥ to the row's residual r): the error
 * of ⟨ō, q'⟩/⟨ō, u⟩ comes from q'⊥ alone. ⟨u, q'⟩ is taken from the estimate itself (`estC`, the
 * estimate of ⟨r, q'⟩); when the estimate is low, as for a neighbour the bound must not lose,
 * ‖q'⊥‖ comes out larger than it is, so the bound only widens. ‖r‖² follows from the two
 * stored factors: rescale = ‖r‖/(⟨ō,u⟩√D) and error = ‖r‖√((1/⟨ō,u⟩² − 1)/(D − 1)) give
 * ‖r‖² = D·rescale² − (D − 1)·error².
 */
export function perpError(error: number, rescale: number, estC: number, qSq: number, D: number): number {
  const rSq = D * rescale * rescale - (D - 1) * error * error;
  // A negative estimate says nothing safe about |⟨u, q'⟩| (the truth may be near 0): no refinement.
  if (!(rSq > 0) || !(estC > 0)) return error * Math.sqrt(qSq);
  return error * Math.sqrt(Math.max(0, qSq - (estC * estC) / rSq));
}
