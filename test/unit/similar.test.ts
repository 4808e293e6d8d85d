import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/forest/rng.ts';
import { allPairsWithin, groupPairs, hamming, hashDistance, HASH_SIDE, HASH_WINDOWS, joinHashes, parseHashes, phash, sameHashPairs, scorePairs } from '../../src/core/similar/index.ts';

const SIZE = 320;

/** A smooth random grey picture (sum of a few random blobs), SIZE × SIZE. */
function picture(seed: number): Float32Array {
  const rng = createRng(seed);
  const blobs = Array.from({ length: 12 }, () => ({ x: rng.next() * SIZE, y: rng.next() * SIZE, r: 20 + rng.next() * 80, v: rng.next() * 255 - 128 }));
  const img = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) {
    let s = 128;
    for (const b of blobs) s += b.v * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.r * b.r));
    img[y * SIZE + x] = s;
  }
  return img;
}

/** Box-averages a window (fractions of the side) down to 32×32, as a drawImage would. */
function draw32(img: Float32Array, side: number, w: { x: number; y: number; w: number; h: number }): Float32Array {
  const out = new Float32Array(HASH_SIDE * HASH_SIDE);
  const x0 = w.x * side, y0 = w.y * side, cw = (w.w * side) / HASH_SIDE, ch = (w.h * side) / HASH_SIDE;
  for (let j = 0; j < HASH_SIDE; j++) for (let i = 0; i < HASH_SIDE; i++) {
    let s = 0, n = 0;
    for (let y = Math.floor(y0 + j * ch); y < Math.floor(y0 + (j + 1) * ch); y++) for (let x = Math.floor(x0 + i * cw); x < Math.floor(x0 + (i + 1) * cw); x++) {
      s += img[y * side + x]!;
      n++;
    }
    out[j * HASH_SIDE + i] = s / Math.max(1, n);
  }
  return out;
}

/** Hashes of the whole picture and its windows, as decode-image.ts makes them. */
const hashesOf = (img: Float32Array, side = SIZE): Int32Array => parseHashes(joinHashes(HASH_WINDOWS.map((w) => phash(draw32(img, side, w)))))!;

function crop(img: Float32Array, left: number, top: number, side: number): Float32Array {
  const out = new Float32Array(side * side);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) out[y * side + x] = img[(y + top) * SIZE + x + left]!;
  return out;
}

describe('perceptual hash', () => {
  it('is 64 bits of hex; a flat picture hashes to zeros; brightness and contrast do not move it', () => {
    const img = picture(1);
    const h = phash(draw32(img, SIZE, HASH_WINDOWS[0]!));
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    // Flat pictures: only the DC bit, whatever their level.
    expect(phash(new Float32Array(1024).fill(90))).toBe('8000000000000000');
    expect(phash(new Float32Array(1024).fill(200))).toBe('8000000000000000');
    const brighter = img.map((v) => 1.15 * v + 10);
    expect(phash(draw32(brighter, SIZE, HASH_WINDOWS[0]!))).toBe(h);
    expect(() => phash(new Float32Array(10))).toThrow(RangeError);
  });

  it('finds a 12 % crop close to its original through the windows, and other pictures far', () => {
    const a = picture(2);
    const side = Math.round(SIZE * 0.88);
    const cropped = hashesOf(crop(a, 20, 18, side), side);
    const whole = hashesOf(a);
    expect(hamming('ff00000000000000', '0f00000000000001')).toBe(5);
    expect(hashDistance(whole, cropped)).toBeLessThanOrEqual(6);
    expect(hashDistance(cropped, whole)).toBe(hashDistance(whole, cropped));
    for (let s = 10; s < 16; s++) expect(hashDistance(whole, hashesOf(picture(s)))).toBeGreaterThan(10);
  });

  it('rejects a stored value that is not a full set of hashes', () => {
    expect(parseHashes(undefined)).toBeUndefined();
    expect(parseHashes('abc')).toBeUndefined();
    expect(parseHashes('z'.repeat(160))).toBeUndefined();
  });
});

describe('near-duplicate groups', () => {
  const pairs = [
    { a: 1, b: 2, distance: 3 },
    { a: 2, b: 3, distance: 8 },
    { a: 5, b: 6, distance: 12 },
    { a: 7, b: 8, distance: 0 },
  ];

  it('joins pairs within the threshold into groups (chains included), largest first', () => {
    expect(groupPairs(pairs, 10)).toEqual([
      { ids: [1, 2, 3], maxDistance: 8 },
      { ids: [7, 8], maxDistance: 0 },
    ]);
    expect(groupPairs(pairs, 5).map((g) => g.ids)).toEqual([[1, 2], [7, 8]]);
    expect(groupPairs([...pairs].reverse(), 10)).toEqual(groupPairs(pairs, 10));
  });

  it('scores candidate pairs once each and finds equal hashes', () => {
    const h = (hex: string): Int32Array => parseHashes(hex.repeat(HASH_WINDOWS.length))!;
    const hashes = new Map([
      [1, h('00000000000000ff')],
      [2, h('00000000000000ff')],
      [3, h('ffffffffffffff00')],
    ]);
    expect(sameHashPairs(hashes)).toEqual([{ a: 1, b: 2 }]);
    expect(scorePairs([{ a: 2, b: 1 }, { a: 1, b: 2 }, { a: 1, b: 3 }, { a: 1, b: 9 }], hashes)).toEqual([
      { a: 1, b: 2, distance: 0 },
      { a: 1, b: 3, distance: 64 },
    ]);
    expect(allPairsWithin(hashes, 10)).toEqual([{ a: 1, b: 2, distance: 0 }]);
  });
});
