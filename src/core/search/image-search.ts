// Query by image ("more like this"): nearest visual vectors, minus the query image itself.
import type { SearchHit } from './types.ts';

export interface ImageSearchOptions {
  /** The query image, left out of its own results. */
  readonly excludeId?: number;
  /** Cosine a neighbour needs to be shown. */
  readonly minScore: number;
  readonly limit: number;
}

/**
 * minScore = 0: the visual vector is the captioner's ViT encoder output, mean-pooled. It was not
 * trained for similarity (not CLIP-style contrastive), so its cosines are bunched together and
 * have no portable "similar enough" level. Picking one needs real weights, and this workplace has
 * none. "More like this" is a nearest-neighbour view, so we rank and cap, and drop only images
 * pointing the other way (cosine < 0). limit = 60: a screenful or two of thumbnails.
 */
export const DEFAULT_IMAGE_SEARCH: ImageSearchOptions = { minScore: 0, limit: 60 };

/** Neighbours best first (ties by id), de-duplicated, gated and capped; each explains as 'visual'. */
export function rankSimilar(hits: ReadonlyArray<{ id: number; score: number }>, opts: ImageSearchOptions): SearchHit[] {
  if (!(opts.limit > 0)) return [];
  const best = new Map<number, number>();
  for (const h of hits) {
    if (h.id === opts.excludeId || !Number.isFinite(h.score) || h.score < opts.minScore) continue;
    if (h.score > (best.get(h.id) ?? -Infinity)) best.set(h.id, h.score);
  }
  return [...best]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, opts.limit)
    .map(([id, score]) => ({ id, score, visualScore: score, reasons: [] }));
}
