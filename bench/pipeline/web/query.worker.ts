// Bench worker: seeds a synthetic library in the app's schema and times text queries the way the
// analysis worker answers them (workers/lib/library.ts + src/ml), in real IndexedDB.
import * as Comlink from 'comlink';
import { findModel } from '../../../src/core/models/manifest.ts';
import { createCaptioner } from '../../../src/ml/captioner.ts';
import type { Embedder } from '../../../src/ml/embedder.ts';
import { prepareRuntime, wasmThreads } from '../../../src/ml/runtime.ts';
import { openGlimpseDB } from '../../../src/storage/library-store.ts';
import { decodeImage } from '../../../workers/lib/decode-image.ts';
import { Library } from '../../../workers/lib/library.ts';
import { MANIFEST } from '../../../workers/lib/model-host.ts';
import { loadEmbedder } from '../models.ts';
import { coldQuery, warmQueries, type ColdReport } from '../query-timing.ts';
import { partsRecorder, parseProbeDtype, probeHoist, type CaptionParts } from '../probe.ts';
import { seedLibrary, type CaptionedEntry } from '../synthetic.ts';
import type { CaptionProbeRequest, CaptionProbeResult, QueryRequest, SeedRequest } from './api.ts';

let library: Library | undefined;
let embedder: Embedder | undefined;

const api = {
  async seed(req: SeedRequest) {
    const res = await fetch(req.captionsUrl);
    if (!res.ok) throw new Error(`${req.captionsUrl}: HTTP ${res.status}`);
    const entries = (await res.json()) as CaptionedEntry[];
    const db = await openGlimpseDB(req.dbName);
    try {
      if ((await db.count('images')) > 0) throw new Error(`${req.dbName} is not empty`);
      return await seedLibrary(db, entries, req.spec, (s) => console.log(s));
    } finally {
      db.close();
    }
  },

  /** Must be the first call of a fresh worker. */
  async cold(req: QueryRequest): Promise<ColdReport & { threads: number }> {
    const r = await coldQuery(() => Library.open(req.dbName), () => loadEmbedder(req.config), req.coldQuery);
    library = r.library;
    embedder = r.embedder;
    return { openMs: r.openMs, embedderLoadMs: r.embedderLoadMs, queryMs: r.queryMs, totalMs: r.totalMs, results: r.results, threads: wasmThreads() };
  },

  async warm(req: QueryRequest) {
    library ??= await Library.open(req.dbName);
    embedder ??= await loadEmbedder(req.config);
    return warmQueries(library, embedder, req.queries, req.warmup);
  },

  async probeCaption(req: CaptionProbeRequest): Promise<CaptionProbeResult> {
    const { config } = req;
    const backend = await prepareRuntime({ localModelPath: config.localModelPath, allowHub: false, ortBase: config.ortBase }, config.backend);
    const entry = { ...findModel(MANIFEST, config.captionerId), dtype: parseProbeDtype(req.dtype) };
    const rec = partsRecorder();
    if (entry.task !== 'image-to-text') throw new Error(`${entry.id} is not a captioner`);
    let t = performance.now();
    const captioner = await createCaptioner(entry as typeof entry & { task: 'image-to-text' }, { backend, allowHub: false }, { ...rec.diag, hoist: probeHoist(req.dtype) });
    const loadMs = performance.now() - t;
    const images: CaptionProbeResult['images'] = [];
    try {
      for (const url of req.imageUrls) {
        const bytes = await (await fetch(url)).arrayBuffer();
        const { pixels } = await decodeImage(bytes, url, 'image/jpeg', { thumbSize: 256, modelSize: 512 });
        if (!pixels) throw new Error(`${url}: no pixels`);
        t = performance.now();
        await captioner.encode(pixels);
        const encodeMs = performance.now() - t;
        const captionMs: Record<string, number> = {};
        let parts: CaptionParts | undefined;
        for (const count of req.captionCounts) {
          rec.start();
          t = performance.now();
          await captioner.caption(pixels, { count, maxNewTokens: req.maxNewTokens });
          captionMs[String(count)] = performance.now() - t;
          if (count === 1) parts = rec.finish(captionMs['1']);
        }
        images.push({ encodeMs, captionMs, ...(parts ? { parts } : {}) });
      }
    } finally {
      await captioner.dispose();
    }
    return { dtype: req.dtype, loadMs, threads: wasmThreads(), images };
  },
};

export type QueryWorkerApi = typeof api;
Comlink.expose(api);
