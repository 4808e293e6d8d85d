// The analysis worker: indexes images and answers searches. A thin composition of the intake
// decoder, the models (src/ml), the library (storage + forests + lexical index) and core search.
import * as Comlink from 'comlink';
import { GlimpseError } from '../src/core/errors';
import type { FileProgress } from '../src/ml/load';
import { allRows } from '../src/storage/library-store';
import { analyzeImage, type FileMeta, type StageMs } from './lib/analyze-image';
import { cancel, runCancellable } from './lib/cancellable';
import { decodeImage } from './lib/decode-image';
import { exifTakenAt } from './lib/exif';
import { Library, type ResultRow } from './lib/library';
import { ModelHost, type LoadConfig, type RuntimeInfo } from './lib/model-host';
import { addToQueue, clearQueue, dequeue, listQueue, runQueued, type QueueInfo, type QueueInput } from './lib/queue';

export type AddOutcome =
  | { status: 'indexed'; id: number; stageMs: StageMs & { write: number } }
  | { status: 'duplicate'; stageMs: StageMs }
  | { status: 'rejected'; code: string; message: string };

export interface IndexOptions {
  captionCount: number;
  maxNewTokens: number;
  thumbSize: number;
  /** Sent with every call: a worker replaced after a cancel starts with no state. */
  models: LoadConfig;
}

const host = new ModelHost();
let library: Promise<Library> | undefined;

const lib = (): Promise<Library> => (library ??= Library.open());

/** One library item for browsing (newest first), without a query. */
export interface LibraryItem {
  id: number;
  name: string;
  caption: string;
}

/** Decode → captions → record → SBERT → one transaction. Rejections are data: comlink would drop the error's `code`. */
async function indexFile(file: Blob, meta: FileMeta, opts: IndexOptions, signal: AbortSignal): Promise<AddOutcome> {
  const library = await lib();
  try {
    const m = await host.load(opts.models, undefined, signal);
    // The row's takenAt is the file's lastModified unless EXIF says when the photo was taken.
    const taken = { ...meta, lastModified: (await exifTakenAt(file)) ?? meta.lastModified };
    const result = await analyzeImage(file, taken, m, { ...opts, signal, isKnown: (sha) => library.isKnown(sha) });
    if (!result.prepared) return { status: 'duplicate', stageMs: result.stageMs };
    const t = performance.now();
    const id = await library.commit(result.prepared);
    return { status: 'indexed', id, stageMs: { ...result.stageMs, write: performance.now() - t } };
  } catch (e) {
    if (e instanceof GlimpseError && e.name === 'ImageRejectedError') {
      return { status: 'rejected', code: (e as GlimpseError & { code: string }).code, message: e.message };
    }
    throw e;
  }
}

const api = {
  cancel,

  async open(dbName?: string): Promise<{ count: number }> {
    library ??= Library.open(dbName);
    return { count: await (await library).count() };
  },

  async loadModels(callId: number, config: LoadConfig, onProgress?: (p: FileProgress) => void): Promise<RuntimeInfo> {
    return runCancellable(callId, async (signal) => (await host.load(config, onProgress, signal)).info);
  },

  async addImage(callId: number, file: Blob, meta: FileMeta, opts: IndexOptions): Promise<AddOutcome> {
    return runCancellable(callId, (signal) => indexFile(file, meta, opts, signal));
  },

  /** Stores files in the persistent queue; returns their queue ids. */
  async enqueue(items: QueueInput[]): Promise<number[]> {
    return addToQueue((await lib()).db, items);
  },

  async queue(): Promise<QueueInfo[]> {
    return listQueue((await lib()).db);
  },

  /** Indexes one queued file; it leaves the queue once it has an outcome (kept when cancelled or on errors). */
  async indexQueued(callId: number, queueId: number, opts: IndexOptions): Promise<AddOutcome | { status: 'missing' }> {
    return runCancellable(callId, async (signal) => runQueued((await lib()).db, queueId, (file, meta) => indexFile(file, meta, opts, signal)));
  },

  async dropQueued(queueId: number): Promise<void> {
    await dequeue((await lib()).db, queueId);
  },

  async clearQueue(): Promise<void> {
    await clearQueue((await lib()).db);
  },

  /** Every image, newest first (for browsing and "clear all"). */
  async list(): Promise<LibraryItem[]> {
    const rows = await allRows((await lib()).db);
    return rows.reverse().map((r) => ({ id: r.id, name: r.name, caption: r.record.captions[0] ?? '' }));
  },

  async search(callId: number, query: string, limit: number, config?: LoadConfig): Promise<ResultRow[]> {
    return runCancellable(callId, async (signal) => {
      // Only the embedder: a text search never waits for the captioner. Meanwhile the library opens
      // and ranks the query lexically. Without the embedder the lexical index still answers.
      const embedded = config ? host.embedder(config, undefined, signal).then((e) => e.embed([query], signal), () => undefined) : undefined;
      const lexical = lib().then((library) => ({ library, text: library.prepareText(query) }));
      const [{ library, text }, vector] = await Promise.all([lexical, embedded]);
      return library.searchText(text, vector, limit);
    });
  },

  async searchByImage(callId: number, file: Blob, name: string, limit: number, config: LoadConfig): Promise<ResultRow[]> {
    return runCancellable(callId, async (signal) => {
      const decoded = await decodeImage(await file.arrayBuffer(), name, file.type, { thumbSize: 64, modelSize: 512, signal });
      if (!decoded.pixels) throw new GlimpseError('ImageRejectedError', `${name}: could not read its pixels.`);
      const vector = await (await host.captioner(config, undefined, signal)).encode(decoded.pixels, signal);
      return (await lib()).searchVisual(vector, limit);
    });
  },

  async similarTo(callId: number, id: number, limit: number): Promise<ResultRow[]> {
    return runCancellable(callId, async () => {
      const library = await lib();
      const vector = await library.visualVectorOf(id);
      return vector ? library.searchVisual(vector, limit, id) : [];
    });
  },

  async detail(id: number) {
    const library = await lib();
    const [row, thumb] = await Promise.all([library.row(id), library.thumb(id)]);
    return row && { row, thumb };
  },

  async thumb(id: number): Promise<Blob | undefined> {
    return (await lib()).thumb(id);
  },

  async remove(ids: number[]): Promise<void> {
    await (await lib()).remove(ids);
  },
};

export type AnalysisApi = typeof api;
Comlink.expose(api);
