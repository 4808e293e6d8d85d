// Vector sets cut from the shared photos (../shared/data/captioned/images, or
// $GLIMPSE_SHARED_DATA/captioned/images): real-image data of the tight-neighbourhood shape.
// Queries: for patches and descriptors, 1,000 rows held out of the base at random (seeded), so a
// query's neighbours include the overlapping patches or crops of its own photo, as burst shots
// and similar photos in one library are; for sift, as SIFT1M does, the rows of other photos
// (every 100th photo by file name; the other 495 give the base). Rows are deterministic (seeded
// positions); zero rows and exact duplicates (queries equal to a base row too) are dropped.
//   patches:     8×16 RGB patches of the photo at 64×64, stride 4 (195 a photo), mean-removed, unit.
//   descriptors: seeded random crops (48–160 px of the 224 px photo), each described by a
//                12×4×4 HSV colour histogram and a 12-orientation × 4×4-cell gradient histogram
//                (384-d), square-rooted (Hellinger) and unit: non-negative, one dominant mean direction.
//   sift:        dense SIFT-style descriptors (16×16 grey windows at seeded positions, 4×4 cells ×
//                8 orientations = 128-d, Gaussian-weighted, normalised, clipped at 0.2, ×512 and
//                floored as SIFT1M stores them): non-negative, heavy-tailed.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { rng32 } from './synthetic.ts';

export const IMAGE_SETS = ['patches', 'descriptors', 'sift'] as const;
export type ImageSet = (typeof IMAGE_SETS)[number];

export function photosDir(): string {
  return resolve(process.env.GLIMPSE_SHARED_DATA ?? resolve(import.meta.dirname, '../../../shared/data'), 'captioned/images');
}

interface Raw {
  width: number;
  height: number;
  /** RGB, row-major. */
  px: Uint8Array;
}

async function load(file: string, size?: number): Promise<Raw> {
  const img = sharp(file).removeAlpha().toColourspace('srgb');
  const { data, info } = await (size ? img.resize(size, size, { fit: 'fill' }) : img).raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`${file}: ${info.channels} channels after removeAlpha`);
  return { width: info.width, height: info.height, px: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** Rows of one photo (dim floats each). */
type Describe = (img: Raw, rng: () => number) => Float32Array[];

const DIMS: Record<ImageSet, number> = { patches: 384, descriptors: 384, sift: 128 };
/** Rows a photo gives, for about 100k base rows from 495 photos. */
const PER_PHOTO = { descriptors: 204, sift: 204 };

export interface ImageVectors {
  dim: number;
  base: Float32Array;
  query: Float32Array;
  params: Record<string, number | string>;
}

export async function imageSet(kind: ImageSet, seed: number, log: (s: string) => void): Promise<ImageVectors> {
  const dir = photosDir();
  const files = readdirSync(dir).filter((f) => /\.jpe?g$/i.test(f)).sort();
  if (files.length === 0) throw new Error(`No photos in ${dir}: set GLIMPSE_SHARED_DATA to the folder holding captioned/images.`);
  const dim = DIMS[kind];
  const describe: Describe = kind === 'patches' ? patches : kind === 'descriptors' ? (img, r) => descriptors(img, r, PER_PHOTO.descriptors) : (img, r) => sift(img, r, PER_PHOTO.sift);
  const base: Float32Array[] = [], query: Float32Array[] = [];
  const seen = new Set<string>();
  let zero = 0, dup = 0;
  for (let i = 0; i < files.length; i++) {
    const img = await load(join(dir, files[i]), kind === 'patches' ? 64 : undefined);
    const rows = describe(img, rng32(seed * 7919 + i));
    const isQuery = kind === 'sift' && i % 100 === 0;
    for (const v of rows) {
      if (!unit(v)) {
        zero++;
        continue;
      }
      const key = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
      if (seen.has(key)) {
        dup++;
        continue;
      }
      if (isQuery) query.push(v);
      else {
        seen.add(key);
        base.push(v);
      }
    }
    if (i % 100 === 99) log(`  ${kind}: ${i + 1} photos, ${base.length} base rows`);
  }
  if (kind !== 'sift') holdOut(base, query, HELD_OUT, rng32(seed * 104729 + 1));
  // Queries equal to a base row (a flat patch in two photos) are dropped as duplicates too.
  const q = kind !== 'sift' ? query : query.filter((v) => !seen.has(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')));
  dup += query.length - q.length;
  const flat = (rows: Float32Array[]): Float32Array => {
    const out = new Float32Array(rows.length * dim);
    rows.forEach((v, j) => out.set(v, j * dim));
    return out;
  };
  const queries = kind === 'sift' ? `rows of ${files.filter((_, i) => i % 100 === 0).length} held-out photos` : `${HELD_OUT} rows held out at random`;
  return { dim, base: flat(base), query: flat(q), params: { photos: files.length, queries, droppedZero: zero, droppedDuplicate: dup, generator: 'bench/lib/image-sets.ts' } };
}

const HELD_OUT = 1000;

/** Moves `count` seeded random rows of `base` to `query` (base keeps its order). */
function holdOut(base: Float32Array[], query: Float32Array[], count: number, r: () => number): void {
  const pick = new Set<number>();
  while (pick.size < Math.min(count, base.length >> 1)) pick.add(Math.floor(r() * base.length));
  const keep = base.filter((v, i) => {
    if (pick.has(i)) query.push(v);
    return !pick.has(i);
  });
  base.length = 0;
  for (const v of keep) base.push(v);
}

/** Unit-normalises v in place; false for a zero row. */
function unit(v: Float32Array): boolean {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  if (!(s > 1e-12)) return false;
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i] *= inv;
  return true;
}

/** 8 rows × 16 columns × RGB at stride 4 over the 64×64 photo; the patch's own mean removed. */
function patches(img: Raw): Float32Array[] {
  const out: Float32Array[] = [];
  for (let y = 0; y + 8 <= img.height; y += 4) {
    for (let x = 0; x + 16 <= img.width; x += 4) {
      const v = new Float32Array(384);
      let k = 0, mean = 0;
      for (let dy = 0; dy < 8; dy++) for (let dx = 0; dx < 16; dx++) for (let c = 0; c < 3; c++) mean += v[k++] = img.px[((y + dy) * img.width + x + dx) * 3 + c] / 255;
      mean /= 384;
      for (let i = 0; i < 384; i++) v[i] -= mean;
      // Rounded so two patches that differ only by float noise count as duplicates.
      for (let i = 0; i < 384; i++) v[i] = Math.round(v[i] * 1e5) / 1e5;
      out.push(v);
    }
  }
  return out;
}

/** Grey level and gradient (magnitude, orientation in [0, 2π)) of every pixel. */
function gradients(img: Raw): { mag: Float32Array; ang: Float32Array } {
  const { width: w, height: h, px } = img;
  const grey = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) grey[i] = (0.299 * px[i * 3] + 0.587 * px[i * 3 + 1] + 0.114 * px[i * 3 + 2]) / 255;
  const mag = new Float32Array(w * h), ang = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const gx = grey[y * w + Math.min(w - 1, x + 1)] - grey[y * w + Math.max(0, x - 1)];
      const gy = grey[Math.min(h - 1, y + 1) * w + x] - grey[Math.max(0, y - 1) * w + x];
      mag[y * w + x] = Math.hypot(gx, gy);
      const a = Math.atan2(gy, gx);
      ang[y * w + x] = a < 0 ? a + 2 * Math.PI : a;
    }
  }
  return { mag, ang };
}

function hsv(r: number, g: number, b: number): [number, number, number] {
  const mx = Math.max(r, g, b), mn = Math.min(r, g, b), c = mx - mn;
  let h = 0;
  if (c > 0) h = mx === r ? ((g - b) / c + 6) % 6 : mx === g ? (b - r) / c + 2 : (r - g) / c + 4;
  return [h / 6, mx > 0 ? c / mx : 0, mx / 255];
}

function descriptors(img: Raw, rng: () => number, count: number): Float32Array[] {
  const { mag, ang } = gradients(img);
  const w = img.width, out: Float32Array[] = [];
  const bin = (x: number, n: number): number => Math.min(n - 1, Math.floor(x * n));
  for (let c = 0; c < count; c++) {
    const size = 48 + Math.floor(rng() * 113), x0 = Math.floor(rng() * (w - size + 1)), y0 = Math.floor(rng() * (img.height - size + 1));
    const v = new Float32Array(384);
    for (let y = y0; y < y0 + size; y++) {
      const cy = bin((y - y0) / size, 4);
      for (let x = x0; x < x0 + size; x++) {
        const i = y * w + x;
        const [h, s, val] = hsv(img.px[i * 3], img.px[i * 3 + 1], img.px[i * 3 + 2]);
        v[bin(h, 12) * 16 + bin(s, 4) * 4 + bin(val, 4)] += 1;
        const cx = bin((x - x0) / size, 4);
        v[192 + (cy * 4 + cx) * 12 + bin(ang[i] / (2 * Math.PI), 12)] += mag[i];
      }
    }
    // Colour and texture halves weigh the same, then Hellinger.
    let sc = 0, st = 0;
    for (let i = 0; i < 192; i++) sc += v[i];
    for (let i = 192; i < 384; i++) st += v[i];
    for (let i = 0; i < 384; i++) v[i] = Math.sqrt(v[i] / ((i < 192 ? sc : st) || 1));
    out.push(v);
  }
  return out;
}

function sift(img: Raw, rng: () => number, count: number): Float32Array[] {
  const { mag, ang } = gradients(img);
  const w = img.width, out: Float32Array[] = [];
  for (let c = 0; c < count; c++) {
    const x0 = Math.floor(rng() * (w - 16)), y0 = Math.floor(rng() * (img.height - 16));
    const v = new Float32Array(128);
    for (let dy = 0; dy < 16; dy++) {
      for (let dx = 0; dx < 16; dx++) {
        const i = (y0 + dy) * w + x0 + dx;
        // Gaussian window (σ = half the window), orientation split linearly between two of 8 bins.
        const g = mag[i] * Math.exp(-((dx - 7.5) ** 2 + (dy - 7.5) ** 2) / 128);
        const o = (ang[i] / (2 * Math.PI)) * 8, o0 = Math.floor(o) % 8, f = o - Math.floor(o);
        const cell = ((dy >> 2) * 4 + (dx >> 2)) * 8;
        v[cell + o0] += g * (1 - f);
        v[cell + ((o0 + 1) % 8)] += g * f;
      }
    }
    if (!unit(v)) {
      out.push(v);
      continue;
    }
    for (let i = 0; i < 128; i++) v[i] = Math.min(v[i], 0.2);
    unit(v);
    for (let i = 0; i < 128; i++) v[i] = Math.min(255, Math.floor(512 * v[i]));
    out.push(v);
  }
  return out;
}
