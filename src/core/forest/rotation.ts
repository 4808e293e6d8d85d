// A fixed pseudo-random rotation of the sketch space, as RaBitQ's reference library does it
// (FhtKacRotator, VectorDB-NTU/RaBitQ-Library rotator.hpp): four rounds of random sign flips, a
// fast Walsh–Hadamard transform on the first or last 2^k coordinates, and a Kac-walk step that
// mixes the two halves. O(d log d) a vector, no matrix to store: the flips come from a seed.
// The sign sketch's estimate is unbiased, with the error RaBitQ bounds, only for vectors whose
// energy is spread over the coordinates; real data (image patches, embeddings with rogue
// dimensions) puts it in few, and without a rotation the 1-bit estimate's error is neither
// small nor known.
import { createRng } from './rng.ts';

/** Coordinates the rotation works on: dim padded to a multiple of 64 (zeros appended). */
export const rotatedDim = (dim: number): number => Math.ceil(dim / 64) * 64;

export class Rotation {
  readonly padded: number;
  private readonly trunc: number;
  private readonly flips: Float32Array;
  private readonly scale: number;

  constructor(readonly dim: number, seed: number) {
    this.padded = rotatedDim(dim);
    this.trunc = 1 << Math.floor(Math.log2(this.padded));
    const rng = createRng(seed);
    this.flips = Float32Array.from({ length: 4 * this.padded }, () => (rng.next() < 0.5 ? -1 : 1));
    // Each Hadamard is scaled by 1/√trunc; each Kac step (x + y, x − y) grows norms by √2.
    this.scale = this.trunc === this.padded ? 1 : 0.25;
  }

  /** out (length padded) = R · x (length dim); out may not alias x. */
  apply(x: ArrayLike<number>, xOff: number, out: Float32Array): void {
    const p = this.padded, t = this.trunc, f = this.flips, start = p - t, inv = 1 / Math.sqrt(t);
    for (let i = 0; i < this.dim; i++) out[i] = x[xOff + i];
    out.fill(0, this.dim, p);
    for (let round = 0; round < 4; round++) {
      for (let i = 0, o = round * p; i < p; i++) out[i] *= f[o + i];
      const from = t === p || round % 2 === 0 ? 0 : start;
      hadamard(out, from, t, inv);
      if (t !== p) kac(out, p);
    }
    if (this.scale !== 1) for (let i = 0; i < p; i++) out[i] *= this.scale;
  }
}

/** In-place normalised Walsh–Hadamard transform of v[from, from + n), n a power of 2. */
function hadamard(v: Float32Array, from: number, n: number, inv: number): void {
  for (let h = 1; h < n; h <<= 1) {
    for (let i = from; i < from + n; i += h << 1) {
      for (let j = i; j < i + h; j++) {
        const a = v[j], b = v[j + h];
        v[j] = a + b;
        v[j + h] = a - b;
      }
    }
  }
  for (let i = from; i < from + n; i++) v[i] *= inv;
}

/** (x, y) → (x + y, x − y) over the two halves of v[0, p). */
function kac(v: Float32Array, p: number): void {
  const h = p >> 1;
  for (let i = 0; i < h; i++) {
    const a = v[i], b = v[i + h];
    v[i] = a + b;
    v[i + h] = a - b;
  }
}
