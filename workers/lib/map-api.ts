// The analysis worker's map and near-duplicate calls (a part of its comlink API, spread into it):
// they read the library's forests and hashes, never the models.
import * as Comlink from 'comlink';
import type { KnnGraph, Newcomer } from '../../src/core/map';
import { readLayout, tagsOfImages, writeLayout, type MapSpace, type StoredLayout } from '../../src/storage/map-store';
import { runCancellable } from './cancellable';
import type { Library } from './library';
import { neighbourGraph, neighboursOf, type GraphProgress } from './map-input';
import { countUnhashed, hashNext, similarPairs, type SimilarPairs } from './similar';

export function mapApi(lib: () => Promise<Library>) {
  return {
    /** The map's stored layout of one space (if any), and every image's id and tags now. */
    async mapState(space: MapSpace): Promise<{ stored?: StoredLayout; ids: number[]; tags: string[][] }> {
      const library = await lib();
      const [stored, now] = await Promise.all([readLayout(library.db, space), tagsOfImages(library.db)]);
      return stored ? { stored, ...now } : now;
    },

    /** Every photo's nearest photos in one space, from its forest: the graph the map is laid out from. */
    async mapGraph(callId: number, space: MapSpace, onProgress?: (p: GraphProgress) => void): Promise<{ ids: Int32Array; graph: KnnGraph }> {
      return runCancellable(callId, async (signal) => {
        const out = await neighbourGraph(await lib(), space, signal, onProgress);
        return Comlink.transfer(out, [out.ids.buffer, out.graph.indices.buffer, out.graph.distances.buffer]);
      });
    },

    /** The nearest photos of some photos (new since the map was laid out), to place them. */
    async mapNeighbours(callId: number, space: MapSpace, ids: number[]): Promise<Newcomer[]> {
      return runCancellable(callId, async (signal) => neighboursOf(await lib(), space, ids, signal));
    },

    async saveMapLayout(layout: StoredLayout): Promise<void> {
      await writeLayout((await lib()).db, layout);
    },

    /** Candidate near-duplicate pairs with their hash distances (group them with src/core/similar). */
    async similarPairs(callId: number, onProgress?: (p: GraphProgress) => void): Promise<SimilarPairs> {
      return runCancellable(callId, async (signal) => {
        const out = await similarPairs(await lib(), signal, onProgress);
        return Comlink.transfer(out, [out.a.buffer, out.b.buffer, out.distance.buffer]);
      });
    },

    /** Images without a perceptual hash yet (from before hashes were kept). */
    async unhashedCount(): Promise<number> {
      return countUnhashed(await lib());
    },

    /** Hashes the next image without one after `afterId`, from its thumbnail; undefined when done. */
    async hashNext(afterId: number): Promise<number | undefined> {
      return hashNext(await lib(), afterId);
    },
  };
}
