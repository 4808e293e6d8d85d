// Benchmark data: a cached synthetic set or .fvecs files, plus exact top-100
// ground truth (cached under bench/out/data, which git ignores).
import { existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { groundTruth } from './exact.ts';
import { readVecs, writeVecs } from './fvecs.ts';
import { synthetic, syntheticParams } from './synthetic.ts';

export const GT_K = 100;

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
  n: number;
  dim: number;
  queries: number;
  seed: number;
  baseFile?: string;
  queryFile?: string;
  gtFile?: string;
  cacheDir: string;
}

export function loadDataset(o: DatasetOptions, log: (s: string) => void): Dataset {
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
    name = `syn-n${o.n}-d${o.dim}-q${o.queries}-s${o.seed}`;
    const bf = join(dir, `${name}.base.fvecs`), qf = join(dir, `${name}.query.fvecs`);
    params = { ...syntheticParams(o.n), generator: 'bench/lib/synthetic.ts' };
    if (existsSync(bf) && existsSync(qf)) {
      base = readVecs(bf).data as Float32Array;
      query = readVecs(qf).data as Float32Array;
      log(`data: cached ${name}`);
    } else {
      log(`data: generating ${name} …`);
      ({ base, query } = synthetic({ n: o.n, queries: o.queries, dim: o.dim, seed: o.seed }));
      writeVecs(bf, base, o.dim);
      writeVecs(qf, query, o.dim);
    }
    dim = o.dim;
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
    gt = groundTruth(base, query, dim, GT_K, (done) => done % 64 === 0 && log(`  ${done} queries`));
    gtK = GT_K;
    writeVecs(gtCache, gt, GT_K);
  }
  return { name, dim, base, query, gt, gtK, params };
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
