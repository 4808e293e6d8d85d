// Re-analysis of indexed images, run by the analysis worker one image at a time: extra captions
// in the background, and a re-index after the person picked other models.
import * as Comlink from 'comlink';
import type { RefreshKind, RefreshWant } from '../../workers/lib/refresh';
import { analysis, DEFAULT_INDEX_SETTINGS, loadConfig, modelConfig } from './analysis-client';
import { captionPlan, ocrEnabled } from './settings';

export type { RefreshKind };

function want(reindex: boolean): RefreshWant {
  const c = modelConfig();
  return { captioner: c.captionerId, embedder: c.embedderId, captionCount: captionPlan().total, reindex, ocr: ocrEnabled() };
}

/** How many images were described by other models, and how many still miss captions. */
export function staleImages(): Promise<Record<RefreshKind, number>> {
  return analysis.call(undefined, (r) => r.staleCount(want(true)));
}

/** Re-analyses the next stale image after `afterId`; undefined when none is left. */
export function refreshNextImage(afterId: number, reindex: boolean, signal?: AbortSignal): Promise<{ id: number; kind: RefreshKind } | undefined> {
  return analysis.call(signal, (r, id) => r.refreshNext(id, afterId, want(reindex), { ...DEFAULT_INDEX_SETTINGS, models: loadConfig() }));
}

/** How many of the library's forests were stored by an older build (searched again once upgraded). */
export function outdatedForests(): Promise<number> {
  return analysis.call(undefined, (r) => r.outdatedForests());
}

/** Rewrites outdated forests in the current format from their own vectors; progress in trees built. */
export function upgradeForests(signal?: AbortSignal, onProgress?: (p: { done: number; total: number }) => void): Promise<number> {
  return analysis.call(signal, (r, id) => r.upgradeForests(id, onProgress && Comlink.proxy(onProgress)), { settle: true });
}
