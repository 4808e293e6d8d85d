// The analysis worker: indexes images and answers searches. A thin composition of the intake
// decoder, the models (src/ml), the library (storage + forests + lexical index) and core search.
import * as Comlink from 'comlink';
import type { PackRow } from '../src/core/pack/format';
import type { ImageRow } from '../src/storage/rows';
import { GlimpseError } from '../src/core/errors';
import type { FileProgress } from '../src/ml/load';
import type { DownloadPlan } from '../src/ml/model-cache';
import { dumpDatabase, type DatabaseDump } from '../src/storage/dump';
import { simulateQuota } from '../src/storage/fault-injection';
import { itemsByIds, listPage, type LibraryItem, type LibraryPage, type PageRequest } from '../src/storage/library-pages';
import { countImages, handleById, openGlimpseDB, type GlimpseDB } from '../src/storage/library-store';
import { versionConflict } from '../src/storage/db';
import { queueLength } from '../src/storage/queue-store';
import type { FileMeta } from './lib/analyze-image';
import { exportInto, originalsOnOffer, type ExportProgress, type ExportResult, type ExportTarget } from './lib/archive-export';
import { importLibraryFile, type ImportPlan, type ImportProgress, type ImportResult, type ImportWant } from './lib/archive-import';
import { OCR_SIZE, OCR_THUMB_SIZE } from './lib/read-text';
import { cancel, runCancellable } from './lib/cancellable';
import { checkLibrary, type CheckReport } from './lib/consistency';
import { decodeImage } from './lib/decode-image';
import { keywordOnlyReason, watchVectorSide, type KeywordOnlyReason } from './lib/keyword-only';
import { Library, type ResultRow } from './lib/library';
import { PackLibrary } from './lib/pack-library';
import { PackSource } from '../src/pack/pack-source';
import { openPackFile } from './lib/pack-file';
import { textQuery } from './lib/text-query';
import { listenForQueryPort, searchEmbedder } from './lib/query-side';
import { addPackToLibrary } from './lib/pack-import';
import { MANIFEST, ModelHost, type LoadConfig, type RuntimeInfo } from './lib/model-host';
import { countStale, refreshNext, type RefreshKind, type RefreshWant } from './lib/refresh';
import { addToQueue, clearQueue, dequeue, listQueue, runQueued, type QueueInfo, type QueueInput } from './lib/queue';
import { announce, listen, shared, takeStale } from './lib/tab-sync';
import { mapApi } from './lib/map-api';
import { probeApi } from './lib/probe-api';
import { FileIndexer, type AddOutcome, type IndexOptions } from './lib/index-file';
import { markStartup, tracedLibrary, warmEmbedder } from './lib/search-warmup';

export type { AddOutcome, IndexOptions } from './lib/index-file';
export type { ModelProbe } from './lib/probe-api';

const host = new ModelHost();
listenForQueryPort();
const indexer = new FileIndexer(host, () => lib());
let library: Promise<Library> | undefined;
let dbName: string | undefined;
let browsing: Promise<GlimpseDB> | undefined;
/** A pack opened by URL: while it is open, reads and searches go to it, never to the person's library. */
let pack: Promise<PackLibrary> | undefined;
/** The open pack as soon as a text search can start on it (its keyword index's head, not its forest: PackLibrary.start). */
let packSearch: Promise<PackLibrary> | undefined;
/** Tests only (setImportBatch): photos per import transaction. */
let importBatch: number | undefined;

/** Opens while no tab writes; listening starts first, so no write after the open goes unseen.
 *  A failed open is not kept: the next call tries again (a full disk may have been freed since). */
function openLibrary(name?: string): Promise<Library> {
  listen();
  const opening = tracedLibrary(() => shared(() => Library.open(name)));
  opening.then(
    // A newer version in another tab wants the database: db.ts lets go of it; the pages are told,
    // so this tab asks to be reloaded at once rather than at its next call.
    (l) => l.db.addEventListener('versionchange', () => announce('upgrading', [])),
    () => {
      if (library === opening) library = undefined;
    },
  );
  return opening;
}

/** The library, caught up first if another tab wrote since (announced on the channel). */
async function lib(): Promise<Library> {
  // A newer version in another tab took the database over (db.ts let go of it): say what to do.
  if (versionConflict.includes('reload this page')) throw new GlimpseError('VersionConflictError', versionConflict);
  const current = (library ??= openLibrary(dbName));
  let l = await current;
  if (l.unusable) {
    // The browser closed the database (after a write failed on a full disk): open it again.
    if (library === current) library = undefined;
    void l.close().catch(() => undefined);
    l = await (library ??= openLibrary(dbName));
  }
  if (takeStale()) await l.sync();
  return l;
}

/** Browsing reads rows straight from IndexedDB (one transaction a page): it need not wait for the
 *  library's forests and lexical index to load, nor for another tab's write to be caught up. */
function browseDB(): Promise<GlimpseDB> {
  if (versionConflict.includes('reload this page')) return Promise.reject(new GlimpseError('VersionConflictError', versionConflict));
  if (browsing) return browsing;
  const opening = openGlimpseDB(dbName).then((db) => {
    // Closed by the browser (a full disk): the next page opens it again.
    db.addEventListener('close', () => {
      if (browsing === opening) browsing = undefined;
    });
    return db;
  });
  opening.catch(() => {
    if (browsing === opening) browsing = undefined;
  });
  return (browsing = opening);
}

export type { LibraryItem, LibraryPage, PageRequest };
export type { ExportProgress, ExportResult, ExportTarget, ImportPlan, ImportProgress, ImportResult, ImportWant };

const revisionOf = (id: string): string => MANIFEST.models.find((m) => m.id === id)?.revision ?? '';

/** A pack's text vectors come from the embedder it was made with: its queries (and their warm-up) use that one. */
const forPack = (config: LoadConfig, opened: PackLibrary | string | undefined): LoadConfig => (opened ? { ...config, embedderId: typeof opened === 'string' ? opened : opened.embedderId } : config);

/** While `opening` is the open pack, reads and searches go to it; a failed open leaves the own library. */
async function usePack(opening: Promise<PackLibrary>, searchable: Promise<PackLibrary> = opening): Promise<{ count: number; embedder: string }> {
  pack = opening;
  packSearch = searchable;
  searchable.catch(() => {}); // told by `opening`
  opening.catch(() => {
    if (pack === opening) pack = packSearch = undefined;
  });
  const p = await opening;
  return { count: p.count, embedder: p.embedderId };
}

const api = {
  cancel,

  /** Opens a static pack read-only (src/pack/); later reads and searches answer from it. */
  openPack(url: string, base: string, config?: LoadConfig): Promise<{ count: number; embedder: string }> {
    const started = PackSource.open(url, base).then((source) => {
      // The embedder's start (seconds of onnxruntime) runs beside the rest of the open, not after it.
      if (config) void warmEmbedder(() => Promise.resolve(source.manifest.count), () => watchVectorSide(searchEmbedder(host, forPack(config, source.manifest.models.embedder))));
      return PackLibrary.start(source);
    });
    return usePack(
      tracedLibrary(() => started.then((s) => s.ready)),
      started.then((s) => s.pack),
    );
  },

  /** Opens the pack a `.glimpse` library file carries, in place (lib/pack-file.ts): nothing is written to IndexedDB. */
  openPackFile(file: Blob, fileName: string): Promise<{ count: number; embedder: string }> {
    return usePack(openPackFile(file, fileName));
  },

  /** Closes the open pack: reads and searches answer from the person's own library again. */
  closePack(): void {
    pack = packSearch = undefined;
  },

  /** With `config`, the embedder starts loading beside the library read (lib/search-warmup.ts). */
  async open(name?: string, config?: LoadConfig): Promise<{ count: number }> {
    if (pack) return { count: (await pack).count };
    markStartup('open');
    if (!library) dbName = name;
    if (config) void warmEmbedder(async () => countImages(await browseDB()), () => watchVectorSide(searchEmbedder(host, config)));
    return { count: await (await lib()).count() };
  },

  /** Image count and queue length as stored (shared by all tabs). */
  async status(): Promise<{ count: number; pending: number }> {
    if (pack) return { count: (await pack).count, pending: 0 };
    const { db } = await lib();
    const [count, pending] = await Promise.all([countImages(db), queueLength(db)]);
    return { count, pending };
  },

  /** Where the chosen models' files would come from; what a first load would download from the hub. */
  async downloadPlan(config: LoadConfig): Promise<DownloadPlan> {
    return host.plan(config);
  },

  async loadModels(callId: number, config: LoadConfig, onProgress?: (p: FileProgress) => void): Promise<RuntimeInfo> {
    return runCancellable(callId, async (signal) => (await host.load(config, onProgress, signal)).info);
  },

  async addImage(callId: number, file: Blob, meta: FileMeta, opts: IndexOptions): Promise<AddOutcome> {
    return runCancellable(callId, (signal) => indexer.index(file, meta, opts, signal));
  },

  /** Stores files in the persistent queue; returns their queue ids. */
  async enqueue(items: QueueInput[]): Promise<number[]> {
    const ids = await addToQueue((await lib()).db, items);
    announce('queued', ids);
    return ids;
  },

  async queue(): Promise<QueueInfo[]> {
    return listQueue((await lib()).db);
  },

  /** Indexes one queued file; it leaves the queue once it has an outcome (kept when cancelled or on errors). */
  async indexQueued(callId: number, queueId: number, opts: IndexOptions): Promise<AddOutcome | { status: 'missing' }> {
    return runCancellable(callId, async (signal) => {
      const outcome = await runQueued((await lib()).db, queueId, (file, meta, id) => indexer.index(file, meta, opts, signal, id), (o) => o.status === 'indexed');
      if (outcome.status !== 'missing') announce('dequeued', [queueId]);
      return outcome;
    });
  },

  async dropQueued(queueId: number): Promise<void> {
    indexer.lookahead.forget(queueId);
    await dequeue((await lib()).db, queueId);
    announce('dequeued', [queueId]);
  },

  async clearQueue(): Promise<void> {
    indexer.lookahead.forget();
    await clearQueue((await lib()).db);
    announce('queue-cleared', []);
  },

  /** A page of images, newest first: pass the answer's `next` as `before` for the following one. */
  async listPage(request: PageRequest): Promise<LibraryPage> {
    if (pack) return (await pack).listPage({ before: request.before, limit: Math.min(request.limit, 1000) });
    return listPage(await browseDB(), { before: request.before, limit: Math.min(request.limit, 1000) });
  },

  /** The listed form of some images (added or re-described ones the grid shows); gone ones left out. */
  async libraryItems(ids: number[]): Promise<LibraryItem[]> {
    if (pack) return (await pack).items(ids);
    return itemsByIds(await browseDB(), ids);
  },

  /** `onPreview` (the page's, through comlink) gets the keyword results first when the answer is slow (text-query.ts). */
  async search(callId: number, query: string, limit: number, config?: LoadConfig, onPreview?: (rows: ResultRow[]) => unknown): Promise<ResultRow[]> {
    return runCancellable(callId, async (signal) => {
      const opened = packSearch && (await packSearch);
      const cfg = config && forPack(config, opened);
      // A page gone before its preview arrives is no error of the search's.
      const preview = onPreview && ((rows: ResultRow[]) => void Promise.resolve(onPreview(rows)).catch(() => {}));
      return textQuery(query, limit, () => (opened ? Promise.resolve(opened) : lib()), cfg && (() => searchEmbedder(host, cfg, signal)), signal, preview);
    });
  },

  /** Loads the embedder ahead of the first search (the page calls it once a library with photos, or a pack, is open:
   *  the pack's own embedder, which its text queries use). A failure is left for the search to report (keyword-only notice). */
  async warmSearch(config: LoadConfig): Promise<void> {
    const opened = pack && (await pack.catch(() => undefined));
    await watchVectorSide(searchEmbedder(host, forPack(config, opened))).catch(() => undefined);
  },

  /** Why text in photos could not be read lately (the reader's files were missing); undefined when it works. */
  textReading(): string | undefined {
    return indexer.ocrProblem;
  },

  /** Why the last text search ran by keywords only (the models could not load); undefined if it did not. */
  keywordOnly(): KeywordOnlyReason | undefined {
    return keywordOnlyReason();
  },

  /** Rows of text results left pending (ResultRow.pending), the open pack's or the library's, as their cards scroll near. */
  async fillResults(query: string, ids: number[]): Promise<ResultRow[]> {
    return (pack ? await pack : await lib()).fillResults(query, ids);
  },

  async searchByImage(callId: number, file: Blob, name: string, limit: number, config: LoadConfig): Promise<ResultRow[]> {
    return runCancellable(callId, async (signal) => {
      const decoded = await decodeImage(await file.arrayBuffer(), name, file.type, { thumbSize: 64, modelSize: 512, signal });
      if (!decoded.pixels) throw new GlimpseError('ImageRejectedError', `${name}: could not read its pixels.`);
      const vector = await (await host.captioner(config, undefined, signal)).encode(decoded.pixels, signal);
      return (pack ? await pack : await lib()).searchVisual(vector, limit);
    });
  },

  async similarTo(callId: number, id: number, limit: number): Promise<ResultRow[]> {
    return runCancellable(callId, async () => {
      const library = pack ? await pack : await lib();
      const vector = await library.visualVectorOf(id);
      return vector ? library.searchVisual(vector, limit, id) : [];
    });
  },

  /** Row, thumbnail and the original's file handle (when kept; the page asks for permission to read it). */
  async detail(id: number): Promise<{ row: ImageRow | PackRow; thumb: Blob | undefined; handle: FileSystemFileHandle | undefined } | undefined> {
    if (pack) {
      const p = await pack;
      const [row, thumb] = await Promise.all([p.row(id), p.thumb(id)]);
      return row && { row, thumb, handle: undefined };
    }
    const library = await lib();
    const [row, thumb, handle] = await Promise.all([library.row(id), library.thumb(id), handleById(library.db, id)]);
    return row && { row, thumb, handle };
  },

  async thumb(id: number): Promise<Blob | undefined> {
    if (pack) return (await pack).thumb(id);
    return (await lib()).thumb(id);
  },

  async remove(ids: number[]): Promise<void> {
    await (await lib()).remove(ids);
  },

  /** Removes every image (the indexing queue stays); other tabs hear of it as a removal. */
  async clearLibrary(): Promise<void> {
    await (await lib()).clear();
  },

  /** How many images were described by other models, or with fewer captions than wanted. */
  async staleCount(want: RefreshWant): Promise<Record<RefreshKind, number>> {
    return countStale(await lib(), want);
  },

  /** Forests stored by an older build of the app, not searched until upgradeForests rewrites them. */
  async outdatedForests(): Promise<number> {
    if (pack) return 0;
    return (await lib()).outdatedForests();
  },

  /** Rewrites outdated forests in the current format (the background pass): trees done of all. */
  async upgradeForests(callId: number, onProgress?: (p: { done: number; total: number }) => void): Promise<number> {
    return runCancellable(callId, async (signal) => (await lib()).upgradeForests(signal, onProgress));
  },

  /** Re-analyses the next stale image after `afterId` (a cursor the page keeps); undefined when done. */
  async refreshNext(callId: number, afterId: number, want: RefreshWant, opts: IndexOptions): Promise<{ id: number; kind: RefreshKind } | undefined> {
    return runCancellable(callId, async (signal) => {
      const models = await host.load(opts.models, undefined, signal);
      // Reading text needs the reader: its load error stops the pass (and is shown), unlike indexing.
      const ocr = want.ocr ? { reader: await host.reader(opts.models, signal), size: OCR_SIZE, thumbSize: OCR_THUMB_SIZE } : undefined;
      return refreshNext(await lib(), models, afterId, want, { maxNewTokens: opts.maxNewTokens, signal, ocr });
    });
  },

  ...mapApi(lib),
  ...probeApi(lib, host),

  /** Consistency check: rows, thumbnails, vectors, both forests and the queue agree. */
  async check(): Promise<CheckReport> {
    // Works on the bare database when the library cannot open (a damaged forest): that is when it matters.
    const db = await lib().then((l) => l.db, () => openGlimpseDB(dbName));
    return checkLibrary(db);
  },

  /** Every store as JSON (schema fixtures, bug reports). */
  async dump(): Promise<DatabaseDump> {
    const library = await lib();
    await library.converted; // the settled library: Blobs of an older schema already rewritten as bytes
    return dumpDatabase(library.db);
  },

  /** Low-memory mode, queue empty: the captioner goes (see ModelHost.releaseCaptioner). */
  releaseCaptioner(): void {
    host.releaseCaptioner();
  },

  /** Writes the library as one `.glimpse` file into `target`; `tempFile` names the temporary file to download. */
  async exportLibrary(callId: number, target: ExportTarget, options: { originals: boolean }, onProgress?: (p: ExportProgress) => void): Promise<ExportResult & { tempFile?: string }> {
    return runCancellable(callId, async (signal) => exportInto(await lib(), target, { originals: options.originals, revisionOf, onProgress, signal }));
  },

  /** How many originals an export could include (reading them already allowed), and their size. */
  async originalsOnOffer(): Promise<{ count: number; bytes: number }> {
    return originalsOnOffer(await browseDB());
  },

  /** Checks a library file whole, then merges it into the library (see lib/archive-import.ts). */
  async importLibrary(callId: number, file: Blob, fileName: string, want: ImportWant, confirm: (plan: ImportPlan) => Promise<boolean>, onProgress?: (p: ImportProgress) => void): Promise<ImportResult> {
    return runCancellable(callId, async (signal) => importLibraryFile(await lib(), file, fileName, { want, revisionOf, confirm, onProgress, signal, batch: importBatch }));
  },

  /** "Add to my library" for the open pack: read whole as a library file, then imported (lib/pack-import.ts). */
  async addPackToLibrary(callId: number, want: ImportWant, confirm: (plan: ImportPlan) => Promise<boolean>, onProgress?: (p: ImportProgress) => void): Promise<ImportResult> {
    return runCancellable(callId, async (signal) => {
      if (!pack) throw new GlimpseError('NoPackError', 'No photo pack is open: open one by its address first.');
      return addPackToLibrary(await pack, await lib(), { want, revisionOf, confirm, onProgress, signal });
    });
  },

  /** Tests only: photos per import transaction (undefined: the default), so a test can cut an import between many batches. */
  setImportBatch(n: number | undefined): void {
    importBatch = n;
  },

  /** Tests only: a simulated storage quota in bytes for later writes (undefined lifts it). */
  simulateQuota(bytes: number | undefined): void {
    simulateQuota(bytes);
  },
};

export type AnalysisApi = typeof api;
Comlink.expose(api);
