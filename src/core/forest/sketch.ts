// A 1-bit sketch per vector (kept resident: sketch-codec.ts), so a query reads only the vectors it re-ranks.
// The sketch of code row c is its sign bits s (bit set ⇔ c_i > 0; bit i of word i>>5) and
// one float f = ‖c‖ / Σ|c_i|. For a unit query q, f·Σ q_i·s_i (s_i = ±1) estimates the
// cosine (RaBitQ's estimator ⟨q, ō⟩/⟨ō, o⟩ with ō = s/√d; no rotation: see the note
// in score.ts). The query side is a table per sketch byte holding the signed sum of its 8
// query dims, so an estimate costs dim/8 lookups instead of dim multiply-adds.

/** Sketch words (u32) per entry: one bit per dimension, padded to whole words. */
export const sketchWords = (dim: number): number => (dim + 31) >>> 5;

/** Writes the sketches of rows [0, count) of `codes` into `words` and `factors` (entry order). */
export function sketchRows(codes: Int8Array, count: number, dim: number, words: Uint32Array, factors: Float32Array): void {
  const w = sketchWords(dim);
  for (let e = 0; e < count; e++) {
    const o = e * dim;
    let abs = 0, sq = 0;
    for (let k = 0; k < w; k++) {
      const end = Math.min(dim, (k + 1) * 32);
      let bits = 0;
      // Branch-free: signs are coin flips, and a mispredicted branch per dim cost ~10× the loop.
      for (let i = k * 32; i < end; i++) {
        const c = codes[o + i], neg = c >> 31;
        bits |= (-c >>> 31) << (i & 31);
        abs += (c ^ neg) - neg;
        sq += c * c;
      }
      words[e * w + k] = bits >>> 0;
    }
    // An all-zero row cannot be stored (ZeroVectorError), but a stray one estimates as 0.
    factors[e] = abs > 0 ? Math.sqrt(sq) / abs : 0;
  }
}

/** Sketches of some rows (row order): what SketchRows.setRows takes. */
export interface RowSketches {
  readonly words: Uint32Array;
  readonly factors: Float32Array;
}

export function sketchAll(codes: Int8Array, count: number, dim: number): RowSketches {
  const words = new Uint32Array(count * sketchWords(dim)), factors = new Float32Array(count);
  sketchRows(codes, count, dim, words, factors);
  return { words, factors };
}

/** Per query: table[b·256 + v] = Σ_j ±q[8b + j] over the 8 dims of sketch byte b with value v. */
export class SketchTable {
  readonly table: Float32Array;

  constructor(readonly dim: number) {
    this.table = new Float32Array(sketchWords(dim) * 4 * 256);
  }

  /** Fills the table for unit query q (length dim); a table is reused across queries. */
  fill(q: Float32Array): this {
    const d = this.dim, t = this.table, bytes = t.length >>> 8;
    for (let b = 0; b < bytes; b++) {
      const o = b * 256;
      let base = 0;
      for (let j = 0; j < 8 && b * 8 + j < d; j++) base -= q[b * 8 + j];
      t[o] = base;
      // Values with bit j set are the values below 2^j plus 2·q of that dim.
      for (let j = 0, step = 1; j < 8; j++, step <<= 1) {
        const add = b * 8 + j < d ? 2 * q[b * 8 + j] : 0;
        for (let v = 0; v < step; v++) t[o + step + v] = t[o + v] + add;
      }
    }
    return this;
  }

  /** The estimate for the row at u32 offset `at` of a SketchRows table (w words, then the factor). */
  estimateAt(u32: Uint32Array, f32: Float32Array, at: number, w: number): number {
    const t = this.table;
    let s0 = 0, s1 = 0;
    for (let k = 0, o = 0; k < w; k++, at++, o += 1024) {
      const x = u32[at];
      s0 += t[o + (x & 255)] + t[o + 512 + ((x >>> 16) & 255)];
      s1 += t[o + 256 + ((x >>> 8) & 255)] + t[o + 768 + (x >>> 24)];
    }
    return (s0 + s1) * f32[at];
  }

  /** The cosine estimate for entry e of separate word and factor arrays. */
  estimate(words: Uint32Array, factors: Float32Array, e: number, w: number): number {
    const t = this.table;
    let s0 = 0, s1 = 0;
    for (let k = 0, at = e * w, o = 0; k < w; k++, at++, o += 1024) {
      const x = words[at];
      s0 += t[o + (x & 255)] + t[o + 512 + ((x >>> 16) & 255)];
      s1 += t[o + 256 + ((x >>> 8) & 255)] + t[o + 768 + (x >>> 24)];
    }
    return (s0 + s1) * factors[e];
  }
}
