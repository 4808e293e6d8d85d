// IEEE float16 for stored vectors (vector-codec.ts): the exact re-rank reads them. int8 with a
// per-row scale ranked the true top 10 of tight neighbourhoods with recall 0.963 at best (image
// patches, every row scored) and float16 with 0.995 (bench:index's brute int8/float16 lines): near-ties
// there are closer than int8's ~5e-4 error on a cosine.
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float16 bits of x, rounded to nearest even (overflow to ±Infinity, tiny values to subnormals or 0). */
export function toHalf(x: number): number {
  f32[0] = x;
  const b = u32[0], sign = (b >>> 16) & 0x8000, exp = (b >>> 23) & 0xff, mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = mant | 0x800000, shift = 14 - e;
    const half = m >>> shift, rest = m & ((1 << shift) - 1), mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13), rest = mant & 0x1fff;
  // A carry out of the mantissa bumps the exponent, as it should (up to Infinity).
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
}

/** Per (sign, exponent): the value of one mantissa step, and the implicit leading 1 (0 for subnormals). */
const STEP = new Float32Array(64), LEAD = new Float32Array(64);
for (let se = 0; se < 64; se++) {
  const e = se & 31, s = se & 32 ? -1 : 1;
  STEP[se] = s * 2 ** ((e === 0 ? 1 : e) - 25);
  LEAD[se] = e === 0 ? 0 : 1024;
}

/** The value of float16 bits h (Infinity and NaN are never stored: vectors are unit length). */
export function fromHalf(h: number): number {
  const se = h >>> 10;
  return STEP[se] * (LEAD[se] + (h & 1023));
}

/**
 * Every float16 value by its bits (256 KB, built on first use): one load per element in the
 * re-rank instead of two table loads and a multiply-add. The values are fromHalf's, so scores are
 * the same to the bit (bench/dot-half.ts times both).
 */
let VALUE: Float32Array | undefined;
function halfValues(): Float32Array {
  if (!VALUE) {
    VALUE = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) VALUE[h] = fromHalf(h);
  }
  return VALUE;
}

/** Σ q[i]·half(h[off + i]): the exact re-rank's dot product. */
export function dotHalf(q: Float32Array, h: Uint16Array, off: number, d: number): number {
  const v = VALUE ?? halfValues();
  let s0 = 0, s1 = 0;
  let i = 0;
  for (; i + 1 < d; i += 2) {
    s0 += q[i] * v[h[off + i]];
    s1 += q[i + 1] * v[h[off + i + 1]];
  }
  if (i < d) s0 += q[i] * v[h[off + i]];
  return s0 + s1;
}
