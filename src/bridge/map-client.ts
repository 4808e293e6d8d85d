// The map and the near-duplicate finder, as the UI asks for them. A map is composed here from two
// workers: the analysis worker knows the library (its forests give the neighbour graph, its
// database keeps the layout), the map worker lays it out. Every long step takes the signal.
import * as Comlink from 'comlink';
import type { ClusterLabel, KnnGraph } from '../core/map';
import { groupPairs, type ScoredPair, type SimilarGroup } from '../core/similar';
import type { MapSpace, StoredLayout } from '../storage/map-store';
import type { MapApi } from '../../workers/map.worker';
import type { SimilarPairs } from '../../workers/lib/similar';
import { analysis, modelConfig } from './analysis-client';
import { WorkerHandle } from './worker-handle';

// Progress callbacks return nothing to the worker: whatever they returned would be cloned back.

/** Analysis-worker calls are cancelled cooperatively: terminating that worker would stop indexing. */
const KEEP = { keepWorker: true };

const mapWorker = new WorkerHandle<MapApi>(() => new Worker(new URL('../../workers/map.worker.ts', import.meta.url), { type: 'module', name: 'map' }));

/** The same library gives the same map. */
export const MAP_SEED = 17;
/** Below this many laid-out photos, newcomers are still placed (UMAP means little on fewer). */
const PLACE_AT_MOST_WITHOUT_LAYOUT = 8;

export type { MapSpace, ClusterLabel, SimilarGroup };

export interface MapProgress {
  phase: 'neighbours' | 'layout' | 'placing';
  done: number;
  total: number;
}

export interface MapData {
  space: MapSpace;
  ids: Int32Array;
  /** x, y per id, in UMAP's units. */
  positions: Float32Array;
  labels: ClusterLabel[];
  /** How this load got its layout: laid out in full now, or read back with `placed` photos added near their neighbours. */
  how: 'laid-out' | 'stored';
  placed: number;
}

function modelOf(space: MapSpace): string {
  const c = modelConfig();
  return space === 'visual' ? c.captionerId : c.embedderId;
}

/** UMAP over a neighbour graph, in the map worker (the graph's buffers are transferred). */
export function layoutGraph(graph: KnnGraph, opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {}): Promise<Float32Array> {
  const report = opts.onProgress;
  return mapWorker.call(opts.signal, (r, id) => r.layout(id, Comlink.transfer(graph, [graph.indices.buffer, graph.distances.buffer]), MAP_SEED, report && Comlink.proxy((done: number, total: number) => void report(done, total))));
}

async function fullLayout(space: MapSpace, signal: AbortSignal | undefined, onProgress: (p: MapProgress) => void): Promise<StoredLayout> {
  const { ids, graph } = await analysis.call(signal, (r, id) => r.mapGraph(id, space, Comlink.proxy((p: { done: number; total: number }) => void onProgress({ phase: 'neighbours', ...p }))), KEEP);
  const positions = await layoutGraph(graph, { signal, onProgress: (done, total) => onProgress({ phase: 'layout', done, total }) });
  return { space, model: modelOf(space), seed: MAP_SEED, ids, positions, laidOut: ids.length, placed: 0 };
}

/**
 * The map of one space. The stored layout is used when there is one for the current model (new
 * photos placed near their neighbours, removed ones dropped); otherwise, or with `rearrange`,
 * everything is laid out anew. The result is stored before it is returned.
 */
export async function loadMap(space: MapSpace, opts: { rearrange?: boolean; signal?: AbortSignal; onProgress?: (p: MapProgress) => void } = {}): Promise<MapData> {
  const { signal } = opts;
  const onProgress = opts.onProgress ?? (() => {});
  const state = await analysis.call(signal, (r) => r.mapState(space), KEEP);
  const known = new Set(state.stored?.ids ?? []);
  const freshCount = state.ids.filter((id) => !known.has(id)).length;
  // Placing is for a few newcomers on a laid-out map: once placed photos would outnumber the laid-out
  // ones (a map first opened on a nearly empty library, say), everything is laid out anew.
  const placeable = (s: StoredLayout): boolean => s.placed + freshCount <= Math.max(s.laidOut, PLACE_AT_MOST_WITHOUT_LAYOUT);
  const stored = !opts.rearrange && state.stored?.model === modelOf(space) && placeable(state.stored) ? state.stored : undefined;
  let layout: StoredLayout;
  let placed = 0;
  if (!stored) {
    layout = await fullLayout(space, signal, onProgress);
    await analysis.call(undefined, (r) => r.saveMapLayout(layout));
  } else {
    const now = new Set(state.ids);
    const keep: number[] = [];
    stored.ids.forEach((id, i) => now.has(id) && keep.push(i));
    const fresh = state.ids.filter((id) => !known.has(id));
    let ids = Int32Array.from(keep, (i) => stored.ids[i]!);
    let positions = new Float32Array(2 * keep.length);
    keep.forEach((i, j) => positions.set(stored.positions.subarray(2 * i, 2 * i + 2), 2 * j));
    if (fresh.length > 0) {
      onProgress({ phase: 'placing', done: 0, total: fresh.length });
      const newcomers = await analysis.call(signal, (r, id) => r.mapNeighbours(id, space, fresh), KEEP);
      const at = await mapWorker.call(signal, (r) => r.place(ids, positions, newcomers, MAP_SEED));
      placed = newcomers.length;
      const merged = new Int32Array(ids.length + placed);
      merged.set(ids);
      newcomers.forEach((c, i) => (merged[ids.length + i] = c.id));
      const all = new Float32Array(2 * merged.length);
      all.set(positions);
      all.set(at, positions.length);
      [ids, positions] = [merged, all];
      onProgress({ phase: 'placing', done: placed, total: fresh.length });
    }
    layout = { ...stored, ids, positions, placed: stored.placed + placed };
    if (placed > 0 || keep.length !== stored.ids.length) await analysis.call(undefined, (r) => r.saveMapLayout(layout));
  }
  const tagsById = new Map(state.ids.map((id, i) => [id, state.tags[i] ?? []]));
  const tags = Array.from(layout.ids, (id) => tagsById.get(id) ?? []);
  const labels = await mapWorker.call(signal, (r) => r.labels(layout.positions, tags, MAP_SEED));
  return { space, ids: layout.ids, positions: layout.positions, labels, how: stored ? 'stored' : 'laid-out', placed };
}

/** The stored layout of one space, as is (tests compare positions). */
export async function storedMapLayout(space: MapSpace): Promise<StoredLayout | undefined> {
  return (await analysis.call(undefined, (r) => r.mapState(space))).stored;
}

export interface SimilarCandidates {
  pairs: ScoredPair[];
  hashed: number;
  unhashed: number;
}

/** Candidate near-duplicate pairs of the whole library with their hash distances. */
export async function similarCandidates(opts: { signal?: AbortSignal; onProgress?: (p: { done: number; total: number }) => void } = {}): Promise<SimilarCandidates> {
  const onProgress = opts.onProgress;
  const found: SimilarPairs = await analysis.call(opts.signal, (r, id) => r.similarPairs(id, onProgress && Comlink.proxy((p: { done: number; total: number }) => void onProgress(p))), KEEP);
  const pairs = Array.from(found.a, (a, i) => ({ a, b: found.b[i]!, distance: found.distance[i]! }));
  return { pairs, hashed: found.hashed, unhashed: found.unhashed };
}

/** Groups of near-duplicates at a threshold (bits of hash distance). */
export function similarGroups(c: SimilarCandidates, threshold: number): SimilarGroup[] {
  return groupPairs(c.pairs, threshold);
}

export function unhashedCount(): Promise<number> {
  return analysis.call(undefined, (r) => r.unhashedCount());
}

/** Adds a perceptual hash to the next image after `afterId` that lacks one; undefined when none is left. */
export function hashNextImage(afterId: number): Promise<number | undefined> {
  return analysis.call(undefined, (r) => r.hashNext(afterId));
}
