// npx tsx bench/dot-half.ts [--dim 384] [--rows 20000] [--reps 5]
// The exact re-rank's float16 dot product (half.ts dotHalf, one table load per element) against
// the two-table form it replaced, on the same rows in one process, rounds alternating; prints the
// µs per row of each and checks that both give the same sums to the bit.
import { dotHalf, fromHalf, toHalf } from '../src/core/forest/half.ts';
import { parseArgs } from './lib/args.ts';
import { rng32 } from './lib/synthetic.ts';

const args = parseArgs(process.argv.slice(2));
const d = Number(args.get('dim') ?? 384), n = Number(args.get('rows') ?? 20000), reps = Number(args.get('reps') ?? 5);
const next = rng32(7);
const h = new Uint16Array(n * d).map(() => toHalf((next() / 2 ** 32 - 0.5) / Math.sqrt(d)));
const q = new Float32Array(d).map(() => next() / 2 ** 32 - 0.5);
const STEP = new Float32Array(64), LEAD = new Float32Array(64);
for (let se = 0; se < 64; se++) {
  const e = se & 31;
  STEP[se] = (se & 32 ? -1 : 1) * 2 ** ((e === 0 ? 1 : e) - 25);
  LEAD[se] = e === 0 ? 0 : 1024;
}
/** The form before: sign-exponent tables and the mantissa, per element. */
function dotTwoTables(q: Float32Array, h: Uint16Array, off: number, d: number): number {
  let s0 = 0, s1 = 0, i = 0;
  for (; i + 1 < d; i += 2) {
    const a = h[off + i], b = h[off + i + 1];
    s0 += q[i] * STEP[a >>> 10] * (LEAD[a >>> 10] + (a & 1023));
    s1 += q[i + 1] * STEP[b >>> 10] * (LEAD[b >>> 10] + (b & 1023));
  }
  if (i < d) s0 += q[i] * fromHalf(h[off + i]);
  return s0 + s1;
}
const time = (fn: typeof dotHalf): { us: number; sum: number } => {
  const t0 = performance.now();
  let sum = 0;
  for (let r = 0; r < n; r++) sum += fn(q, h, r * d, d);
  return { us: ((performance.now() - t0) / n) * 1000, sum };
};
let best = { old: Infinity, now: Infinity }, same = true;
for (let r = 0; r < reps; r++) {
  const a = time(dotTwoTables), b = time(dotHalf);
  same &&= a.sum === b.sum;
  best = { old: Math.min(best.old, a.us), now: Math.min(best.now, b.us) };
}
console.log(JSON.stringify({ dim: d, rows: n, usPerRowTwoTables: +best.old.toFixed(3), usPerRowOneTable: +best.now.toFixed(3), sameSums: same }));
