// Rebuild from what the forest already stores (its int8 vectors), so the original floats
// need not be kept. Format 3 reads every live slot's vector block; an older forest (vectors
// inside the leaves) reads tree 0, which lists every vector once: that is how it is upgraded.
import { writeForest, type BuildControl, type BuildReport, type ForestBuildOptions } from './build.ts';
import type { ForestState } from './forest-state.ts';
import { TOMBSTONE } from './meta-codec.ts';

/** Vector blocks per store read while gathering. */
const READ_BATCH = 4096;

export async function rebuildState(s: ForestState, options: ForestBuildOptions, control: BuildControl): Promise<BuildReport> {
  const d = s.meta.dim, n = s.meta.liveCount;
  const codes = new Int8Array(n * d), scales = new Float32Array(n), ids = new Uint32Array(n);
  let k = 0;
  const take = (id: number, scale: number, code: Int8Array): void => {
    ids[k] = id;
    scales[k] = scale;
    codes.set(code, k * d);
    k++;
  };
  if (s.legacy) {
    const leafCount = s.dirs[0].leafCount;
    for (let l0 = 0; l0 < leafCount; l0 += 256) {
      const leafIds = Array.from({ length: Math.min(256, leafCount - l0) }, (_, i) => l0 + i);
      for (const b of await s.leaves(leafIds.map(() => 0), leafIds)) {
        const old = b.legacy;
        if (!old) continue;
        for (let i = 0; i < b.count; i++) {
          const id = s.slotToId[b.slots[i]];
          if (id !== TOMBSTONE) take(id, old.scales[i], old.codes.subarray(i * d, i * d + d));
        }
      }
    }
  } else {
    for (let s0 = 0; s0 < s.meta.slotCount; s0 += READ_BATCH) {
      const slots: number[] = [];
      for (let slot = s0; slot < Math.min(s.meta.slotCount, s0 + READ_BATCH); slot++) if (s.slotToId[slot] !== TOMBSTONE) slots.push(slot);
      const vs = await s.vectors(slots);
      vs.forEach((v, i) => take(s.slotToId[slots[i]], v.scale, v.code));
    }
  }
  const m = s.meta;
  const merged: ForestBuildOptions = { nTrees: m.nTrees, leafSize: m.leafSize, leafCapacity: m.leafCapacity, seed: m.seed, split: m.split, ...options };
  return writeForest(s.store, { codes: codes.subarray(0, k * d), scales: scales.subarray(0, k), dim: d }, ids.subarray(0, k), merged, control, true);
}
