// Rebuild from what the forest already stores: tree 0 lists every live vector
// once, as int8 — no need to keep the original floats around.
import { writeForest, type BuildControl, type BuildReport, type ForestBuildOptions } from './build.ts';
import type { ForestState } from './forest-state.ts';
import { TOMBSTONE } from './meta-codec.ts';

export async function rebuildState(s: ForestState, options: ForestBuildOptions, control: BuildControl): Promise<BuildReport> {
  const d = s.meta.dim, n = s.meta.liveCount;
  const codes = new Int8Array(n * d), scales = new Float32Array(n), ids = new Uint32Array(n);
  let k = 0;
  const leafCount = s.dirs[0].leafCount;
  for (let l0 = 0; l0 < leafCount; l0 += 256) {
    const leafIds = Array.from({ length: Math.min(256, leafCount - l0) }, (_, i) => l0 + i);
    for (const b of await s.leaves(leafIds.map(() => 0), leafIds)) {
      for (let i = 0; i < b.count; i++) {
        const id = s.slotToId[b.slots[i]];
        if (id === TOMBSTONE) continue;
        ids[k] = id;
        scales[k] = b.scales[i];
        codes.set(b.codes.subarray(i * d, i * d + d), k * d);
        k++;
      }
    }
  }
  const m = s.meta;
  const merged: ForestBuildOptions = { nTrees: m.nTrees, leafSize: m.leafSize, leafCapacity: m.leafCapacity, seed: m.seed, split: m.split, ...options };
  return writeForest(s.store, { codes: codes.subarray(0, k * d), scales: scales.subarray(0, k), dim: d }, ids.subarray(0, k), merged, control, true);
}
