// The browse worker: pages of the library grid and their thumbnails, read straight from IndexedDB.
// A worker of its own so the first cards never wait for the analysis worker (a bundle with the
// model runtime to start, then the library's forests and keyword index to load: seconds at 100,000
// photos), nor for a search or an indexing step running there.
import * as Comlink from 'comlink';
import { GlimpseError } from '../src/core/errors';
import { versionConflict } from '../src/storage/db';
import { openGlimpseDB, thumbById, type GlimpseDB } from '../src/storage/library-store';
import { itemsByIds, listPage, type LibraryItem, type LibraryPage, type PageRequest } from '../src/storage/library-pages';
import { cancel } from './lib/cancellable';
import { thumbSrcs } from './lib/thumb-src';

let opened: Promise<GlimpseDB> | undefined;

/** One connection, opened on first use; opened again after the browser closed it (a full disk). */
function db(): Promise<GlimpseDB> {
  if (versionConflict.includes('reload this page')) return Promise.reject(new GlimpseError('VersionConflictError', versionConflict));
  if (opened) return opened;
  const opening = openGlimpseDB().then((d) => {
    d.addEventListener('close', () => {
      if (opened === opening) opened = undefined;
    });
    return d;
  });
  opening.catch(() => {
    if (opened === opening) opened = undefined;
  });
  return (opened = opening);
}

const api = {
  cancel,
  async listPage(request: PageRequest): Promise<LibraryPage> {
    return listPage(await db(), { before: request.before, limit: Math.min(request.limit, 1000) });
  },
  async libraryItems(ids: number[]): Promise<LibraryItem[]> {
    return itemsByIds(await db(), ids);
  },
  async thumb(id: number): Promise<Blob | undefined> {
    return thumbById(await db(), id);
  },
  /** Thumbnails as data: URLs (see lib/thumb-src.ts), a batch of cards at once. */
  async thumbSrcs(ids: number[]): Promise<(string | undefined)[]> {
    return thumbSrcs(await db(), ids);
  },
};

export type BrowseApi = typeof api;
Comlink.expose(api);
