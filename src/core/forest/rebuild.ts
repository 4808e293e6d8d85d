// Rebuild from what the forest already stores (its vectors), so the original floats need not be
// kept. Format 4 reads every live slot's float16 vector block; format 3 its int8 vector block; an
// older forest (vectors inside the leaves) reads tree 0, which lists every vector once. That is
// how older forests are upgraded to the current format.
import { writeForest, type BuildControl, type BuildReport, type ForestBuildOptions } from './build.ts';
import type { ForestState } from './forest-state.ts';
import { toHalf } from './half.ts';
import { TOMBSTONE } from './meta-codec.ts';
import { quantizeHalfRow } from './vector-math.ts';

/** Vector blocks per store read while gathering. */
const READ_BATCH = 4096;

export async function rebuildState(s: ForestState, options: ForestBuildOptions, control: BuildControl): Promise<BuildReport> {
  const d = s.meta.dim, n = s.meta.liveCount;
  const codes = new Int8Array(n * d), scales = new Float32Array(n), ids = new Uint32Array(n), half = new Uint16Array(n * d);
  const row = new Float32Array(d);
  let k = 0;
  /** Takes the next live vector (the float16 bits, or floats to store as float16). */
  const take = (id: number, v: ArrayLike<number>, isHalf: boolean): void => {
    ids[k] = id;
    // An int8 vector is unit only up to its rounding: normalised again before it is stored.
    let ss = 0;
    if (!isHalf) for (let i = 0; i < d; i++) ss += v[i] * v[i];
    const inv = 1 / Math.sqrt(ss);
    for (let i = 0; i < d; i++) half[k * d + i] = isHalf ? v[i] : toHalf(v[i] * inv);
    quantizeHalfRow(half, k, d, codes, scales);
    k++;
  };
  if (s.formatVersion < 3) {
    const leafCount = s.dirs[0].leafCount;
    for (let l0 = 0; l0 < leafCount; l0 += 256) {
      const leafIds = Array.from({ length: Math.min(256, leafCount - l0) }, (_, i) => l0 + i);
      for (const b of await s.leaves(leafIds.map(() => 0), leafIds)) {
        const old = b.legacy;
        if (!old) continue;
        for (let i = 0; i < b.count; i++) {
          const id = s.slotToId[b.slots[i]];
          if (id === TOMBSTONE) continue;
          for (let j = 0; j < d; j++) row[j] = old.codes[i * d + j] * old.scales[i];
          take(id, row, false);
        }
      }
    }
  } else {
    for (let s0 = 0; s0 < s.meta.slotCount; s0 += READ_BATCH) {
      const slots: number[] = [];
      for (let slot = s0; slot < Math.min(s.meta.slotCount, s0 + READ_BATCH); slot++) if (s.slotToId[slot] !== TOMBSTONE) slots.push(slot);
      if (s.formatVersion >= 4) (await s.vectors(slots)).forEach((v, i) => take(s.slotToId[slots[i]], v.half, true));
      else {
        const rows = await s.storedVectors(slots);
        slots.forEach((slot, i) => take(s.slotToId[slot], rows.subarray(i * d, i * d + d), false));
      }
    }
  }
  const m = s.meta;
  const merged: ForestBuildOptions = { nTrees: m.nTrees, leafSize: m.leafSize, leafCapacity: m.leafCapacity, seed: m.seed, split: m.split, ...options };
  return writeForest(s.store, { codes: codes.subarray(0, k * d), scales: scales.subarray(0, k), dim: d }, half.subarray(0, k * d), ids.subarray(0, k), merged, control, true);
}
