// The persistent indexing queue, run by the analysis worker. The page only hands over File
// handles (structured clone, no bytes read here) and then asks for one item at a time.
import type { AddOutcome } from '../../workers/analysis.worker';
import type { QueueInfo } from '../../workers/lib/queue';
import { analysis, DEFAULT_INDEX_SETTINGS, loadConfig, type IndexSettings } from './analysis-client';
import { captionPlan, ocrEnabled } from './settings';

export interface PickedFile {
  file: File;
  /** Path inside a picked folder, or the file name. */
  path: string;
  /** The file's handle when a picker gave one: kept with the image to open the original later. */
  handle?: FileSystemFileHandle;
}

export type QueueOutcome = AddOutcome | { status: 'missing' };

/** Files per message: cloning hundreds of File objects in one postMessage blocks the page for ~100 ms. */
const ENQUEUE_CHUNK = 25;

export async function enqueueFiles(files: PickedFile[]): Promise<number[]> {
  const items = files.map(({ file, path, handle }) => ({ file, meta: { name: file.name, path, type: file.type, lastModified: file.lastModified, ...(handle && { handle }) } }));
  const ids: number[] = [];
  for (let i = 0; i < items.length; i += ENQUEUE_CHUNK) {
    const chunk = items.slice(i, i + ENQUEUE_CHUNK);
    ids.push(...(await analysis.call(undefined, (r) => r.enqueue(chunk))));
  }
  return ids;
}

export function queuedFiles(): Promise<QueueInfo[]> {
  return analysis.call(undefined, (r) => r.queue());
}

/**
 * Indexes one queued file (with the caption plan's first captions); `signal` cancels it (the item
 * then stays queued). A cancelled call answers once the worker has stopped, with the outcome if
 * the photo was stored anyway.
 */
export function indexQueued(queueId: number, signal?: AbortSignal, overrides?: Partial<IndexSettings>): Promise<QueueOutcome> {
  const settings = { ...DEFAULT_INDEX_SETTINGS, captionCount: captionPlan().atOnce, ocr: ocrEnabled(), ...overrides, models: loadConfig() };
  return analysis.call<QueueOutcome>(signal, (r, id) => r.indexQueued(id, queueId, settings), { settle: true });
}

export function dropQueued(queueId: number): Promise<void> {
  return analysis.call(undefined, (r) => r.dropQueued(queueId));
}

export function clearQueue(): Promise<void> {
  return analysis.call(undefined, (r) => r.clearQueue());
}

export type { QueueInfo };
