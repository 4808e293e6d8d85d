// Perceptual hash of a photo: a 64-bit DCT hash (pHash) of its 32×32 grey draw. The 8×8 lowest
// frequencies of the 2-D DCT describe the photo's coarse layout of light and dark; each bit says
// whether one of them is above their median. Resizing, recompression, brightness and contrast
// barely move them, so near-duplicates differ in few bits (see `npm run eval:similar`).
// A crop moves everything, so each photo also keeps the hashes of nine windows of itself (88 % of
// each side, at the corners, edge middles and centre): a cropped copy's whole-photo hash is close
// to one of its original's windows. Measured on the shared photos, one window scale cut a 15 %
// crop's median distance from 20 to 8 bits while distinct photos stayed at 14 bits or more.

/** Side of the grey draw the hash is computed from. */
export const HASH_SIDE = 32;
const LOW = 8;

/** cos((2x + 1)uπ / 2N) for the 8 lowest u, each over the 32 x: the only DCT rows the hash needs. */
const BASIS = (() => {
  const b = new Float64Array(LOW * HASH_SIDE);
  for (let u = 0; u < LOW; u++) for (let x = 0; x < HASH_SIDE; x++) b[u * HASH_SIDE + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * HASH_SIDE));
  return b;
})();

/** Luma (BT.601) of RGBA pixels, row-major; alpha is ignored (the draw is flattened first). */
export function greyFromRgba(rgba: ArrayLike<number>, width: number, height: number): Float32Array {
  const grey = new Float32Array(width * height);
  for (let i = 0; i < grey.length; i++) grey[i] = 0.299 * rgba[4 * i]! + 0.587 * rgba[4 * i + 1]! + 0.114 * rgba[4 * i + 2]!;
  return grey;
}

/**
 * The hash of a 32×32 grey image (row-major), as 16 lower-case hex digits. Coefficients within
 * rounding noise of the median count as not above it, so flat pictures (a black frame, a white
 * wall) all get the same hash instead of random bits: they are alike, which is what they are.
 */
export function phash(grey: ArrayLike<number>): string {
  if (grey.length !== HASH_SIDE * HASH_SIDE) throw new RangeError(`phash needs ${HASH_SIDE}×${HASH_SIDE} grey values, got ${grey.length}.`);
  // Separable DCT restricted to the low 8×8: rows first (32 rows × 8 coefficients), then columns.
  const rows = new Float64Array(HASH_SIDE * LOW);
  for (let y = 0; y < HASH_SIDE; y++) {
    for (let u = 0; u < LOW; u++) {
      let s = 0;
      for (let x = 0; x < HASH_SIDE; x++) s += grey[y * HASH_SIDE + x]! * BASIS[u * HASH_SIDE + x]!;
      rows[y * LOW + u] = s;
    }
  }
  const coeffs = new Float64Array(LOW * LOW);
  for (let v = 0; v < LOW; v++) {
    for (let u = 0; u < LOW; u++) {
      let s = 0;
      for (let y = 0; y < HASH_SIDE; y++) s += rows[y * LOW + u]! * BASIS[v * HASH_SIDE + y]!;
      coeffs[v * LOW + u] = s;
    }
  }
  // The median leaves out the DC term (overall brightness), which would dominate it.
  const ac = Array.from(coeffs.subarray(1)).sort((a, b) => a - b);
  const median = (ac[31]! + ac[32]!) / 2;
  const noise = 1e-9 * (Math.abs(coeffs[0]!) + 1);
  let hex = '';
  for (let nibble = 0; nibble < 16; nibble++) {
    let d = 0;
    for (let b = 0; b < 4; b++) d = (d << 1) | (coeffs[nibble * 4 + b]! > median + noise ? 1 : 0);
    hex += d.toString(16);
  }
  return hex;
}

/** A hash as two 32-bit halves, for fast Hamming distances over many hashes. */
export function hashWords(hex: string): [number, number] {
  if (!/^[0-9a-f]{16}$/.test(hex)) throw new RangeError(`not a 64-bit hex hash: ${JSON.stringify(hex)}`);
  return [parseInt(hex.slice(0, 8), 16) | 0, parseInt(hex.slice(8), 16) | 0];
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** Bits in which two hashes differ (0…64). */
export function hamming(a: string, b: string): number {
  const [a0, a1] = hashWords(a);
  const [b0, b1] = hashWords(b);
  return popcount32(a0 ^ b0) + popcount32(a1 ^ b1);
}

/** The windows hashed besides the whole photo, as fractions of its width and height. */
export const HASH_WINDOWS: readonly { x: number; y: number; w: number; h: number }[] = (() => {
  const side = 0.88;
  const out: { x: number; y: number; w: number; h: number }[] = [{ x: 0, y: 0, w: 1, h: 1 }];
  for (const oy of [0, 0.5, 1]) for (const ox of [0, 0.5, 1]) out.push({ x: (1 - side) * ox, y: (1 - side) * oy, w: side, h: side });
  return out;
})();

/** The stored form: the whole photo's hash, then each window's, 16 hex digits each. */
export function joinHashes(hashes: readonly string[]): string {
  if (hashes.length !== HASH_WINDOWS.length) throw new RangeError(`expected ${HASH_WINDOWS.length} hashes, got ${hashes.length}`);
  return hashes.join('');
}

/** A stored hash as 32-bit words (two per window), or undefined if it is not one. */
export function parseHashes(stored: string | undefined): Int32Array | undefined {
  if (typeof stored !== 'string' || stored.length !== 16 * HASH_WINDOWS.length || !/^[0-9a-f]+$/.test(stored)) return undefined;
  const words = new Int32Array(2 * HASH_WINDOWS.length);
  for (let i = 0; i < words.length; i++) words[i] = parseInt(stored.slice(8 * i, 8 * i + 8), 16) | 0;
  return words;
}

/**
 * How far apart two photos look, in bits (0…64): the whole-photo hashes against each other and
 * each whole-photo hash against the other's windows (either may be the crop), whichever is least.
 */
export function hashDistance(a: Int32Array, b: Int32Array): number {
  let best = popcount32(a[0]! ^ b[0]!) + popcount32(a[1]! ^ b[1]!);
  for (let w = 2; w < a.length && best > 0; w += 2) {
    best = Math.min(best, popcount32(a[0]! ^ b[w]!) + popcount32(a[1]! ^ b[w + 1]!), popcount32(b[0]! ^ a[w]!) + popcount32(b[1]! ^ a[w + 1]!));
  }
  return best;
}
