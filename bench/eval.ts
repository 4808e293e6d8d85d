// npm run eval -- --data DIR [--captions model|oracle:N] [--models DIR] [--caption-count N]
//                  [--captioner ID] [--embedder ID] [--mode bm25|full|both] [--range A:B] [--limit N] [--json]
// Text -> image retrieval over a captioned folder; prints Recall@1/5/10 and MRR per ranker.
// oracle:N  the first N human captions are the record; the other captions are queries. Lexical
//           rankers only, plus vector and fused when --models is given (embeds the human captions).
// model     captions come from the captioner (1 greedy + N-1 sampled, 20 new tokens); all 5 human
//           captions are queries; rankers: lexical, vector (cosine brute force) and fused.
// --models  the folder holding <id>/ model files; default models/, the app's own folder.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isNamedError } from '../src/core/errors.ts';
import { DEFAULT_TEXT_SEARCH } from '../src/core/search/text-search.ts';
import { BM25_OPTIONS, FULL_OPTIONS } from '../src/core/text/lexical-types.ts';
import { evaluateRankers, loadCaptioned, oracleSplit, type EvalSplit, type Metrics, type RankerResults } from './eval-lib.ts';
import {
  DEFAULT_MODELS_DIR,
  embedSplit,
  modelsHint,
  openModels,
  runModelEval,
  TEST_MODELS_WARNING,
  type OpenModels,
  type Timing,
} from './eval-model.ts';

const USAGE =
  'usage: eval --data DIR [--captions model|oracle:N] [--models DIR] [--caption-count N] [--captioner ID] [--embedder ID] ' +
  '[--mode bm25|full|both] [--range A:B] [--limit N] [--json]';
const MAX_NEW_TOKENS = 20;

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
    limit: { type: 'string' },
    models: { type: 'string' },
    captioner: { type: 'string' },
    embedder: { type: 'string' },
    'caption-count': { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
  },
});

if (!values.data) fail(USAGE);
const modelCaptions = values.captions === 'model';
const oracle = /^oracle:([1-4])$/u.exec(values.captions);
if (!modelCaptions && !oracle) fail(`--captions must be "model" or "oracle:N" with N in 1..4, got "${values.captions}"`);
if (!['bm25', 'full', 'both'].includes(values.mode)) fail(`--mode must be bm25, full or both, got "${values.mode}"`);
const captionCount = Number(values['caption-count']);
if (!Number.isInteger(captionCount) || captionCount < 1 || captionCount > 10)
  fail(`--caption-count must be 1..10, got "${values['caption-count']}"`);
const lexical = values.mode === 'both' ? (['bm25', 'full'] as const) : ([values.mode] as ['bm25' | 'full']);

const items = loadCaptioned(values.data);
let range: [number, number] = [0, items.length];
if (values.range !== undefined) {
  const m = /^(\d+):(\d+)$/u.exec(values.range);
  if (!m || Number(m[1]) >= Number(m[2])) fail(`--range must be A:B with A < B (image positions, B exclusive), got "${values.range}"`);
  range = [Number(m[1]), Math.min(Number(m[2]), items.length)];
}
if (values.limit !== undefined) {
  const n = Number(values.limit);
  if (!Number.isInteger(n) || n < 1) fail(`--limit must be a positive whole number of images, got "${values.limit}"`);
  range = [range[0], Math.min(range[1], range[0] + n)];
}

// Models: always for --captions model; for oracle only when --models is given.
const useModels = modelCaptions || values.models !== undefined;
const modelsDir = values.models === undefined ? DEFAULT_MODELS_DIR : path.resolve(values.models);
let models: OpenModels | undefined;
if (useModels) {
  try {
    models = await openModels({ dir: modelsDir, captioner: modelCaptions ? values.captioner : false, embedder: values.embedder });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (isNamedError(e, 'ModelUnavailableError')) fail(`${message}\n${modelsHint(modelsDir)}`);
    fail(message);
  }
  if (models.testModels) console.log(`WARNING: ${TEST_MODELS_WARNING} (${modelsDir})`);
}

let split: EvalSplit;
let results: RankerResults;
let timing: Timing | undefined;
const progress = (done: number, total: number): void => {
  if (done % 25 === 0 || done === total) process.stderr.write(`eval: captioned ${done}/${total}\n`);
};
if (models && modelCaptions) {
  ({ split, results, timing } = await runModelEval({
    dataDir: values.data,
    items,
    range,
    models,
    captionCount,
    maxNewTokens: MAX_NEW_TOKENS,
    lexical,
    onProgress: progress,
  }));
} else {
  split = oracleSplit(items, Number(oracle?.[1]), range);
  const embedded = models ? await embedSplit(models.embedder, split) : undefined;
  const t = performance.now();
  results = evaluateRankers(split, {
    lexical,
    vectors: embedded?.vectors,
    search: DEFAULT_TEXT_SEARCH,
    full: FULL_OPTIONS,
    bm25: BM25_OPTIONS,
  });
  if (models && embedded)
    timing = { loadMs: models.loadMs, decodeMs: 0, captionMs: 0, embedMs: embedded.ms, rankMs: performance.now() - t };
}
await models?.dispose();

const rows = (['bm25', 'full', 'vector', 'fused'] as const).flatMap((r) => (results[r] ? [[r, results[r]] as const] : []));
const pct = (x: number): string => (100 * x).toFixed(1).padStart(6);
const images = split.records.size;
const source = modelCaptions ? `model (${models?.captioner?.modelId}, ${captionCount} per image)` : values.captions;
console.log(
  `data ${values.data}  captions ${source}  range ${range[0]}:${range[1]}  images ${images}  queries ${split.queries.length}` +
    (models ? `  models ${modelsDir}  embedder ${models.embedder.modelId}` : ''),
);
console.log('ranker    R@1    R@5   R@10    MRR');
for (const [name, m] of rows)
  console.log(`${name.padEnd(6)} ${pct(m.recallAt1)} ${pct(m.recallAt5)} ${pct(m.recallAt10)}  ${m.mrr.toFixed(3)}`);
const gate = results.vectorGate;
if (gate) {
  const p = (x: { p10: number; p50: number; p90: number }): string => [x.p10, x.p50, x.p90].map((v) => v.toFixed(3)).join('/');
  console.log(
    `vector gate ${gate.vectorMin}: target cosine p10/p50/p90 ${p(gate.targetCosine)}, best other ${p(gate.bestOtherCosine)}, ` +
      `targets passing ${(100 * gate.targetPasses).toFixed(1)}%`,
  );
}
if (timing) {
  const per = (ms: number): string => (images > 0 ? (ms / images).toFixed(0) : '0');
  const imageStages = modelCaptions ? `decode ${per(timing.decodeMs)} ms/image, caption ${per(timing.captionMs)} ms/image, ` : '';
  console.log(
    `timing: load ${timing.loadMs.toFixed(0)} ms, ${imageStages}` +
      `embed ${timing.embedMs.toFixed(0)} ms (${images + split.queries.length} texts), rank ${timing.rankMs.toFixed(0)} ms (all rankers)`,
  );
}
if (models?.testModels) console.log(`WARNING: ${TEST_MODELS_WARNING}`);

if (values.json) {
  const round = (m: Metrics): Metrics => ({
    images: m.images,
    queries: m.queries,
    recallAt1: +m.recallAt1.toFixed(4),
    recallAt5: +m.recallAt5.toFixed(4),
    recallAt10: +m.recallAt10.toFixed(4),
    mrr: +m.mrr.toFixed(4),
  });
  const [mode, main] = results.fused ? ['fused', results.fused] : results.full ? ['full', results.full] : ['bm25', results.bm25 as Metrics];
  const out = {
    ...round(main),
    mode,
    ...(results.bm25 && mode !== 'bm25' ? { baseline: round(results.bm25) } : {}),
    ...(results.fused && results.full ? { full: round(results.full) } : {}),
    ...(results.vector ? { vector: round(results.vector) } : {}),
    ...(gate
      ? { vectorGate: JSON.parse(JSON.stringify(gate, (_k, v: unknown) => (typeof v === 'number' ? +v.toFixed(4) : v))) as unknown }
      : {}),
    ...(models
      ? {
          captions: modelCaptions ? 'model' : values.captions,
          models: { dir: modelsDir, captioner: models.captioner?.modelId, embedder: models.embedder.modelId, random: models.testModels },
        }
      : {}),
    ...(timing ? { timingMs: Object.fromEntries(Object.entries(timing).map(([k, v]) => [k, Math.round(v)])) } : {}),
    ...(models?.testModels ? { warning: TEST_MODELS_WARNING } : {}),
  };
  console.log(JSON.stringify(out));
}
