// Browsing the grid: pages, items and thumbnails come from the small browse worker, so the first
// cards show while the analysis worker is still starting and loading the library; an open pack is
// read in the analysis worker, which holds it.
import type { BrowseApi } from '../../workers/browse.worker';
import type { LibraryItem, LibraryPage, PageRequest } from '../../workers/analysis.worker';
import { packItems, packListPage, packOpen, packThumbnail } from './analysis-client';
import { WorkerHandle } from './worker-handle';

const browseWorker = new WorkerHandle<BrowseApi>(
  () => new Worker(new URL('../../workers/browse.worker.ts', import.meta.url), { type: 'module', name: 'browse' }),
);

/** Reads: a worker restarted meanwhile answers them again. */
const READ = { restartable: true } as const;

/** A page of the library, newest first; `next` (when there is more) is the following page's `before`. */
export function listLibraryPage(request: PageRequest): Promise<LibraryPage> {
  if (packOpen) return packListPage(request);
  return browseWorker.call(undefined, (r) => r.listPage(request), READ);
}

/** Current name and first caption of some images; ids no longer stored are left out. */
export function libraryItems(ids: number[]): Promise<LibraryItem[]> {
  if (packOpen) return packItems(ids);
  return browseWorker.call(undefined, (r) => r.libraryItems(ids), READ);
}

/** An image's stored thumbnail. */
export function thumbnail(id: number): Promise<Blob | undefined> {
  if (packOpen) return packThumbnail(id);
  return browseWorker.call(undefined, (r) => r.thumb(id), READ);
}

/** Reads a Blob as a data: URL (a pack's thumbnails, which come from the analysis worker). */
function blobDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error('Could not read a thumbnail.'));
    reader.readAsDataURL(blob);
  });
}

type Waiter = { resolve: (src: string | undefined) => void; reject: (e: unknown) => void };
let batch = new Map<number, Waiter[]>();

/** Sends the ids asked for since the last batch in one call (the cards of a render ask together). */
function flush(): void {
  const asked = batch;
  batch = new Map();
  const ids = [...asked.keys()];
  browseWorker.call(undefined, (r) => r.thumbSrcs(ids), READ).then(
    (srcs) => ids.forEach((id, i) => asked.get(id)!.forEach((w) => w.resolve(srcs[i]))),
    (e: unknown) => asked.forEach((ws) => ws.forEach((w) => w.reject(e))),
  );
}

/**
 * An image's stored thumbnail as a data: URL for an <img> (no object URL to revoke, so none can be
 * revoked before the <img> loads it). Calls within one task are read in one batch.
 */
export function thumbnailSrc(id: number): Promise<string | undefined> {
  if (packOpen) return packThumbnail(id).then((blob) => (blob ? blobDataUrl(blob) : undefined));
  return new Promise((resolve, reject) => {
    if (batch.size === 0) setTimeout(flush, 0);
    const waiting = batch.get(id);
    if (waiting) waiting.push({ resolve, reject });
    else batch.set(id, [{ resolve, reject }]);
  });
}
