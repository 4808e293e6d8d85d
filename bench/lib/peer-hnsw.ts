// The established peer: hnswlib (C++ HNSW via hnswlib-node), inner-product space
// on unit vectors (= cosine). The built graph is cached under bench/out, named by a hash of the
// base vectors it was built from (two files of one name but other contents never share a graph).
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { percentile, recallAt, round } from './stats.ts';

export interface PeerPoint {
  ef: number;
  recallAt10: number;
  qps: number;
  p50Ms: number;
  p99Ms: number;
}

export interface PeerResult {
  M: number;
  efConstruction: number;
  buildS: number;
  /** True when the graph came from the cache (buildS is then the original build time, re-measured as load time 0). */
  cached: boolean;
  /** The cached graph's file. */
  file: string;
  indexBytes: number;
  sweep: PeerPoint[];
}

/** The cache file of a graph over `base`: its content's hash, dimension and build parameters. */
export function graphFile(base: Float32Array, d: number, M: number, efConstruction: number, cacheDir: string): string {
  const hash = createHash('sha256').update(new Uint8Array(base.buffer, base.byteOffset, base.byteLength)).digest('hex').slice(0, 20);
  return join(cacheDir, `hnsw-${hash}-d${d}-M${M}-efc${efConstruction}.bin`);
}

export function runHnsw(
  base: Float32Array, query: Float32Array, gt: Int32Array, gtK: number, d: number,
  o: { M: number; efConstruction: number; efs: number[]; cacheDir: string }, log: (s: string) => void,
): PeerResult {
  const n = base.length / d, nq = query.length / d;
  const file = graphFile(base, d, o.M, o.efConstruction, o.cacheDir);
  const index = new hnswlib.HierarchicalNSW('ip', d);
  let buildS = 0, cached = false;
  if (existsSync(file)) {
    index.readIndexSync(file);
    cached = true;
    log(`hnswlib: loaded cached graph ${file}`);
  } else {
    log(`hnswlib: building M=${o.M} efConstruction=${o.efConstruction} over ${n} …`);
    const t0 = performance.now();
    index.initIndex(n, o.M, o.efConstruction, 100);
    const row: number[] = new Array<number>(d);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < d; i++) row[i] = base[j * d + i];
      index.addPoint(row, j);
      if (j % 100000 === 99999) log(`  ${j + 1} points, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    buildS = (performance.now() - t0) / 1000;
    index.writeIndexSync(file);
  }
  const qrows = Array.from({ length: nq }, (_, q) => Array.from(query.subarray(q * d, q * d + d)));
  const sweep: PeerPoint[] = [];
  for (const ef of o.efs) {
    index.setEf(ef);
    for (let q = 0; q < Math.min(nq, 20); q++) index.searchKnn(qrows[q], 10); // warm-up
    // Faster of two passes, as for our forest.
    let times: number[] = [], rec = 0, total = Infinity;
    for (let rep = 0; rep < 2; rep++) {
      const t: number[] = [];
      let r = 0;
      const t0 = performance.now();
      for (let q = 0; q < nq; q++) {
        const s = performance.now();
        const res = index.searchKnn(qrows[q], 10);
        t.push(performance.now() - s);
        r += recallAt(res.neighbors, gt.subarray(q * gtK, q * gtK + 10), 10);
      }
      const el = performance.now() - t0;
      if (el < total) [total, times, rec] = [el, t, r];
    }
    times.sort((a, b) => a - b);
    sweep.push({ ef, recallAt10: round(rec / nq), qps: round((nq * 1000) / total, 1), p50Ms: round(percentile(times, 50)), p99Ms: round(percentile(times, 99)) });
  }
  return { M: o.M, efConstruction: o.efConstruction, buildS: round(buildS, 1), cached, file, indexBytes: existsSync(file) ? statSync(file).size : 0, sweep };
}
