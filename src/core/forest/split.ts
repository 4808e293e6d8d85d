// Choosing a hyperplane for a set of int8 rows and partitioning them by it.
// two-means: Annoy's angular split (normal = bisector of two sampled means).
// random-projection: random Gaussian direction, threshold at the median.
import type { SplitMethod } from './meta-codec.ts';
import type { Rng } from './rng.ts';
import { dotI8, dotI8Pair, quantizeVector } from './vector-math.ts';

export interface Rows {
  readonly codes: Int8Array;
  readonly scales: Float32Array;
  readonly dim: number;
}

export interface SplitResult {
  /** First position (in idx) of the right side; rows with margin > 0 go right. */
  mid: number;
  scale: number;
  offset: number;
}

const TWO_MEANS_STEPS = 200;
const RETRY_IMBALANCE = 0.95;
const RANDOM_IMBALANCE = 0.99;

/** Reusable buffers so a build allocates nothing per node. */
export class Splitter {
  private readonly p: Float32Array;
  private readonly q: Float32Array;
  private readonly w: Float32Array;
  private margins = new Float32Array(0);
  private sides = new Uint8Array(0);
  private spill = new Uint32Array(0);

  constructor(private readonly rows: Rows, private readonly method: SplitMethod) {
    const d = rows.dim;
    this.p = new Float32Array(d);
    this.q = new Float32Array(d);
    this.w = new Float32Array(d);
  }

  /**
   * Splits idx[lo, hi) in place and writes the quantised normal to normalOut.
   * Like Annoy: up to 3 attempts while one side holds ≥ 95 %; if still ≥ 99 %
   * (e.g. duplicates), sides are assigned at random and the normal is zero.
   */
  split(idx: Uint32Array, lo: number, hi: number, rng: Rng, normalOut: Int8Array, normalOff: number): SplitResult {
    const n = hi - lo;
    if (this.margins.length < n) {
      this.margins = new Float32Array(Math.max(n, this.margins.length * 2));
      this.sides = new Uint8Array(this.margins.length);
    }
    let scale = 0, offset = 0, right = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (this.method === 'two-means') this.twoMeans(idx, lo, n, rng);
      else this.randomDirection(rng);
      scale = quantizeVector(this.w, normalOut, normalOff);
      // Margins use the quantised normal so build and search route identically.
      for (let i = 0; i < this.w.length; i++) this.w[i] = normalOut[normalOff + i] * scale;
      offset = this.computeMargins(idx, lo, n);
      right = this.assignSides(n, rng);
      if (Math.max(right, n - right) / n < RETRY_IMBALANCE) break;
    }
    if (Math.max(right, n - right) / n > RANDOM_IMBALANCE) {
      normalOut.fill(0, normalOff, normalOff + this.w.length);
      scale = offset = 0;
      right = 0;
      for (let i = 0; i < n; i++) right += this.sides[i] = rng.next() < 0.5 ? 1 : 0;
    }
    return { mid: this.partition(idx, lo, n, right), scale, offset };
  }

  private twoMeans(idx: Uint32Array, lo: number, n: number, rng: Rng): void {
    const { codes, scales, dim: d } = this.rows;
    const { p, q, w } = this;
    const i = rng.int(n);
    let j = rng.int(n - 1);
    if (j >= i) j++;
    this.loadUnit(idx[lo + i], p);
    this.loadUnit(idx[lo + j], q);
    // p and q hold *sums* of unit rows (mean = sum / count) with their squared
    // norms tracked incrementally: one add per step instead of a rescale + norm.
    let ic = 1, jc = 1, pp = 1, qq = 1;
    // Annoy always takes 200 samples; small nodes (most of them) do as well with n/2, and the
    // build gets ~20 % faster (measured at 100k: same recall at equal searchK).
    const steps = Math.min(TWO_MEANS_STEPS, Math.max(32, n >> 1));
    for (let step = 0; step < steps; step++) {
      const r = idx[lo + rng.int(n)];
      const off = r * d, s = scales[r];
      const px = dotI8(p, codes, off, d) * s, qx = dotI8(q, codes, off, d) * s;
      // Angular distance 2 − 2·cos, weighted by cluster size as in Annoy.
      const di = ic * (2 - (2 * px) / Math.sqrt(pp));
      const dj = jc * (2 - (2 * qx) / Math.sqrt(qq));
      if (di < dj) {
        addRow(p, codes, off, s);
        pp += 2 * px + 1;
        ic++;
      } else if (dj < di) {
        addRow(q, codes, off, s);
        qq += 2 * qx + 1;
        jc++;
      }
    }
    const ip = 1 / Math.sqrt(pp), iq = 1 / Math.sqrt(qq);
    let ss = 0;
    for (let k = 0; k < d; k++) {
      w[k] = p[k] * ip - q[k] * iq;
      ss += w[k] * w[k];
    }
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let k = 0; k < d; k++) w[k] *= inv;
  }

  private randomDirection(rng: Rng): void {
    const w = this.w;
    let ss = 0;
    for (let k = 0; k < w.length; k++) {
      w[k] = rng.gauss();
      ss += w[k] * w[k];
    }
    const inv = 1 / Math.sqrt(ss);
    for (let k = 0; k < w.length; k++) w[k] *= inv;
  }

  /** Fills margins; returns the offset (0 for two-means, −median for random projection). */
  private computeMargins(idx: Uint32Array, lo: number, n: number): number {
    const { codes, scales, dim: d } = this.rows;
    const m = this.margins, w = this.w;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const a = idx[lo + i], b = idx[lo + i + 1];
      dotI8Pair(w, codes, a * d, b * d, d, m, i);
      m[i] *= scales[a];
      m[i + 1] *= scales[b];
    }
    if (i < n) m[i] = dotI8(w, codes, idx[lo + i] * d, d) * scales[idx[lo + i]];
    if (this.method === 'two-means') return 0;
    const offset = -median(m.slice(0, n));
    for (let i = 0; i < n; i++) m[i] += offset;
    return offset;
  }

  private assignSides(n: number, rng: Rng): number {
    const m = this.margins, s = this.sides;
    let right = 0;
    for (let i = 0; i < n; i++) {
      const side = m[i] > 0 ? 1 : m[i] < 0 ? 0 : rng.next() < 0.5 ? 1 : 0;
      s[i] = side;
      right += side;
    }
    return right;
  }

  /**
   * Stable partition (left block first). Keeping rows in ascending order means
   * the big top-level nodes read memory sequentially: ~2× faster at 1M rows.
   */
  private partition(idx: Uint32Array, lo: number, n: number, right: number): number {
    const sd = this.sides;
    if (this.spill.length < right) this.spill = new Uint32Array(Math.max(right, this.spill.length * 2));
    const spill = this.spill;
    let l = lo, r = 0;
    for (let i = 0; i < n; i++) {
      const v = idx[lo + i];
      if (sd[i] === 0) idx[l++] = v;
      else spill[r++] = v;
    }
    idx.set(spill.subarray(0, r), l);
    return l;
  }

  private loadUnit(r: number, out: Float32Array): void {
    const { codes, scales, dim: d } = this.rows;
    const off = r * d;
    let ss = 0;
    for (let k = 0; k < d; k++) {
      out[k] = codes[off + k] * scales[r];
      ss += out[k] * out[k];
    }
    const inv = 1 / Math.sqrt(ss);
    for (let k = 0; k < d; k++) out[k] *= inv;
  }
}

function addRow(v: Float32Array, codes: Int8Array, off: number, s: number): void {
  for (let k = 0; k < v.length; k++) v[k] += codes[off + k] * s;
}

/** Median by quickselect (destroys `a`). */
function median(a: Float32Array): number {
  const k = a.length >> 1;
  let lo = 0, hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}
