// The map worker: lays a library out in 2-D (UMAP over the forest's neighbour graph), places new
// photos near their neighbours, and names the map's groups. A thin composition of src/core/map;
// the graph comes from the analysis worker, through the bridge.
import * as Comlink from 'comlink';
import { clusterLabels, layoutMap, placeNew, type ClusterLabel, type KnnGraph, type Newcomer } from '../src/core/map';
import { cancel, runCancellable } from './lib/cancellable';

/** Lets a cancel message in between epochs. */
const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const api = {
  cancel,

  async layout(callId: number, graph: KnnGraph, seed: number, onProgress?: (done: number, total: number) => void): Promise<Float32Array> {
    return runCancellable(callId, async (signal) => {
      // Every tenth epoch is enough for a progress bar, and far fewer messages.
      const report = onProgress && ((done: number, total: number) => void (done % 10 === 0 || done === total ? onProgress(done, total) : undefined));
      const positions = await layoutMap(graph, { seed, signal, pause, onProgress: report });
      return Comlink.transfer(positions, [positions.buffer]);
    });
  },

  place(ids: Int32Array, positions: Float32Array, newcomers: Newcomer[], seed: number): Float32Array {
    const placed = new Map<number, [number, number]>();
    ids.forEach((id, i) => placed.set(id, [positions[2 * i]!, positions[2 * i + 1]!]));
    const out = placeNew(placed, newcomers, { seed });
    return Comlink.transfer(out, [out.buffer]);
  },

  labels(positions: Float32Array, tags: string[][], seed: number): ClusterLabel[] {
    return clusterLabels(positions, tags, { seed });
  },
};

export type MapApi = typeof api;
Comlink.expose(api);
