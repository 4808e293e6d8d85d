// The nearest-neighbour graph of the library, from our own forest: one search per photo with its
// own stored vector (an approximate k-NN graph, as UMAP itself would build with its random-projection
// trees and NN-descent, but from the index the library already keeps). Photos whose vector has
// another dimension than the forest (waiting for a re-index after a model change) are left out.
import { throwIfAborted } from '../../src/core/errors';
import { buildGraph, type KnnGraph, type Neighbour, type Newcomer } from '../../src/core/map';
import { vectorsOfSpace, type MapSpace } from '../../src/storage/map-store';
import type { Library } from './library';

/** Neighbours per photo, itself included (UMAP's n_neighbors default). */
export const MAP_NEIGHBOURS = 15;
/** Leaf entries a search gathers: recall 0.98 of the exact 16-NN at 10k × 768-d (synthetic, bench/out probe); the app's default 4000 costs 4× more. */
export const GRAPH_SEARCH_K = 500;

export interface GraphProgress {
  done: number;
  total: number;
}

interface SpaceVectors {
  ids: number[];
  vectors: Float32Array[];
}

async function spaceVectors(library: Library, space: MapSpace, only?: ReadonlySet<number>): Promise<SpaceVectors> {
  const dim = await library.forestDim(space);
  const stored = await vectorsOfSpace(library.db, space);
  const ids: number[] = [], vectors: Float32Array[] = [];
  stored.ids.forEach((id, i) => {
    const codes = stored.codes[i]!;
    if (codes.length !== dim || (only && !only.has(id))) return;
    ids.push(id);
    vectors.push(Float32Array.from(codes, (c) => c * stored.scales[i]!));
  });
  return { ids, vectors };
}

/** Every photo's k nearest (by its forest), as a graph over rows; `ids[row]` is the image id. */
export async function neighbourGraph(library: Library, space: MapSpace, signal: AbortSignal, onProgress?: (p: GraphProgress) => void): Promise<{ ids: Int32Array; graph: KnnGraph }> {
  const { ids, vectors } = await spaceVectors(library, space);
  const row = new Map(ids.map((id, i) => [id, i]));
  const k = Math.min(MAP_NEIGHBOURS, Math.max(1, ids.length - 1));
  const rows: Neighbour[][] = [];
  for (let i = 0; i < ids.length; i++) {
    throwIfAborted(signal);
    const hits = await library.nearest(space, vectors[i]!, k, { searchK: GRAPH_SEARCH_K });
    rows.push(hits.flatMap((h) => (row.has(h.id) ? [{ row: row.get(h.id)!, score: h.score }] : [])));
    if (i % 50 === 49 || i === ids.length - 1) onProgress?.({ done: i + 1, total: ids.length });
  }
  return { ids: Int32Array.from(ids), graph: buildGraph(rows, k) };
}

/** The k nearest of some photos (by id), for placing them on an existing map. */
export async function neighboursOf(library: Library, space: MapSpace, wanted: readonly number[], signal: AbortSignal): Promise<Newcomer[]> {
  const { ids, vectors } = await spaceVectors(library, space, new Set(wanted));
  const out: Newcomer[] = [];
  for (let i = 0; i < ids.length; i++) {
    throwIfAborted(signal);
    const hits = await library.nearest(space, vectors[i]!, MAP_NEIGHBOURS, { searchK: GRAPH_SEARCH_K });
    out.push({ id: ids[i]!, neighbours: hits.filter((h) => h.id !== ids[i]).map((h) => ({ id: h.id, score: h.score })) });
  }
  return out;
}
