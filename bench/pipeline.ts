// npm run bench:pipeline -- [--n 30] [--query-n 100000] [--queries 50] [--env both|chromium|node] [--json]
// End-to-end indexing speed (per stage and images/s) and text-query latency, on the FULL-size
// random-weight test models (same ops and shapes as the real ones; captions are gibberish), in
// headless Chromium (the built app, WASM) and in Node (onnxruntime-node). See bench/pipeline/.
//   --n N             photos indexed, one after another (default 30)
//   --caption-counts  captionCount passes (default 3,1; the app captions 1 at once, 2 more in the background)
//   --max-new-tokens  (default 20, the app's default)
//   --query-n N       synthetic library size for query latency (default 100000; 0 skips queries)
//   --visual-n N      vectors in the synthetic 'visual' forest (default = query-n in Chromium, 0 in Node)
//   --queries N       warm queries timed (default 50), --app-queries N through the app's own worker (default 20)
//   --cold-runs N     browser restarts timing the app worker's first search; the median is reported (default 1)
//   --rebuild-lexical  seed no lexical snapshot: the cold start measures the rebuild from rows (first open after an upgrade)
//   --app-page-timeout S  bound on the app page's (UI running) first search (default 90 s)
//   --env             both | chromium | node (default both)
//   --probe-caption   diagnostic: time the captioner alone per dtype, split per session run, e.g. q8,fp32,fp32+q8
//                     (encoder+decoder; each in a fresh browser, in the order given, so repeat one to see the drift)
//   --images DIR      index the JPEGs of DIR instead of the shared 224-px photos
//   --ocr-compare     Chromium: each photo is indexed with text reading off, removed, then with it on (the
//                     app's default), side by side; prints both medians and their ratio
//   --queue-compare   Chromium: each pass also indexes the photos through the queue (caption batches of
//                     up to 3, workers/lib/queue-batch.ts), side by side with addImage one by one; prints both
//   --compare-dist DIR  Chromium: another build of the app (e.g. main's) whose analysis worker each cold
//                     restart also times (cold search, then --app-queries warm ones), alternating with this one.
//                     With --n > 0 the indexing is side by side too: that build on a second origin in its own
//                     browser, both with models loaded and one more photo indexed (and kept) as a warm-up, then --ingest-rounds
//                     rounds in which each indexes the --n photos (alternating which goes first); prints
//                     photos/s per side and round, both medians and new/old (bench/pipeline/ingest-compare.ts)
//   --ingest-rounds R  rounds of that side-by-side ingest (default 3)
//   --warm-after MS   the app worker waits MS after its cold search and warm-up before the timed warm
//                     searches (default 0): a person's next query comes seconds later, while background
//                     warming (leaves, then the text forest's vectors: the vectors-warm mark) runs
//   --json            last line: the Chromium figures as JSON, Node's under "node"
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateTestModels, repoRoot } from '../scripts/onnx/generate.ts';
import { runChromium } from './pipeline/chromium.ts';
import { CAPTIONER_ID, EMBEDDER_ID, TEXT_DIM, VISUAL_DIM } from './pipeline/models.ts';
import { runNode } from './pipeline/node.ts';
import { parseProbeDtype } from './pipeline/probe.ts';
import { median, round } from './pipeline/stats.ts';
import { heldOutQueries, type CaptionedEntry, type SeedSpec } from './pipeline/synthetic.ts';
import { addTokenCounts, captionTokenCounter } from './pipeline/tokens.ts';
import { STAGES, type EnvReport, type IndexRun } from './pipeline/types.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '30' },
    'caption-counts': { type: 'string', default: '3,1' },
    'max-new-tokens': { type: 'string', default: '20' },
    'query-n': { type: 'string', default: '100000' },
    'visual-n': { type: 'string' },
    queries: { type: 'string', default: '50' },
    'app-queries': { type: 'string', default: '20' },
    'app-page-timeout': { type: 'string', default: '90' },
    env: { type: 'string', default: 'both' },
    'probe-caption': { type: 'string', default: '' },
    'probe-images': { type: 'string', default: '2' },
    json: { type: 'boolean', default: false },
    'rebuild-lexical': { type: 'boolean', default: false },
    'cold-runs': { type: 'string', default: '1' },
    'ocr-compare': { type: 'boolean', default: false },
    'queue-compare': { type: 'boolean', default: false },
    images: { type: 'string' },
    'compare-dist': { type: 'string' },
    'ingest-rounds': { type: 'string', default: '3' },
    'warm-after': { type: 'string', default: '0' },
  },
});
const log = (s: string): void => void process.stderr.write(`${s}\n`);
const int = (s: string | undefined, name: string): number => {
  const x = Number(s);
  if (!Number.isInteger(x) || x < 0) throw new Error(`--${name} must be a whole number, got ${s}`);
  return x;
};
const n = int(values.n, 'n');
const captionCounts = values['caption-counts'].split(',').filter(Boolean).map((c) => int(c, 'caption-counts'));
const maxNewTokens = int(values['max-new-tokens'], 'max-new-tokens');
const queryN = int(values['query-n'], 'query-n');
const nQueries = Math.max(1, int(values.queries, 'queries'));
const envs = values.env === 'both' ? ['node', 'chromium'] : [values.env];
if (!envs.every((e) => e === 'node' || e === 'chromium')) throw new Error(`--env must be both, chromium or node, got ${values.env}`);
const THUMB = 256; // DEFAULT_INDEX_SETTINGS.thumbSize

const shared = path.resolve(process.env.GLIMPSE_SHARED_DATA ?? path.resolve(repoRoot, '../shared/data'), 'captioned');
// --images DIR: other photos to index (e.g. full-size ones; the shared set is 224 px), JPEGs by name.
const imageDir = values.images ? path.resolve(values.images) : path.join(shared, 'images');
const captionsFile = path.join(shared, 'captions.json');
const entries = JSON.parse(readFileSync(captionsFile, 'utf8')) as CaptionedEntry[];
const allFiles = readdirSync(imageDir).filter((f) => /\.jpe?g$/i.test(f)).sort();
const files = allFiles.slice(0, n);
if (files.length < n) throw new Error(`only ${files.length} photos in ${imageDir}`);
const probeDtypes = values['probe-caption'].split(',').filter(Boolean);
probeDtypes.forEach(parseProbeDtype); // throws on a bad one
const probe = probeDtypes.length ? { dtypes: probeDtypes, files: allFiles.slice(0, int(values['probe-images'], 'probe-images')) } : undefined;

const generated = generateTestModels({ size: 'full', log: (l) => log(`generated ${l}`) });
const modelDir = generated.dir;
log(`models: ${path.relative(repoRoot, modelDir)} (${generated.skipped ? 'up to date' : 'generated'})`);

// Queries: caption #5 of each photo, never indexed. Warm-up uses the last few photos' ones.
const allQueries = heldOutQueries(entries);
const queries = allQueries.slice(0, Math.min(nQueries, allQueries.length - 5));
const warmup = allQueries.slice(-5);
const spec = (visualN: number): SeedSpec => ({
  n: queryN,
  textDim: TEXT_DIM,
  visualN: Math.min(visualN, queryN),
  visualDim: VISUAL_DIM,
  seed: 7,
  models: { captioner: CAPTIONER_ID, embedder: EMBEDDER_ID },
  lexicalSnapshot: !values['rebuild-lexical'],
});
const visualArg = values['visual-n'] === undefined ? undefined : int(values['visual-n'], 'visual-n');

// Build output, the full report: bench/out/ is git-ignored.
const outDir = path.join(repoRoot, 'bench/out');
mkdirSync(outDir, { recursive: true });
const reports: EnvReport[] = [];
// Other work on this machine skews every figure: the load average is recorded beside them.
const load = (): number[] => loadavg().map((x) => round(x, 2));
const loadSamples: { t: number; load1: number }[] = [];
const sampler = setInterval(() => loadSamples.push({ t: Date.now(), load1: loadavg()[0]! }), 2000);
sampler.unref();
if (envs.includes('node')) {
  const before = load();
  reports.push(
    await runNode({
      modelDir,
      imageDir,
      files,
      captionCounts: n > 0 ? captionCounts : [],
      maxNewTokens,
      thumbSize: THUMB,
      query: queryN > 0 ? { entries, spec: spec(visualArg ?? 0), queries, warmup } : undefined,
      probe,
      log,
    }),
  );
  Object.assign(reports[reports.length - 1]!.runtime, { loadAvgBefore: before, loadAvgAfter: load() });
}
if (envs.includes('chromium')) {
  const before = load();
  reports.push(
    await runChromium({
      repoRoot,
      appOutDir: path.join(outDir, 'pipeline-app'),
      webOutDir: path.join(outDir, 'pipeline-web'),
      imageDir,
      captionsFile,
      files,
      captionCounts: n > 0 ? captionCounts : [],
      maxNewTokens,
      thumbSize: THUMB,
      ocrCompare: values['ocr-compare'],
      queueCompare: values['queue-compare'],
      ...(values['compare-dist'] ? { compareDist: path.resolve(values['compare-dist']), ingestRounds: int(values['ingest-rounds'], 'ingest-rounds'), anchorFile: allFiles[n] } : {}),
      modelsFolder: path.relative(path.join(repoRoot, 'models'), modelDir).split(path.sep).join('/'),
      query: queryN > 0 ? { spec: spec(visualArg ?? queryN), queries, warmup, appQueries: int(values['app-queries'], 'app-queries'), appPageTimeoutMs: 1000 * int(values['app-page-timeout'], 'app-page-timeout'), coldRuns: Math.max(1, int(values['cold-runs'], 'cold-runs')), warmAfterMs: int(values['warm-after'], 'warm-after') } : undefined,
      probe,
      log,
    }),
  );
  Object.assign(reports[reports.length - 1]!.runtime, { loadAvgBefore: before, loadAvgAfter: load() });
}

clearInterval(sampler);
const count = await captionTokenCounter(modelDir);
for (const r of reports) {
  for (const run of r.runs) {
    addTokenCounts(run, count);
    const during = loadSamples.filter((s) => s.t >= (run.startedAt ?? 0) && s.t <= (run.endedAt ?? 0));
    if (during.length) run.loadAvg = round(during.reduce((a, s) => a + s.load1, 0) / during.length, 2);
  }
}
const reportFile = path.join(outDir, 'pipeline-report.json');
writeFileSync(reportFile, JSON.stringify({ at: new Date().toISOString(), args: values, reports }, null, 1));
log(`full report (per image, per query component): ${path.relative(repoRoot, reportFile)}`);

// ---- report ----
const f = (x: number | undefined, d = 0): string => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));
/** Chromium: the app's own worker after a browser restart; Node: open + embedder + first query in-process. */
const coldOf = (r: EnvReport): number | undefined => r.appQuery?.coldMs ?? (r.query ? (r.query.cold.withWorkerStartMs ?? r.query.cold.totalMs) : undefined);
const runOf = (r: EnvReport, c: number): IndexRun | undefined => r.runs.find((x) => x.captionCount === c);
const main = captionCounts[0] ?? 3;
const rows: [string, (r: EnvReport) => string][] = [
  ['runtime', (r) => (r.env === 'node' ? `${String(r.runtime.backend)}` : `${String(r.runtime.backend)} ×${String(r.runtime.threads)} thr`)],
  ['model load (captioner+embedder)', (r) => `${f(r.modelLoadMs)} ms`],
  ...STAGES.map((s): [string, (r: EnvReport) => string] => [`  ${s}  median ms/image (captions=${main})`, (r) => f(runOf(r, main)?.stageMedianMs[s], 1)]),
  [`  other (wall − stages)`, (r) => f(runOf(r, main)?.otherMedianMs, 1)],
  ...captionCounts.map((c): [string, (r: EnvReport) => string] => [`images/s end to end, captions=${c}`, (r) => f(runOf(r, c)?.imagesPerSecond, 2)]),
  ...captionCounts.map((c): [string, (r: EnvReport) => string] => [`  caption ms/image, captions=${c}`, (r) => f(runOf(r, c)?.stageMedianMs.caption)]),
  ...captionCounts.map((c): [string, (r: EnvReport) => string] => [`  load average during captions=${c}`, (r) => f(runOf(r, c)?.loadAvg, 2)]),
  [`caption tokens ≈ mean (≥ ${maxNewTokens} of all), re-tokenised`, (r) => { const t = runOf(r, main)?.captionTokens; return t ? `${t.mean.toFixed(1)} (${t.atMax}/${t.captions})` : '—'; }],
  [`query @${queryN}: embed+search p50 / p95`, (r) => (r.query ? `${f(r.query.warm.total.p50, 1)} / ${f(r.query.warm.total.p95, 1)} ms` : '—')],
  ['  embed p50', (r) => (r.query ? `${f(r.query.warm.embed.p50, 1)} ms` : '—')],
  ['  text forest alone p50', (r) => (r.query ? `${f(r.query.warm.forest.p50, 1)} ms` : '—')],
  ['  lexical+fusion+rows p50 / p95', (r) => (r.query ? `${f(r.query.warm.lexicalAndRows.p50, 1)} / ${f(r.query.warm.lexicalAndRows.p95, 1)} ms` : '—')],
  ['cold first query (coldQueryMs)', (r) => (r.query ? `${f(coldOf(r))} ms` : '—')],
  ['  each restart', (r) => (r.appQuery?.coldRunsMs && r.appQuery.coldRunsMs.length > 1 ? `${r.appQuery.coldRunsMs.map((x) => f(x)).join(', ')} ms (median above)` : '—')],
  ['  Library.open: lexical snapshot read + load, images keys, forests', (r) => (r.query ? `${f(r.query.warm.open.snapshotReadMs)} + ${f(r.query.warm.open.snapshotLoadMs)}, ${f(r.query.warm.open.keysMs)}, ${f(r.query.warm.open.forestsOpenMs)} ms` : '—')],
  ['  lexical snapshot size', (r) => (r.query ? `${f(r.query.warm.open.snapshotBytes / 1e6, 1)} MB` : '—')],
  ['  stale count (app open; before v3 it read every row, as below)', (r) => (r.query ? `${f(r.query.warm.open.staleCountMs, 1)} ms` : '—')],
  ['  without a snapshot: read rows + lexical rebuild', (r) => (r.query ? `${f(r.query.warm.open.readRowsMs)} + ${f(r.query.warm.open.lexicalBuildMs)} ms` : '—')],
  ['  bench cold: Library.open / embedder / query', (r) => (r.query ? `${f(r.query.cold.openMs)} / ${f(r.query.cold.embedderLoadMs)} / ${f(r.query.cold.queryMs)} ms` : '—')],
  ['  app worker: first search ever (models fetched)', (r) => (r.appQuery ? `${f(r.appQuery.firstVisitColdMs)} ms` : '—')],
  ['app worker warm search p50 / p95', (r) => (r.appQuery ? `${f(r.appQuery.warm.p50, 1)} / ${f(r.appQuery.warm.p95, 1)} ms` : '—')],
  ['app page (UI) first search after restart', (r) => (!r.appPage ? '—' : r.appPage.searchMs !== undefined ? `${f(r.appPage.searchMs)} ms` : `timed out (${f(r.appPage.timedOutAfterMs! / 1000)} s)`)],
  ...probeDtypes.flatMap((d, k): [string, (r: EnvReport) => string][] => [
    [
      `probe #${k + 1} ${d}: encoder / 1 caption / 3 captions (median)`,
      (r) => {
        const p = r.captionProbe?.[k];
        return p ? `${f(median(p.images.map((i) => i.encodeMs)))} / ${f(median(p.images.map((i) => i.captionMs['1']!)))} / ${f(median(p.images.map((i) => i.captionMs['3']!)))} ms` : '—';
      },
    ],
    [
      `  1 caption: encoder run / decoder step 1 / later steps (×n) / other`,
      (r) => {
        const ps = (r.captionProbe?.[k]?.images ?? []).flatMap((i) => (i.parts ? [i.parts] : []));
        if (!ps.length) return '—';
        const m = (g: (p: (typeof ps)[number]) => number, d = 0): string => f(median(ps.map(g)), d);
        return `${m((p) => p.encoderMs)} / ${m((p) => p.firstStepMs)} / ${m((p) => p.stepMs, 1)} (×${m((p) => p.steps - 1)}) / ${m((p) => p.otherMs)} ms`;
      },
    ],
  ]),
  ...captionCounts.map((c): [string, (r: EnvReport) => string] => [
    `ingest side by side, captions=${c}: old / new median photos/s (×)`,
    (r) => {
      const x = r.ingestCompare?.find((i) => i.captionCount === c);
      return x ? `${f(x.oldMedian, 3)} / ${f(x.newMedian, 3)} (×${f(x.ratio, 3)})` : '—';
    },
  ]),
  ['load average before → after', (r) => `${String(r.runtime.loadAvgBefore ?? '—')} → ${String(r.runtime.loadAvgAfter ?? '—')}`],
  ['seed: rows / lexical snapshot / text forest / visual forest', (r) => (r.query ? `${f(r.query.seed.rowsMs / 1000, 1)} / ${f(r.query.seed.lexicalMs / 1000, 1)} / ${f(r.query.seed.textForestMs / 1000, 1)} / ${f(r.query.seed.visualForestMs / 1000, 1)} s` : '—')],
];
const envName = (r: EnvReport): string => r.env;
const w0 = Math.max(...rows.map(([l]) => l.length));
const cols = reports.map((r) => Math.max(envName(r).length, ...rows.map(([, g]) => g(r).length)));
console.log(`\nGlimpse pipeline: ${n} photos, full-size random-weight models (q8), maxNewTokens ${maxNewTokens}; queries over ${queryN} synthetic records`);
console.log(`${''.padEnd(w0)}  ${reports.map((r, i) => envName(r).padStart(cols[i]!)).join('  ')}`);
for (const [label, get] of rows) console.log(`${label.padEnd(w0)}  ${reports.map((r, i) => get(r).padStart(cols[i]!)).join('  ')}`);
const targetsOf = (r: EnvReport): string[] => {
  const ips = runOf(r, main)?.imagesPerSecond;
  const p95 = r.query?.warm.total.p95;
  const cold = coldOf(r);
  const mark = (ok: boolean | undefined): string => (ok === undefined ? 'n/a' : ok ? 'met' : 'NOT met');
  return [`≥1 image/s: ${mark(ips === undefined ? undefined : ips >= 1)}`, `warm p95 ≤ 50 ms: ${mark(p95 === undefined ? undefined : p95 <= 50)}`, `cold ≤ 2 s: ${mark(cold === undefined ? undefined : cold <= 2000)}`];
};
for (const r of reports) console.log(`targets (${r.env}): ${targetsOf(r).join('; ')}`);
for (const r of reports) for (const note of [...r.notes, ...(r.query?.notes ?? [])]) console.log(`note (${r.env}): ${note}`);

if (values.json) {
  const summary = (r: EnvReport) => {
    const run = runOf(r, main);
    const stageMs = run ? Object.fromEntries(STAGES.map((s) => [s, round(run.stageMedianMs[s], 1)])) : undefined;
    return {
      env: r.env,
      imagesPerSecond: run ? round(run.imagesPerSecond, 3) : null,
      stageMs: stageMs ?? null,
      queryP50Ms: r.query ? round(r.query.warm.total.p50, 1) : null,
      queryP95Ms: r.query ? round(r.query.warm.total.p95, 1) : null,
      coldQueryMs: coldOf(r) !== undefined ? Math.round(coldOf(r)!) : null,
      captionCount: main,
      maxNewTokens,
      images: run?.images ?? 0,
      imagesPerSecondByCaptionCount: Object.fromEntries(r.runs.map((x) => [String(x.captionCount), round(x.imagesPerSecond, 3)])),
      loadAvgByCaptionCount: Object.fromEntries(r.runs.map((x) => [String(x.captionCount), x.loadAvg ?? null])),
      otherMsPerImage: run ? round(run.otherMedianMs, 1) : null,
      captionTokensMean: run?.captionTokens ? round(run.captionTokens.mean, 1) : null,
      modelLoadMs: Number.isFinite(r.modelLoadMs) ? Math.round(r.modelLoadMs) : null,
      queryLibrarySize: r.query?.spec.n ?? 0,
      queryBreakdownP50Ms: r.query ? { embed: round(r.query.warm.embed.p50, 1), textForest: round(r.query.warm.forest.p50, 1), lexicalFusionRows: round(r.query.warm.lexicalAndRows.p50, 1) } : null,
      coldQueryBreakdownMs: r.query ? { libraryOpen: Math.round(r.query.cold.openMs), embedderLoad: Math.round(r.query.cold.embedderLoadMs), query: Math.round(r.query.cold.queryMs), total: Math.round(r.query.cold.withWorkerStartMs ?? r.query.cold.totalMs) } : null,
      ...(r.captionProbe
        ? {
            captionProbeMedianMs: Object.fromEntries(
              r.captionProbe.map((p) => [p.dtype, { load: Math.round(p.loadMs), encoder: round(median(p.images.map((i) => i.encodeMs)), 0), caption1: round(median(p.images.map((i) => i.captionMs['1']!)), 0), caption3: round(median(p.images.map((i) => i.captionMs['3']!)), 0) }]),
            ),
          }
        : {}),
      libraryOpenBreakdownMs: r.query
        ? {
            snapshotRead: Math.round(r.query.warm.open.snapshotReadMs),
            snapshotLoad: Math.round(r.query.warm.open.snapshotLoadMs),
            imageKeys: Math.round(r.query.warm.open.keysMs),
            forestsOpen: Math.round(r.query.warm.open.forestsOpenMs),
            rebuildReadRows: Math.round(r.query.warm.open.readRowsMs),
            rebuildLexical: Math.round(r.query.warm.open.lexicalBuildMs),
            staleCount: +r.query.warm.open.staleCountMs.toFixed(1),
          }
        : null,
      ...(r.appQuery ? { appWorkerQueryP50Ms: round(r.appQuery.warm.p50, 1), appWorkerQueryP95Ms: round(r.appQuery.warm.p95, 1), appWorkerFirstVisitColdMs: Math.round(r.appQuery.firstVisitColdMs), appWorkerColdRunsMs: r.appQuery.coldRunsMs?.map((x) => Math.round(x)) ?? null } : {}),
      ...(r.ingestCompare ? { ingestCompare: r.ingestCompare } : {}),
      ...(r.appPage ? { appPageFirstSearchMs: r.appPage.searchMs !== undefined ? Math.round(r.appPage.searchMs) : null, appPageTimedOutAfterMs: r.appPage.timedOutAfterMs !== undefined ? Math.round(r.appPage.timedOutAfterMs) : null } : {}),
      runtime: r.runtime,
    };
  };
  const node = reports.find((r) => r.env === 'node');
  const chrome = reports.find((r) => r.env === 'chromium-wasm');
  const last = chrome ? { ...summary(chrome), ...(node ? { node: summary(node) } : {}) } : summary(node!);
  console.log(JSON.stringify(last));
}
