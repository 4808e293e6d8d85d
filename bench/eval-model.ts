// The model side of the eval: loads the captioner and embedder through src/ml (as the app does),
// captions images decoded with sharp, embeds record and query text, and runs every ranker.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import manifestJson from '../models/manifest.json';
import { defaultModel, findModel, type Manifest, type ModelEntry } from '../src/core/models/manifest.ts';
import { DEFAULT_TEXT_SEARCH, type TextSearchOptions } from '../src/core/search/text-search.ts';
import { BM25_OPTIONS, FULL_OPTIONS } from '../src/core/text/lexical-types.ts';
import type { AnalyticsRecord } from '../src/core/text/record.ts';
import { recordText } from '../src/core/text/record-text.ts';
import { createCaptioner, type Captioner, type Rgba } from '../src/ml/captioner.ts';
import { createEmbedder, type Embedder } from '../src/ml/embedder.ts';
import { prepareRuntime } from '../src/ml/runtime.ts';
import { evaluateRankers, modelSplit, type CaptionedItem, type EvalSplit, type RankerResults, type Vectors } from './eval-lib.ts';

const MANIFEST = manifestJson as Manifest;

export const TEST_MODELS_WARNING = 'random-weight test models: figures measure plumbing, not quality';

/** The app's own model folder, where a deployer puts real weights. */
export const DEFAULT_MODELS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../models');

/** True for a folder written by scripts/gen-test-models.ts (random weights). */
export function isTestModelsDir(dir: string): boolean {
  return existsSync(path.join(dir, '.generator-stamp.json'));
}

/** Extra guidance printed after a ModelUnavailableError when running the eval. */
export function modelsHint(dir: string): string {
  return (
    `eval looks for models in ${dir}/<id>/ (files listed in models/manifest.json); put the real weights there or pass --models DIR. ` +
    'For a plumbing run without real weights: npx tsx scripts/gen-test-models.ts --size tiny, then --models models/test/tiny ' +
    '(random weights: the figures will not mean anything).'
  );
}

export interface OpenOptions {
  readonly dir: string;
  readonly captioner?: string | false;
  readonly embedder?: string;
}

export interface OpenModels {
  readonly captioner?: Captioner;
  readonly embedder: Embedder;
  readonly testModels: boolean;
  readonly loadMs: number;
  dispose(): Promise<void>;
}

function asTask<T extends ModelEntry['task']>(entry: ModelEntry, task: T): ModelEntry & { task: T } {
  if (entry.task !== task) throw new Error(`${entry.id} is a ${entry.task} model, not ${task}`);
  return entry as ModelEntry & { task: T };
}

/** Loads the embedder (and the captioner unless `captioner: false`) from `dir`, hub off. */
export async function openModels(opts: OpenOptions): Promise<OpenModels> {
  const started = performance.now();
  const load = { backend: await prepareRuntime({ localModelPath: `${path.resolve(opts.dir)}${path.sep}`, allowHub: false }, 'auto'), allowHub: false };
  const embedderEntry = opts.embedder ? findModel(MANIFEST, opts.embedder) : defaultModel(MANIFEST, 'embedder');
  const embedder = await createEmbedder(asTask(embedderEntry, 'feature-extraction'), load);
  let captioner: Captioner | undefined;
  if (opts.captioner !== false) {
    const entry = opts.captioner ? findModel(MANIFEST, opts.captioner) : defaultModel(MANIFEST, 'captioner');
    try {
      captioner = await createCaptioner(asTask(entry, 'image-to-text'), load);
    } catch (e) {
      await embedder.dispose();
      throw e;
    }
  }
  return {
    captioner,
    embedder,
    testModels: isTestModelsDir(opts.dir),
    loadMs: performance.now() - started,
    dispose: async () => {
      await Promise.all([captioner?.dispose(), embedder.dispose()]);
    },
  };
}

/** Decodes an image file to RGBA as the app's decoder hands it to the model (EXIF-rotated, fit in 512 px). */
export async function decodeRgba(file: string): Promise<Rgba> {
  const { data, info } = await sharp(file)
    .rotate()
    .resize({ width: 512, height: 512, fit: 'inside', withoutEnlargement: true })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

/** n texts -> n×dim unit rows, embedded `batch` at a time. */
export async function embedTexts(embedder: Embedder, texts: readonly string[], batch = 32): Promise<Float32Array> {
  const out = new Float32Array(texts.length * embedder.dim);
  for (let i = 0; i < texts.length; i += batch) {
    const chunk = texts.slice(i, i + batch);
    const rows = await embedder.embed(chunk);
    if (rows.length !== chunk.length * embedder.dim)
      throw new Error(`embedder returned ${rows.length} floats for ${chunk.length}×${embedder.dim}`);
    out.set(rows, i * embedder.dim);
  }
  return out;
}

/** Embeds each record's text (captions, then triplets as clauses: what the app indexes). */
export async function embedRecords(embedder: Embedder, records: ReadonlyMap<number, AnalyticsRecord>): Promise<Vectors> {
  const ids = [...records.keys()];
  const rows = await embedTexts(
    embedder,
    ids.map((id) => recordText(records.get(id) as AnalyticsRecord)),
  );
  return { dim: embedder.dim, ids, rows };
}

export interface Timing {
  loadMs: number;
  decodeMs: number;
  captionMs: number;
  embedMs: number;
  rankMs: number;
}

export interface ModelEvalOptions {
  readonly dataDir: string;
  readonly items: readonly CaptionedItem[];
  /** Image positions [start, end). */
  readonly range: readonly [number, number];
  readonly models: OpenModels;
  readonly captionCount: number;
  readonly maxNewTokens: number;
  readonly lexical: ReadonlyArray<'bm25' | 'full'>;
  readonly search?: TextSearchOptions;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ModelEvalResult {
  readonly split: EvalSplit;
  readonly results: RankerResults;
  readonly timing: Timing;
}

/** --captions model: caption each image, build records, embed, and rank every human caption. */
export async function runModelEval(opts: ModelEvalOptions): Promise<ModelEvalResult> {
  const { captioner, embedder } = opts.models;
  if (!captioner) throw new Error('runModelEval needs the captioner loaded');
  const timing: Timing = { loadMs: opts.models.loadMs, decodeMs: 0, captionMs: 0, embedMs: 0, rankMs: 0 };
  const captions = new Map<number, string[]>();
  const [start, end] = opts.range;
  for (let id = start; id < end; id++) {
    const item = opts.items[id] as CaptionedItem;
    let t = performance.now();
    const rgba = await decodeRgba(path.join(opts.dataDir, item.file));
    timing.decodeMs += performance.now() - t;
    t = performance.now();
    const out = await captioner.caption(rgba, { count: opts.captionCount, maxNewTokens: opts.maxNewTokens });
    timing.captionMs += performance.now() - t;
    captions.set(id, out.captions);
    opts.onProgress?.(id - start + 1, end - start);
  }
  const split = modelSplit(opts.items, captions, { captioner: captioner.modelId, embedder: embedder.modelId });
  const { vectors, ms } = await embedSplit(embedder, split);
  timing.embedMs = ms;
  const t = performance.now();
  const results = evaluateRankers(split, {
    lexical: opts.lexical,
    vectors,
    search: opts.search ?? DEFAULT_TEXT_SEARCH,
    full: FULL_OPTIONS,
    bm25: BM25_OPTIONS,
  });
  timing.rankMs = performance.now() - t;
  return { split, results, timing };
}

/** Embeds a split's records and queries (for the vector and fused rankers). */
export async function embedSplit(
  embedder: Embedder,
  split: EvalSplit,
): Promise<{ vectors: { records: Vectors; queries: Float32Array }; ms: number }> {
  const t = performance.now();
  const records = await embedRecords(embedder, split.records);
  const queries = await embedTexts(
    embedder,
    split.queries.map((q) => q.text),
  );
  return { vectors: { records, queries }, ms: performance.now() - t };
}
