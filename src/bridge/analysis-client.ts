// Calls into the analysis worker. Model settings travel with each call, so a worker that was
// terminated after a cancel picks up where the page is.
import * as Comlink from 'comlink';
import type { AddOutcome, AnalysisApi, ModelProbe, IndexOptions, LibraryItem, LibraryPage, PageRequest } from '../../workers/analysis.worker';
import type { StoredIds } from '../../workers/lib/id-check';
import type { CheckReport, Problem } from '../../workers/lib/consistency';
import type { DatabaseDump } from '../storage/dump';
import type { ResultRow } from '../../workers/lib/library';
import type { SearchSteps } from '../../workers/lib/search-steps';
import type { LoadConfig, ModelConfig, RuntimeInfo } from '../../workers/lib/model-host';
import type { FileProgress } from '../ml/load';
import type { DownloadPlan } from '../ml/model-cache';
import { hubConsentGiven, loadModelConfig, ocrEnabled, saveHubConsent } from './settings';
import { WorkerHandle } from './worker-handle';
import { linkWorkers } from './query-link';

let queryWorker: Worker | undefined;

/**
 * Each new analysis worker is linked to the one query worker (started with the first, kept after a
 * restart): text searches embed there. Not on a one-core device, where the two would only take turns.
 */
export const analysis = new WorkerHandle<AnalysisApi>(() => {
  const worker = new Worker(new URL('../../workers/analysis.worker.ts', import.meta.url), { type: 'module', name: 'analysis' });
  if ((navigator.hardwareConcurrency || 1) < 2) return worker;
  queryWorker ??= new Worker(new URL('../../workers/query.worker.ts', import.meta.url), { type: 'module', name: 'query' });
  linkWorkers(worker, queryWorker);
  return worker;
});

/** Downloads from the hub wait for the person's yes (Glimpse says how much first); cached and
 *  self-hosted files never do. */
const withConsent = (c: LoadConfig): LoadConfig => ({ ...c, hubConsent: hubConsentGiven([c.captionerId, c.embedderId]) });

let config: LoadConfig = withConsent(loadModelConfig());

/** Whether the person agreed to download the chosen models from the hub (asked once per model). */
export function hubConsent(): boolean {
  return config.hubConsent === true;
}

/** The person agreed to download the chosen models from the hub: kept, so later visits do not ask again. */
export function grantHubConsent(): void {
  saveHubConsent([config.captionerId, config.embedderId]);
  config = withConsent(config);
}

/** Where the chosen models' files would come from, and the bytes a load would fetch from the hub. */
export function downloadPlan(): Promise<DownloadPlan> {
  return analysis.call(undefined, (r) => r.downloadPlan(config));
}

/** What every model load is sent: the settings, the picked folder and the download consent. */
export function loadConfig(): LoadConfig {
  return config;
}

/** Reads: a worker restarted under one (another call's cancel) answers it on the new worker. */
const READ = { restartable: true } as const;

export function modelConfig(): ModelConfig {
  const { folder: _folder, hubConsent: _consent, ...settings } = config;
  return settings;
}

export function setModelConfig(next: ModelConfig): void {
  config = withConsent({ ...next, folder: config.folder });
}

/** Model files from a folder the person picked; looked up before models/ and the hub. */
export function setModelFolder(files: readonly File[]): number {
  const folder = files.map((file) => ({ path: file.webkitRelativePath || file.name, file }));
  config = { ...config, folder: folder.length ? folder : undefined };
  return folder.length;
}

/** A pack was opened: until the page reloads, browsing reads it (in this worker), not the own library. */
export let packOpen = false;

/**
 * Opens a static pack read-only: until the page reloads, the library shown and searched is the
 * pack's (the person's own stays as it is). Rejects with name 'PackUnreadableError', the message
 * naming the URL. A worker replaced after a cancel opens it again before anything else.
 */
export async function openPack(url: string): Promise<{ count: number; embedder: string }> {
  const base = location.href;
  // The config lets the worker start the pack's embedder as soon as the pack names it.
  const opened = await analysis.call(undefined, (r) => r.openPack(url, base, config));
  packOpen = true;
  analysis.onSpawn = (r) => void r.openPack(url, base, config).catch(() => {});
  return opened;
}

/**
 * Opens the pack a `.glimpse` library file carries, in place: until closePack, the library shown
 * and searched is the file's (nothing is written to the person's own). Rejects with name
 * 'NoPackInFileError' (an older file: import it instead) or 'PackUnreadableError' / 'LibraryFileError',
 * the message naming the file.
 */
export async function openPackFile(file: File): Promise<{ count: number; embedder: string }> {
  const opened = await analysis.call(undefined, (r) => r.openPackFile(file, file.name));
  packOpen = true;
  analysis.onSpawn = (r) => void r.openPackFile(file, file.name).catch(() => {});
  return opened;
}

/** Closes the open pack or library file: browsing and searches go back to the person's own library. */
export async function closePack(): Promise<void> {
  packOpen = false;
  analysis.onSpawn = undefined;
  await analysis.call(undefined, (r) => r.closePack());
}

/** Opens the library; the embedder starts loading beside it (when there are photos), so the first search waits less. */
export function openLibrary(): Promise<{ count: number }> {
  return analysis.call(undefined, (r) => r.open(undefined, config));
}

/** Tests: the analysis worker's startup marks (which load started and ended when). */
export function startupTrace(): Promise<{ name: string; at: number }[]> {
  return analysis.call(undefined, (r) => r.startupTrace());
}

/** Tests: each recent text search's steps in the analysis worker (how many searches ran). */
export function searchSteps(): Promise<SearchSteps[]> {
  return analysis.call(undefined, (r) => r.searchSteps());
}

/** Image count and queue length as stored, shared by every tab. */
export function libraryStatus(): Promise<{ count: number; pending: number }> {
  return analysis.call(undefined, (r) => r.status(), { ...READ, idleRead: true });
}

/** For tests: the text forest's stored vectors read into memory with the engine's IndexedDB range reads. */
export function probeVectorWarm(): Promise<{ kept: number; live: number }> {
  return analysis.call(undefined, (r) => r.probeVectorWarm());
}

/** For tests: the ids that rows, vectors and both stored forests hold. */
export function storedIds(): Promise<StoredIds> {
  return analysis.call(undefined, (r) => r.storedIds());
}

export function loadModels(onProgress?: (p: FileProgress) => void, signal?: AbortSignal): Promise<RuntimeInfo> {
  return analysis.call(signal, (r, id) => r.loadModels(id, config, onProgress && Comlink.proxy(onProgress)));
}

export type IndexSettings = Omit<IndexOptions, 'models'>;
export const DEFAULT_INDEX_SETTINGS: IndexSettings = { captionCount: 3, maxNewTokens: 20, thumbSize: 256 };

/** Analyses and stores one file. The File is a handle: the worker, not this thread, reads its bytes. */
export function addImage(file: File, path: string, signal?: AbortSignal, settings = DEFAULT_INDEX_SETTINGS): Promise<AddOutcome> {
  const meta = { name: file.name, path, type: file.type, lastModified: file.lastModified };
  return analysis.call<AddOutcome>(signal, (r, id) => r.addImage(id, file, meta, { ocr: ocrEnabled(), ...settings, models: config }));
}

/**
 * Low-memory mode, nothing to index: frees the captioner. The worker is ended once no call is in
 * flight (a WASM heap never shrinks; the next call starts a fresh worker that loads only what it
 * needs); meanwhile the captioner is disposed inside it. Returns whether the worker ended at once.
 */
export async function releaseCaptioner(): Promise<boolean> {
  if (analysis.recycleIfIdle()) return true;
  await analysis.call(undefined, (r) => r.releaseCaptioner(), { idleRead: true });
  return analysis.recycleWhenIdle();
}

/** Tests: token ids and vectors from the models loaded with these settings changed (e.g. the backend). */
export function modelProbe(image: File, texts: string[], maxNewTokens: number, overrides: Partial<LoadConfig>): Promise<ModelProbe> {
  return analysis.call(undefined, (r) => r.modelProbe({ ...config, ...overrides }, image, image.name, texts, maxNewTokens));
}

/** Gets the embedder ready so the first search does not wait for the model runtime to start. */
export function warmSearch(): Promise<void> {
  return analysis.call(undefined, (r) => r.warmSearch(config));
}

/** Searches as you type cancel each other: a cancel only asks the worker to stop (the stale answer
 *  is dropped), never ends it, which at 100,000 photos cost seconds of reloading the library and
 *  the embedder for the next keystroke. */
const SEARCH = { restartable: true, keepWorker: true } as const;

/** `onPreview` gets the keyword results first when the answer is slow (a pack: its text forest is read over HTTP). */
export function search(query: string, limit = 60, signal?: AbortSignal, onPreview?: (rows: ResultRow[]) => void): Promise<ResultRow[]> {
  return analysis.call(signal, (r, id) => r.search(id, query, limit, config, onPreview && Comlink.proxy(onPreview)), SEARCH);
}

/** The rows of pending results (ResultRow.pending) of the text search for `query`, as their cards come near. */
export function fillResults(query: string, ids: number[]): Promise<ResultRow[]> {
  return analysis.call(undefined, (r) => r.fillResults(query, ids), READ);
}

export function searchByImage(file: File, limit = 60, signal?: AbortSignal): Promise<ResultRow[]> {
  return analysis.call(signal, (r, id) => r.searchByImage(id, file, file.name, limit, config), READ);
}

export function similarTo(imageId: number, limit = 60, signal?: AbortSignal): Promise<ResultRow[]> {
  return analysis.call(signal, (r, id) => r.similarTo(id, imageId, limit), SEARCH);
}

export function imageDetail(id: number) {
  return analysis.call(undefined, (r) => r.detail(id), READ);
}

export function removeImages(ids: number[]): Promise<void> {
  return analysis.call(undefined, (r) => r.remove(ids));
}

/** Removes every image from the library (not the indexing queue). */
export function clearLibrary(): Promise<void> {
  return analysis.call(undefined, (r) => r.clearLibrary());
}

/** Pages, items and thumbnails of an open pack (the browse worker reads only the person's own library). */
export function packListPage(request: PageRequest): Promise<LibraryPage> {
  return analysis.call(undefined, (r) => r.listPage(request), READ);
}

export function packItems(ids: number[]): Promise<LibraryItem[]> {
  return analysis.call(undefined, (r) => r.libraryItems(ids), READ);
}

export function packThumbnail(id: number): Promise<Blob | undefined> {
  return analysis.call(undefined, (r) => r.thumb(id), READ);
}

/** The library's consistency check (Settings → Diagnostics). */
export function checkLibrary(): Promise<CheckReport> {
  return analysis.call(undefined, (r) => r.check());
}

/** Every store of the library database as JSON. */
export function dumpLibrary(): Promise<DatabaseDump> {
  return analysis.call(undefined, (r) => r.dump());
}

/** Tests only (through the test hooks): the worker's writes fail with QuotaExceededError past `bytes`. */
/** Tests only: photos per import transaction (undefined: the default). */
export function setImportBatch(n: number | undefined): Promise<void> {
  return analysis.call(undefined, (r) => r.setImportBatch(n));
}

export function simulateQuota(bytes: number | undefined): Promise<void> {
  return analysis.call(undefined, (r) => r.simulateQuota(bytes));
}

export type { AddOutcome, DownloadPlan, ResultRow, RuntimeInfo, FileProgress, LibraryItem, LibraryPage, ModelConfig, StoredIds, CheckReport, Problem, DatabaseDump };

/** Why text in photos could not be read lately (undefined when it works). */
export function textReadingProblem(): Promise<string | undefined> {
  return analysis.call(undefined, (r) => r.textReading());
}
