// Near-duplicates in the library: candidate pairs are each photo's nearest photos by the visual
// forest (so the search scales like the map's graph, no all-pairs pass) plus photos with the same
// whole-photo hash; the perceptual hashes then tell how alike each pair looks. The grouping at a
// threshold is done by the caller (src/core/similar/groups.ts), so moving the threshold needs no
// new search. Rows from before hashes get theirs from the stored thumbnail (hashNext).
import { throwIfAborted } from '../../src/core/errors';
import { parseHashes, sameHashPairs, scorePairs, type Pair } from '../../src/core/similar';
import { setPhash, storedHashes } from '../../src/storage/map-store';
import { nextRowWhere } from '../../src/storage/library-store';
import { perceptualHashOf } from './decode-image';
import type { Library } from './library';
import { neighbourGraph, type GraphProgress } from './map-input';

/** Candidate pairs with their hash distance, as parallel typed arrays (cheap to transfer). */
export interface SimilarPairs {
  a: Int32Array;
  b: Int32Array;
  distance: Uint8Array;
  /** Photos with a hash, and photos still waiting for one (the background pass adds them). */
  hashed: number;
  unhashed: number;
}

export async function similarPairs(library: Library, signal: AbortSignal, onProgress?: (p: GraphProgress) => void): Promise<SimilarPairs> {
  const { hashes: stored, missing } = await storedHashes(library.db);
  const hashes = new Map<number, Int32Array>();
  for (const [id, hex] of stored) {
    const words = parseHashes(hex);
    if (words) hashes.set(id, words);
  }
  const { ids, graph } = await neighbourGraph(library, 'visual', signal, onProgress);
  throwIfAborted(signal);
  const pairs: Pair[] = sameHashPairs(hashes);
  for (let i = 0; i < graph.n; i++) {
    for (let c = 1; c < graph.k; c++) {
      const j = graph.indices[i * graph.k + c]!;
      if (j >= 0) pairs.push({ a: ids[i]!, b: ids[j]! });
    }
  }
  const scored = scorePairs(pairs, hashes);
  return {
    a: Int32Array.from(scored, (p) => p.a),
    b: Int32Array.from(scored, (p) => p.b),
    distance: Uint8Array.from(scored, (p) => p.distance),
    hashed: hashes.size,
    unhashed: missing + (stored.size - hashes.size),
  };
}

/** How many images have no perceptual hash yet. */
export async function countUnhashed(library: Library): Promise<number> {
  return (await storedHashes(library.db)).missing;
}

/** Hashes the next image after `afterId` that has none, from its stored thumbnail; undefined when none is left. */
export async function hashNext(library: Library, afterId: number): Promise<number | undefined> {
  const row = await nextRowWhere(library.db, afterId, (r) => typeof r.phash !== 'string');
  if (!row) return undefined;
  const thumb = await library.thumb(row.id);
  // No thumbnail: nothing to look at (the consistency check reports it); move on.
  if (thumb && thumb.size > 0) {
    try {
      await setPhash(library.db, row.id, await perceptualHashOf(thumb));
    } catch (e) {
      // A thumbnail the browser cannot decode again is skipped, not fatal to the pass.
      if ((e as Error).name !== 'InvalidStateError' && (e as Error).name !== 'EncodingError') throw e;
    }
  }
  return row.id;
}
