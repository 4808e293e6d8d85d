// Opt-in hooks for the browser tests: with `?testHooks` in the URL the page exposes a few bridge
// calls on `window.__glimpse`, so a test can drive the real workers of the built app.
import * as bridge from '../bridge/bridge';
import { browse } from './browse.svelte';
import { indexer } from './indexer.svelte';
import { refresher } from './refresher.svelte';
import { sortImages } from './pick-files';
import { mapProbe } from './map/probe';
import { queueGate } from './queue-gate';

/** Every image, newest first, read a page at a time (the app itself never asks for all of them). */
async function listLibrary(): Promise<bridge.LibraryItem[]> {
  const items: bridge.LibraryItem[] = [];
  let before: number | undefined;
  do {
    const page = await bridge.listLibraryPage({ before, limit: 1000 });
    items.push(...page.items);
    before = page.next;
  } while (before !== undefined);
  return items;
}

const hooks = {
  inspectImage: bridge.inspectImage,
  openLibrary: bridge.openLibrary,
  startupTrace: bridge.startupTrace,
  searchSteps: bridge.searchSteps,
  loadModels: bridge.loadModels,
  addImage: bridge.addImage,
  search: bridge.search,
  searchByImage: bridge.searchByImage,
  similarTo: bridge.similarTo,
  imageDetail: bridge.imageDetail,
  removeImages: bridge.removeImages,
  libraryStatus: bridge.libraryStatus,
  storedIds: bridge.storedIds,
  probeVectorWarm: bridge.probeVectorWarm,
  /** Photos the background pass has still to describe (extra captions, text), by kind. */
  staleImages: bridge.staleImages,
  listLibrary,
  queuedFiles: bridge.queuedFiles,
  enqueueFiles: bridge.enqueueFiles,
  /** One queued item indexed the way the indexer does it (settings overridable: benchmarks). */
  indexQueued: (queueId: number, settings?: Partial<bridge.IndexSettings>) => bridge.indexQueued(queueId, undefined, settings),
  /** What the pickers hand over ({file, path, handle}), added the way the Add buttons add it. */
  addPicked: (files: bridge.PickedFile[]) => indexer.add(sortImages(files).files),
  checkLibrary: bridge.checkLibrary,
  dumpLibrary: bridge.dumpLibrary,
  simulateQuota: bridge.simulateQuota,
  setImportBatch: bridge.setImportBatch,
  storedMapLayout: bridge.storedMapLayout,
  layoutGraph: bridge.layoutGraph,
  /** The map on screen: photos in view with their canvas positions, and recent frame draw times. */
  mapPoints: () => mapProbe()?.points() ?? [],
  mapFrameMs: () => [...(mapProbe()?.frameMs ?? [])],
  /** Near-duplicate candidates grouped at `threshold` (the setting's when absent). */
  similarGroups: async (threshold?: number) => bridge.similarGroups(await bridge.similarCandidates(), threshold ?? bridge.similarThreshold()),
  similarCandidates: bridge.similarCandidates,
  unhashedCount: bridge.unhashedCount,
  hashNextImage: bridge.hashNextImage,
  modelProbe: bridge.modelProbe,
  /** Holds the indexing queue before its next photo (`passes` more may start), lets more through, or opens it. */
  holdQueue: (passes?: number) => queueGate.hold(passes),
  allowQueue: (n: number) => queueGate.allow(n),
  releaseQueue: () => queueGate.release(),
  /** What the page is doing: a test that checks that nothing more happens waits for these to settle, not for a clock. */
  activity: () => ({ indexing: indexer.running, paused: indexer.paused, pending: indexer.pending, refreshing: refresher.running, browsing: browse.loading }),
};

export type GlimpseTestHooks = typeof hooks;

declare global {
  interface Window {
    __glimpse?: GlimpseTestHooks;
  }
}

if (new URLSearchParams(location.search).has('testHooks')) {
  window.__glimpse = hooks;
}
