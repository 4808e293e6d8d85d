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
