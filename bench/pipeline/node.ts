// The pipeline in Node: the app's own analyzeImage on onnxruntime-node through its ModelHost
// (src/ml), with decoding done by sharp, and the write through the real Library.commit on
// fake-indexeddb. Then query latency over a synthetic library, also on
// fake-indexeddb (an in-memory JS IndexedDB: its costs are not Chromium's).
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openGlimpseDB } from '../../src/storage/library-store.ts';
import { analyzeImage, type Decoder } from '../../workers/lib/analyze-image.ts';
import { Library } from '../../workers/lib/library.ts';
import { findModel } from '../../src/core/models/manifest.ts';
import { createCaptioner } from '../../src/ml/captioner.ts';
import { ModelHost, MANIFEST, type Loaded } from '../../workers/lib/model-host.ts';
import { benchModelConfig, CAPTIONER_ID, EMBEDDER_ID, loadEmbedder, VISUAL_DIM } from './models.ts';
import { decodeInNode } from './node-decode.ts';
import { partsRecorder, parseProbeDtype, type CaptionParts } from './probe.ts';
import { coldQuery, warmQueries } from './query-timing.ts';
import { summarize } from './summarize.ts';
import { seedLibrary, type CaptionedEntry, type SeedSpec } from './synthetic.ts';
import type { CaptionProbe, EnvReport, ImageTiming, IndexRun, QueryReport } from './types.ts';

export interface NodeOptions {
  modelDir: string;
  imageDir: string;
  files: string[];
  captionCounts: number[];
  maxNewTokens: number;
  thumbSize: number;
  query?: { entries: CaptionedEntry[]; spec: SeedSpec; queries: string[]; warmup: string[] };
  probe?: { dtypes: string[]; files: string[] };
  log: (s: string) => void;
}

const now = (): number => performance.now();

/** decodeImage's part, done with sharp: Node has no createImageBitmap or OffscreenCanvas. */
const nodeDecoder: Decoder = (bytes, name, _type, o) => decodeInNode(new Uint8Array(bytes), name, o.thumbSize, o.modelSize);

async function indexOnce(m: Loaded, library: Library, opts: NodeOptions, captionCount: number): Promise<{ run: IndexRun; ids: number[] }> {
  const perImage: ImageTiming[] = [];
  const ids: number[] = [];
  const start = now();
  for (const name of opts.files) {
    const bytes = readFileSync(path.join(opts.imageDir, name));
    const t0 = now();
    // The app's own analyzeImage (decode, duplicate check, caption, triplets, embed), then the write.
    const meta = { name, path: name, type: 'image/jpeg', lastModified: 0 };
    const { prepared, stageMs } = await analyzeImage(new Blob([bytes]), meta, m, {
      captionCount,
      maxNewTokens: opts.maxNewTokens,
      thumbSize: opts.thumbSize,
      decode: nodeDecoder,
      isKnown: (sha) => library.isKnown(sha),
    });
    if (!prepared) throw new Error(`${name} is already indexed`);
    const t = now();
    ids.push(await library.commit(prepared));
    perImage.push({ name, stageMs: { ...stageMs, write: now() - t }, wallMs: now() - t0, captions: [...prepared.record.captions] });
  }
  return { run: summarize(captionCount, opts.maxNewTokens, perImage, now() - start), ids };
}

export async function runNode(opts: NodeOptions): Promise<EnvReport> {
  const config = benchModelConfig(`${opts.modelDir}${path.sep}`);
  const host = new ModelHost();
  const t0 = now();
  const m = await host.load(config);
  const modelLoadMs = now() - t0;
  opts.log(`node: models loaded in ${Math.round(modelLoadMs)} ms (${m.info.backend})`);
  const library = await Library.open('glimpse-bench-node-index');
  const runs: IndexRun[] = [];
  for (const count of opts.captionCounts) {
    const startedAt = Date.now();
    const { run, ids } = await indexOnce(m, library, opts, count);
    Object.assign(run, { startedAt, endedAt: Date.now() });
    opts.log(`node: captionCount ${count}: ${run.images} images in ${Math.round(run.wallMs)} ms → ${run.imagesPerSecond.toFixed(2)} images/s`);
    runs.push(run);
    await library.remove(ids); // the next pass indexes the same photos again
  }
  await library.close();
  await Promise.all([m.captioner.dispose(), m.embedder.dispose()]);

  const report: EnvReport = {
    env: 'node',
    runtime: { backend: m.info.backend, node: process.version, onnxruntime: 'onnxruntime-node (CPU EP)', dtype: 'q8' },
    modelLoadMs,
    runs,
    notes: ['write = Library.commit (staged forest adds + one transaction) on fake-indexeddb, an in-memory JS implementation'],
  };
  if (opts.probe) report.captionProbe = await probeCaptions(opts, opts.probe);
  if (opts.query) report.query = await nodeQueries(opts.query, config, opts.log);
  return report;
}

/** Diagnostic: the captioner alone per dtype (encoder pass, then caption() with 1 and 3 captions). */
async function probeCaptions(opts: NodeOptions, p: NonNullable<NodeOptions['probe']>): Promise<CaptionProbe[]> {
  const out: CaptionProbe[] = [];
  for (const dtype of p.dtypes) {
    const entry = { ...findModel(MANIFEST, CAPTIONER_ID), dtype: parseProbeDtype(dtype), task: 'image-to-text' as const };
    const rec = partsRecorder();
    let t = now();
    const captioner = await createCaptioner(entry, { backend: 'cpu', allowHub: false }, rec.diag);
    const loadMs = now() - t;
    const images: CaptionProbe['images'] = [];
    for (const name of p.files) {
      const { pixels } = await decodeInNode(readFileSync(path.join(opts.imageDir, name)), name, opts.thumbSize);
      t = now();
      await captioner.encode(pixels);
      const encodeMs = now() - t;
      const captionMs: Record<string, number> = {};
      let parts: CaptionParts | undefined;
      for (const count of [1, 3]) {
        rec.start();
        t = now();
        await captioner.caption(pixels, { count, maxNewTokens: opts.maxNewTokens });
        captionMs[String(count)] = now() - t;
        if (count === 1) parts = rec.finish(captionMs['1']);
      }
      images.push({ encodeMs, captionMs, ...(parts ? { parts } : {}) });
    }
    await captioner.dispose();
    opts.log(`node: caption probe ${dtype}: load ${Math.round(loadMs)} ms; ${images.map((i) => `encode ${Math.round(i.encodeMs)} / c1 ${Math.round(i.captionMs['1']!)} / c3 ${Math.round(i.captionMs['3']!)} ms`).join('; ')}`);
    out.push({ dtype, loadMs, images });
  }
  return out;
}

async function nodeQueries(q: NonNullable<NodeOptions['query']>, config: ReturnType<typeof benchModelConfig>, log: (s: string) => void): Promise<QueryReport> {
  const dbName = 'glimpse-bench-node-query';
  const db = await openGlimpseDB(dbName);
  const seed = await seedLibrary(db, q.entries, q.spec, (s) => log(`node: ${s}`));
  db.close();
  const cold = await coldQuery(() => Library.open(dbName), () => loadEmbedder(config), q.queries[0]!);
  log(`node: cold query ${Math.round(cold.totalMs)} ms (open ${Math.round(cold.openMs)}, embedder ${Math.round(cold.embedderLoadMs)}, query ${Math.round(cold.queryMs)})`);
  const warm = await warmQueries(cold.library, cold.embedder, q.queries, q.warmup);
  log(`node: warm query p50 ${warm.total.p50.toFixed(1)} ms, p95 ${warm.total.p95.toFixed(1)} ms over ${warm.queries}`);
  await cold.library.close();
  await cold.embedder.dispose();
  const { library: _l, embedder: _e, ...coldReport } = cold;
  return {
    spec: q.spec,
    seed,
    warm,
    cold: coldReport,
    notes: [
      `IndexedDB is fake-indexeddb (in memory); the embedder (${EMBEDDER_ID}) runs on onnxruntime-node`,
      `cold = Library.open (lexical snapshot loaded and reconciled with the images keys, or rebuilt from the rows without one; both forests opened) + embedder load from disk + first query, in the same process`,
      q.spec.visualN > 0 ? `visual forest: ${q.spec.visualN}×${VISUAL_DIM}` : `no 'visual' forest (text search never reads it; it only adds to Library.open)`,
    ],
  };
}

