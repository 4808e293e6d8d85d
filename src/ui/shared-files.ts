// Photos that arrive from outside the app: shared to Glimpse (the service worker put them in the
// share inbox and opened the app with its key), or opened with Glimpse on a desktop install
// (file_handlers → window.launchQueue, with file handles, so the original can be opened later).
// Both join the library the way the Add buttons add photos.
import { dropShared, SHARE_FAILED, SHARE_PARAM, takeShared } from '../sw/share-inbox';
import { errorMessage } from './errors';
import { indexer } from './indexer.svelte';
import { sortImages } from './pick-files';

/** A share that no page took (the tab was closed first) is deleted after this long. */
const INBOX_MAX_AGE_MS = 24 * 3600 * 1000;

/** The app's base URL, the one the service worker's scope and the inbox keys are relative to. */
const base = (): string => new URL('.', location.href).href;

/** The library, whichever page is open: shared and launched photos are shown being indexed there. */
function toLibrary(): void {
  if (location.hash !== '' && location.hash !== '#/') location.hash = '#/';
}

/** Queues the photos of the share named in the URL (?share=key), then empties its inbox. */
export async function receiveShared(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const key = params.get(SHARE_PARAM);
  if (key === null) return;
  // Out of the URL first: a reload or a bookmark must not look for the share again.
  params.delete(SHARE_PARAM);
  history.replaceState(history.state, '', `${location.pathname}${params.size > 0 ? `?${params}` : ''}${location.hash}`);
  toLibrary();
  if (key === SHARE_FAILED) {
    indexer.notice = 'Glimpse could not receive the shared photos (the device may be out of space). Share them again, or add them with “Add photos”.';
    return;
  }
  try {
    const files = await takeShared(base(), key);
    await indexer.add(sortImages(files.map((file) => ({ file, path: file.name }))).files);
    await dropShared(base(), key, INBOX_MAX_AGE_MS);
  } catch (e) {
    indexer.notice = `Could not add the shared photos: ${errorMessage(e)}. Share them again, or add them with “Add photos”.`;
  }
}

interface LaunchParams {
  readonly files: readonly FileSystemHandle[];
}
interface LaunchQueue {
  setConsumer(consumer: (params: LaunchParams) => void): void;
}

/** Photos opened with Glimpse (an installed app's file handler): queued with their handles. */
export function consumeLaunches(): void {
  const queue = (window as { launchQueue?: LaunchQueue }).launchQueue;
  queue?.setConsumer((params) => void addLaunched(params.files));
}

async function addLaunched(handles: readonly FileSystemHandle[]): Promise<void> {
  const files = handles.filter((h): h is FileSystemFileHandle => h.kind === 'file');
  if (files.length === 0) return;
  toLibrary();
  try {
    const picked = await Promise.all(files.map(async (handle) => ({ file: await handle.getFile(), path: handle.name, handle })));
    await indexer.add(sortImages(picked).files);
  } catch (e) {
    indexer.notice = `Could not open the photos given to Glimpse: ${errorMessage(e)}. Add them with “Add photos” instead.`;
  }
}
