// Benchmark data: named sets (generated or cut from the shared photos, cached under
// bench/out/data, which git ignores) or .fvecs files, plus exact top-100 ground truth.
//   syn          the topic mixture (synthetic.ts): the set earlier rounds measured
//   dups         the topic mixture with groups of near-duplicates (synthetic-shapes.ts)
//   glove        GloVe-like: dominant mean direction, anisotropic (synthetic-shapes.ts)
//   patches      8×16 RGB patches of the photos (image-sets.ts)
//   descriptors  colour/texture descriptors of photo crops (image-sets.ts)
//   sift         SIFT-style 128-d descriptors of the photos (image-sets.ts)
// Photo sets hold as many rows as the photos give (~96–101k); --n below that takes a seeded sample.
import { existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { groundTruth } from './exact.ts';
import { readVecs, writeVecs } from './fvecs.ts';
import { IMAGE_SETS, imageSet, type ImageSet } from './image-sets.ts';
import { dupsParams, gloveLike, gloveParams, nearDuplicates } from './synthetic-shapes.ts';
import { rng32, synthetic, syntheticParams } from './synthetic.ts';

export const GT_K = 100;
export const SETS = ['syn', 'dups', 'glove', ...IMAGE_SETS] as const;

/** Default query count: fewer at 1M, where exact ground truth is the slow part. */
export const defaultQueries = (n: number): number => (n >= 1_000_000 ? 200 : n >= 100_000 ? 500 : 1000);

export interface Dataset {
  name: string;
  dim: number;
  /** Unit-normalised rows (cosine = dot). */
  base: Float32Array;
  query: Float32Array;
  /** nq × gtK base row indices, best first. */
  gt: Int32Array;
  gtK: number;
  params: Record<string, number | string>;
}

export interface DatasetOptions {
  /** A name from SETS (default 'syn'); ignored when baseFile is given. */
  set?: string;
  n: number;
  dim: number;
  queries: number;
  seed: number;
  baseFile?: string;
  queryFile?: string;
  gtFile?: string;
  cacheDir: string;
}

/** Set name for a --data entry: a name from SETS, or a base .fvecs path (its .query/.gt siblings beside it). */
export function dataOptions(entry: string): Pick<DatasetOptions, 'set' | 'baseFile' | 'queryFile' | 'gtFile'> {
  if ((SETS as readonly string[]).includes(entry)) return { set: entry };
  if (!entry.endsWith('.fvecs')) throw new Error(`--data: "${entry}" is neither one of ${SETS.join(', ')} nor a .fvecs file`);
  const stem = entry.replace(/(\.base)?\.fvecs$/, '');
  const gt = [`${stem}.gt.ivecs`, `${stem}.groundtruth.ivecs`].find(existsSync);
  return { baseFile: entry, queryFile: `${stem}.query.fvecs`, gtFile: gt };
}

export async function loadDataset(o: DatasetOptions, log: (s: string) => void): Promise<Dataset> {
  const dir = join(o.cacheDir, 'data');
  mkdirSync(dir, { recursive: true });
  let name: string, base: Float32Array, query: Float32Array, dim: number;
  let params: Record<string, number | string>;
  if (o.baseFile) {
    if (!o.queryFile) throw new Error('--base needs --query');
    const b = readVecs(o.baseFile), q = readVecs(o.queryFile);
    if (b.dim !== q.dim) throw new Error(`base is ${b.dim}-d but queries are ${q.dim}-d`);
    name = basename(o.baseFile).replace(/\.fvecs$/, '');
    base = normalizeRows(b.data as Float32Array, b.dim);
    query = normalizeRows(q.data as Float32Array, q.dim).subarray(0, Math.min(q.rows, o.queries) * q.dim);
    dim = b.dim;
    params = { source: o.baseFile };
  } else {
    const set = o.set ?? 'syn';
    if (!(SETS as readonly string[]).includes(set)) throw new Error(`unknown data set "${set}": one of ${SETS.join(', ')}`);
    const image = (IMAGE_SETS as readonly string[]).includes(set);
    // Photo sets: every row the photos give, then (if --n is smaller) a seeded sample.
    name = set === 'syn' ? `syn-n${o.n}-d${o.dim}-q${o.queries}-s${o.seed}` : image ? `${set}-s${o.seed}` : `${set}-n${o.n}-d${o.dim}-q${o.queries}-s${o.seed}`;
    const bf = join(dir, `${name}.base.fvecs`), qf = join(dir, `${name}.query.fvecs`);
    params = set === 'syn' ? { ...syntheticParams(o.n), generator: 'bench/lib/synthetic.ts' } : set === 'dups' ? { ...dupsParams(), generator: 'bench/lib/synthetic-shapes.ts' } : set === 'glove' ? { ...gloveParams(o.n), generator: 'bench/lib/synthetic-shapes.ts' } : { generator: 'bench/lib/image-sets.ts' };
    if (existsSync(bf) && existsSync(qf)) {
      const b = readVecs(bf);
      base = b.data as Float32Array;
      query = readVecs(qf).data as Float32Array;
      dim = b.dim;
      log(`data: cached ${name}`);
    } else {
      log(`data: generating ${name} …`);
      if (image) {
        const v = await imageSet(set as ImageSet, o.seed, log);
        ({ base, query, dim } = v);
        params = { ...params, ...v.params };
      } else {
        const make = set === 'syn' ? synthetic : set === 'dups' ? nearDuplicates : gloveLike;
        ({ base, query } = make({ n: o.n, queries: o.queries, dim: o.dim, seed: o.seed }));
        dim = o.dim;
      }
      writeVecs(bf, base, dim);
      writeVecs(qf, query, dim);
    }
    if (image) {
      const rows = base.length / dim;
      if (o.n < rows) {
        base = sampleRows(base, dim, o.n, o.seed);
        name = `${name}-n${o.n}`;
      }
      query = query.subarray(0, Math.min(query.length / dim, o.queries) * dim);
      name = `${name}-q${query.length / dim}`;
    }
  }
  let gt: Int32Array, gtK: number;
  const gtCache = join(dir, `${name}.q${query.length / dim}.gt${GT_K}.ivecs`);
  if (o.gtFile) {
    const g = readVecs(o.gtFile);
    gt = g.data as Int32Array;
    gtK = g.dim;
  } else if (existsSync(gtCache)) {
    gt = readVecs(gtCache).data as Int32Array;
    gtK = GT_K;
  } else {
    log(`ground truth: exact top-${GT_K} for ${query.length / dim} queries …`);
    gt = groundTruth(base, query, dim, GT_K, (done) => done % 256 === 0 && log(`  ${done} queries`));
    gtK = GT_K;
    writeVecs(gtCache, gt, GT_K);
  }
  return { name, dim, base, query, gt, gtK, params };
}

/** A seeded sample of `n` rows, in their original order. */
function sampleRows(v: Float32Array, d: number, n: number, seed: number): Float32Array {
  const rows = v.length / d, r = rng32(seed * 977 + 3), idx = Uint32Array.from({ length: rows }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(r() * (rows - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  const pick = idx.subarray(0, n).sort();
  const out = new Float32Array(n * d);
  pick.forEach((row, i) => out.set(v.subarray(row * d, row * d + d), i * d));
  return out;
}

function normalizeRows(v: Float32Array, d: number): Float32Array {
  const out = new Float32Array(v.length);
  for (let r = 0; r < v.length / d; r++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += v[r * d + i] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let i = 0; i < d; i++) out[r * d + i] = v[r * d + i] * inv;
  }
  return out;
}
