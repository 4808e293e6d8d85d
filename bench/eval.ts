// npm run eval -- --data DIR [--captions model|oracle:N] [--mode bm25|full|both] [--range A:B] [--json]
// Text -> image retrieval over a captioned folder; prints Recall@1/5/10 and MRR.
import { parseArgs } from 'node:util';
import { BM25_OPTIONS, FULL_OPTIONS } from '../src/core/text/lexical-types.ts';
import { evaluate, loadCaptioned, oracleSplit, type Metrics } from './eval-lib.ts';

function fail(message: string): never {
  process.stderr.write(`eval: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    captions: { type: 'string', default: 'oracle:1' },
    mode: { type: 'string', default: 'both' },
    range: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

if (!values.data) fail('usage: eval --data DIR [--captions model|oracle:N] [--mode bm25|full|both] [--range A:B] [--json]');
if (values.captions === 'model') fail('model captions need the analysis pipeline; not available yet');
const oracle = /^oracle:([1-4])$/u.exec(values.captions);
if (!oracle) fail(`--captions must be "model" or "oracle:N" with N in 1..4, got "${values.captions}"`);
if (!['bm25', 'full', 'both'].includes(values.mode)) fail(`--mode must be bm25, full or both, got "${values.mode}"`);

const items = loadCaptioned(values.data);
let range: [number, number] = [0, items.length];
if (values.range !== undefined) {
  const m = /^(\d+):(\d+)$/u.exec(values.range);
  if (!m || Number(m[1]) >= Number(m[2])) fail(`--range must be A:B with A < B (image positions, B exclusive), got "${values.range}"`);
  range = [Number(m[1]), Math.min(Number(m[2]), items.length)];
}

const split = oracleSplit(items, Number(oracle[1]), range);
const results: [string, Metrics][] = [];
if (values.mode !== 'full') results.push(['bm25', evaluate(split, BM25_OPTIONS)]);
if (values.mode !== 'bm25') results.push(['full', evaluate(split, FULL_OPTIONS)]);

const pct = (x: number): string => (100 * x).toFixed(1).padStart(6);
const first = results[0]?.[1] as Metrics;
console.log(
  `data ${values.data}  captions ${values.captions}  range ${range[0]}:${range[1]}  images ${first.images}  queries ${first.queries}`,
);
console.log('mode     R@1    R@5   R@10    MRR');
for (const [mode, m] of results)
  console.log(`${mode.padEnd(5)} ${pct(m.recallAt1)} ${pct(m.recallAt5)} ${pct(m.recallAt10)}  ${m.mrr.toFixed(3)}`);

if (values.json) {
  const round = (m: Metrics): Metrics => ({
    images: m.images,
    queries: m.queries,
    recallAt1: +m.recallAt1.toFixed(4),
    recallAt5: +m.recallAt5.toFixed(4),
    recallAt10: +m.recallAt10.toFixed(4),
    mrr: +m.mrr.toFixed(4),
  });
  const main = results.find(([mode]) => mode === 'full') ?? (results[0] as [string, Metrics]);
  const baseline = results.find(([mode]) => mode === 'bm25');
  const out = { ...round(main[1]), mode: main[0], ...(baseline && main[0] !== 'bm25' ? { baseline: round(baseline[1]) } : {}) };
  console.log(JSON.stringify(out));
}
