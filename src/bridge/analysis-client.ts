// Calls into the analysis worker. Model settings travel with each call, so a worker that was
// terminated after a cancel picks up where the page is.
import * as Comlink from 'comlink';
import type { AddOutcome, AnalysisApi, IndexOptions, LibraryItem, LibraryPage, PageRequest } from '../../workers/analysis.worker';
import type { StoredIds } from '../../workers/lib/id-check';
import type { CheckReport, Problem } from '../../workers/lib/consistency';
import type { DatabaseDump } from '../storage/dump';
import type { ResultRow } from '../../workers/lib/library';
import type { LoadConfig, ModelConfig, RuntimeInfo } from '../../workers/lib/model-host';
import type { FileProgress } from '../ml/load';
import { loadModelConfig } from './settings';
import { WorkerHandle } from './worker-handle';

export const analysis = new WorkerHandle<AnalysisApi>(
  () => new Worker(new URL('../../workers/analysis.worker.ts', import.meta.url), { type: 'module', name: 'analysis' }),
);

let config: LoadConfig = loadModelConfig();

export function modelConfig(): ModelConfig {
  const { folder: _folder, ...settings } = config;
  return settings;
}

export function setModelConfig(next: ModelConfig): void {
  config = { ...next, folder: config.folder };
}

/** Model files from a folder the person picked; looked up before models/ and the hub. */
export function setModelFolder(files: readonly File[]): number {
  const folder = files.map((file) => ({ path: file.webkitRelativePath || file.name, file }));
  config = { ...config, folder: folder.length ? folder : undefined };
  return folder.length;
}

/**
 * Opens a static pack read-only: until the page reloads, the library shown and searched is the
 * pack's (the person's own stays as it is). Rejects with name 'PackUnreadableError', the message
 * naming the URL. A worker replaced after a cancel opens it again before anything else.
 */
export async function openPack(url: string): Promise<{ count: number; embedder: string }> {
  const base = location.href;
  const opened = await analysis.call(undefined, (r) => r.openPack(url, base));
  analysis.onSpawn = (r) => void r.openPack(url, base).catch(() => {});
  return opened;
}

export function openLibrary(): Promise<{ count: number }> {
  return analysis.call(undefined, (r) => r.open());
}

/** Image count and queue length as stored, shared by every tab. */
export function libraryStatus(): Promise<{ count: number; pending: number }> {
  return analysis.call(undefined, (r) => r.status());
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
  return analysis.call<AddOutcome>(signal, (r, id) => r.addImage(id, file, meta, { ...settings, models: config }));
}

/** Gets the embedder ready so the first search does not wait for the model runtime to start. */
export function warmSearch(): Promise<void> {
  return analysis.call(undefined, (r) => r.warmSearch(config));
}

export function search(query: string, limit = 60, signal?: AbortSignal): Promise<ResultRow[]> {
  return analysis.call(signal, (r, id) => r.search(id, query, limit, config));
}

export function searchByImage(file: File, limit = 60, signal?: AbortSignal): Promise<ResultRow[]> {
  return analysis.call(signal, (r, id) => r.searchByImage(id, file, file.name, limit, config));
}

export function similarTo(imageId: number, limit = 60, signal?: AbortSignal): Promise<ResultRow[]> {
  return analysis.call(signal, (r, id) => r.similarTo(id, imageId, limit));
}

export function imageDetail(id: number) {
  return analysis.call(undefined, (r) => r.detail(id));
}

export function thumbnail(id: number): Promise<Blob | undefined> {
  return analysis.call(undefined, (r) => r.thumb(id));
}

export function removeImages(ids: number[]): Promise<void> {
  return analysis.call(undefined, (r) => r.remove(ids));
}

/** Removes every image from the library (not the indexing queue). */
export function clearLibrary(): Promise<void> {
  return analysis.call(undefined, (r) => r.clearLibrary());
}

/** A page of the library, newest first; `next` (when there is more) is the following page's `before`. */
export function listLibraryPage(request: PageRequest): Promise<LibraryPage> {
  return analysis.call(undefined, (r) => r.listPage(request));
}

/** Current name and first caption of some images; ids no longer stored are left out. */
export function libraryItems(ids: number[]): Promise<LibraryItem[]> {
  return analysis.call(undefined, (r) => r.libraryItems(ids));
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
export function simulateQuota(bytes: number | undefined): Promise<void> {
  return analysis.call(undefined, (r) => r.simulateQuota(bytes));
}

export type { AddOutcome, ResultRow, RuntimeInfo, FileProgress, LibraryItem, LibraryPage, ModelConfig, StoredIds, CheckReport, Problem, DatabaseDump };
