// npm run bench:estimator -- [--data patches,syn,…] [--n 100000] [--queries 200] [--pool 300,1000,3000] [--bounds 1,1.5,1.9,2.5]
// The sketch estimate and the re-rank rule, on each set's true neighbourhoods, without a forest:
// per query, the P nearest base rows (exact, float32) stand for the candidates a search of
// growing width brings, best ones always included. For three sketches, the error of the estimate
// (its RMS over the 100 nearest and over the rest, and against RaBitQ's bound σ: RMS of error/σ,
// share beyond 1.9σ) and, for the re-rank rules, recall@10 and vectors read as P grows:
//   format 3: signs of the int8 code, no rotation, no centring; keep the best max(4k, k + 256) by
//             estimate, read the best k + 54, then any within 1/√dim of the k-th exact score;
//   rotated, and rotated + centred (format 4, sketch.ts): keep every row whose estimate + ε·σ
//             reaches the k-th best estimate − ε·σ, read the best k + 54, then any whose
//             estimate + ε·σ reaches the k-th exact score; '⊥': σ of the upper bounds taken
//             from the query's part orthogonal to the row (sketch.ts perpError).
// Scores are exact on float16 (the forest's vectors); the int8 and float16 lines give the recall
// each precision reaches when every pool row is scored.
import { TopK } from '../src/core/forest/heaps.ts';
import { fromHalf } from '../src/core/forest/half.ts';
import { SketchRows } from '../src/core/forest/sketch-codec.ts';
import { perpError, SketchSpace, SketchTable, unpackAdd, unpackError } from '../src/core/forest/sketch.ts';
import { dotF32, dotI8, halfRows, quantizeRows } from '../src/core/forest/vector-math.ts';
import { numList, parseArgs } from './lib/args.ts';
import { dataOptions, loadDataset, type Dataset } from './lib/dataset.ts';
import { recallAt, round } from './lib/stats.ts';

const args = parseArgs(process.argv.slice(2));
const log = (s: string): void => void process.stderr.write(s + '\n');
const pools = numList(args.get('pool') ?? '300,1000,3000');
const bounds = numList(args.get('bounds') ?? '1,1.5,1.9,2.5');
const K = 10, FIRST = K + 54;
const out: Record<string, unknown> = {};
for (const set of (args.get('data') ?? 'patches').split(',')) {
  const ds = await loadDataset({ n: Number(args.get('n') ?? 100000), dim: 384, queries: 1000, seed: 1, cacheDir: args.get('cache-dir') ?? 'bench/out', ...dataOptions(set) }, log);
  out[set] = measure(ds, Math.min(ds.query.length / ds.dim, Number(args.get('queries') ?? 200)));
}
if (args.get('json') === 'true') console.log(JSON.stringify(out));

function measure(ds: Dataset, nq: number): Record<string, unknown> {
  const d = ds.dim, n = ds.base.length / d, P = Math.max(...pools);
  const codes = new Int8Array(n * d), scales = new Float32Array(n), half = new Uint16Array(n * d);
  quantizeRows(ds.base, d, codes, scales);
  halfRows(ds.base, d, half, new Int8Array(n * d), new Float32Array(n));
  log(`${ds.name}: the ${P} nearest of ${nq} queries …`);
  const pool: Int32Array[] = [];
  for (let q = 0; q < nq; q++) {
    const t = new TopK(P);
    for (let j = 0; j < n; j++) {
      const s = dotF32(ds.query, q * d, ds.base, j * d, d);
      if (s > t.floor()) t.push(s, j);
    }
    pool.push(Int32Array.from(t.order(), (i) => t.slots[i]));
  }
  const truth = (q: number): Int32Array => ds.gt.subarray(q * ds.gtK, q * ds.gtK + K);
  const exactOf = (q: number, j: number, rows: 'half' | 'int8'): number => {
    let s = 0;
    if (rows === 'int8') return dotI8(ds.query.subarray(q * d, q * d + d), codes, j * d, d) * scales[j];
    for (let i = 0; i < d; i++) s += ds.query[q * d + i] * fromHalf(half[j * d + i]);
    return s;
  };
  const res: Record<string, unknown> = {};
  // What each stored precision reaches with every pool row scored.
  for (const rows of ['int8', 'half'] as const) {
    let rec = 0;
    for (let q = 0; q < nq; q++) {
      const t = new TopK(K);
      for (const j of pool[q]) t.push(exactOf(q, j, rows), j);
      rec += recallAt(t.order().map((i) => t.slots[i]), truth(q), K);
    }
    res[`cap ${rows === 'half' ? 'float16' : 'int8'}`] = round(rec / nq);
  }
  log(`  recall with every pool row scored: int8 ${res['cap int8']}, float16 ${res['cap float16']}`);

  // Format 4's sketch (rotated; centred or not), through the forest's own code.
  const mean = new Float32Array(d);
  for (let j = 0; j < n; j++) for (let i = 0; i < d; i++) mean[i] += fromHalf(half[j * d + i]) / n;
  for (const variant of ['format 3', 'rotated', 'rotated + centred']) {
    let est: (q: number, j: number) => number, sigma: (q: number, j: number) => number;
    let refined: ((q: number, j: number, e: number) => number) | undefined;
    if (variant === 'format 3') {
      // Signs of the int8 code and ‖c‖/Σ|c_i|, the query unrotated (the sketch before this change).
      const w = (d + 31) >>> 5, words = new Uint32Array(n * w), f = new Float32Array(n);
      for (let j = 0; j < n; j++) {
        let abs = 0, sq = 0;
        for (let i = 0; i < d; i++) {
          const c = codes[j * d + i];
          if (c > 0) words[j * w + (i >> 5)] |= 1 << (i & 31);
          abs += Math.abs(c);
          sq += c * c;
        }
        f[j] = abs > 0 ? Math.sqrt(sq) / abs : 0;
      }
      est = (q, j) => {
        let s = 0;
        for (let i = 0; i < d; i++) s += (words[j * w + (i >> 5)] >>> (i & 31)) & 1 ? ds.query[q * d + i] : -ds.query[q * d + i];
        return s * f[j];
      };
      // RaBitQ's σ for these codes, had they been rotated: ‖o‖·√((1/⟨ō,o⟩² − 1)/(d − 1)), ‖q‖ = 1.
      sigma = (_q, j) => {
        let abs = 0, sq = 0;
        for (let i = 0; i < d; i++) {
          const c = codes[j * d + i];
          abs += Math.abs(c);
          sq += c * c;
        }
        const ip = abs / Math.sqrt(sq * d);
        return Math.sqrt((1 / (ip * ip) - 1) / (d - 1));
      };
    } else {
      const space = new SketchSpace(d, variant === 'rotated' ? new Float32Array(d) : mean, 99);
      const rows = new SketchRows(d, n);
      space.sketchHalves(half, 0, n, rows, 0);
      const table = new SketchTable(space), w = rows.stride - 2;
      let filled = -1;
      const fill = (q: number): void => {
        if (filled !== q) table.fill(ds.query.subarray(q * d, q * d + d));
        filled = q;
      };
      est = (q, j) => (fill(q), table.estimateAt(rows.u32, rows.f32, j * rows.stride, w));
      sigma = (q, j) => (fill(q), table.errorAt(rows.u32, j * rows.stride, w));
      refined = (q, j, e) => {
        fill(q);
        const at = j * rows.stride, pk = rows.u32[at + w + 1];
        return perpError(unpackError(pk), rows.f32[at + w], e - table.base - unpackAdd(pk), table.errorScale ** 2, space.padded);
      };
    }
    let eTop = 0, nTop = 0, eRest = 0, nRest = 0, z2 = 0, beyond = 0;
    const E: Float64Array[] = [], S: Float64Array[] = [], R: Float64Array[] = [], X: Float64Array[] = [];
    for (let q = 0; q < nq; q++) {
      const e = new Float64Array(P), sg = new Float64Array(P), rf = new Float64Array(P), x = new Float64Array(P);
      for (let a = 0; a < P; a++) {
        const j = pool[q][a];
        e[a] = est(q, j);
        sg[a] = sigma(q, j);
        rf[a] = refined ? refined(q, j, e[a]) : sg[a];
        x[a] = exactOf(q, j, 'half');
        const err = e[a] - x[a];
        if (a < 100) {
          eTop += err * err;
          nTop++;
        } else {
          eRest += err * err;
          nRest++;
        }
        z2 += (err / sg[a]) ** 2;
        if (Math.abs(err) > 1.9 * sg[a]) beyond++;
      }
      E.push(e);
      S.push(sg);
      R.push(rf);
      X.push(x);
    }
    const line: Record<string, unknown> = { errorRmsTop100: round(Math.sqrt(eTop / nTop), 4), errorRmsRest: round(Math.sqrt(eRest / nRest), 4), errorOverSigmaRms: round(Math.sqrt(z2 / (nq * P))), beyond19Sigma: round(beyond / (nq * P), 4) };
    const rules = variant === 'format 3' ? [{ name: 'format 3 rule', bound: NaN, perp: false }] : bounds.flatMap((b) => [{ name: `bound ${b}`, bound: b, perp: false }, { name: `bound ${b} ⊥`, bound: b, perp: true }]);
    for (const { name, bound, perp } of rules) {
      for (const p of pools) {
        let rec = 0, read = 0;
        for (let q = 0; q < nq; q++) {
          const r = isNaN(bound) ? format3Rule(E[q], X[q], p, d) : boundRule(E[q], S[q], perp ? R[q] : S[q], X[q], p, bound);
          rec += recallAt(r.found.map((a) => pool[q][a]), truth(q), K);
          read += r.read;
        }
        line[`${name} @${p}`] = `${round(rec / nq)} (${Math.round(read / nq)} read)`;
      }
    }
    res[variant] = line;
    log(`  ${variant}: ${JSON.stringify(line)}`);
  }
  return res;
}

/** The re-rank before this change: a fixed count kept, a fixed margin. Returns pool indices found. */
function format3Rule(est: Float64Array, exact: Float64Array, p: number, d: number): { found: number[]; read: number } {
  const order = Array.from({ length: p }, (_, a) => a).sort((a, b) => est[b] - est[a]).slice(0, Math.max(4 * K, K + 256));
  const top = new TopK(K);
  let read = 0;
  const score = (a: number): void => {
    top.push(exact[a], a);
    read++;
  };
  order.slice(0, FIRST).forEach(score);
  const bar = top.floor() - 1 / Math.sqrt(d);
  for (const a of order.slice(FIRST)) if (est[a] >= bar) score(a);
  return { found: top.order().map((i) => top.slots[i]), read };
}

/** Format 4's rule (score.ts), over the first p pool rows: lower bounds by σ, upper bounds by `upper` (σ or the ⊥ σ). */
function boundRule(est: Float64Array, sigma: Float64Array, upper: Float64Array, exact: Float64Array, p: number, bound: number): { found: number[]; read: number } {
  const lower = new TopK(K);
  for (let a = 0; a < p; a++) lower.push(est[a] - bound * sigma[a], a);
  const bar = lower.floor();
  const kept = Array.from({ length: p }, (_, a) => a).filter((a) => est[a] + bound * upper[a] >= bar).sort((a, b) => est[b] - est[a]);
  const top = new TopK(K);
  let read = 0;
  const score = (a: number): void => {
    top.push(exact[a], a);
    read++;
  };
  kept.slice(0, FIRST).forEach(score);
  const floor = top.floor();
  for (const a of kept.slice(FIRST)) if (est[a] + bound * upper[a] >= floor) score(a);
  return { found: top.order().map((i) => top.slots[i]), read };
}
