// When is maintenance worth it? Adds and deletes keep the forest correct; these
// thresholds say when its *shape* has drifted enough to cost recall or IO.
import type { ForestMeta } from './meta-codec.ts';

export interface MaintenanceAdvice {
  action: 'none' | 'compact' | 'rebuild';
  reason: string;
}

/** Adds beyond this share of the built size → rebuild (min 1000 so tiny forests don't churn). */
export const REBUILD_ADDED_RATIO = 0.5;
/** Tombstoned slots beyond this share of all slots → rebuild (slot table and leaves are mostly dead). */
export const REBUILD_DEAD_RATIO = 0.3;
/** Dead leaf entries beyond this share of all entries → compact (that much of every read is wasted). */
export const COMPACT_DEAD_RATIO = 0.1;

export function adviseMaintenance(m: ForestMeta): MaintenanceAdvice {
  const added = m.addedSinceBuild;
  if (added > Math.max(1000, REBUILD_ADDED_RATIO * m.builtCount)) {
    return {
      action: 'rebuild',
      reason: `${added} vectors were added since the build of ${m.builtCount}: the upper hyperplanes were fitted to the old data, so new regions hang off overflow splits and recall per candidate drops.`,
    };
  }
  const dead = m.slotCount - m.liveCount;
  if (m.slotCount > 0 && dead > REBUILD_DEAD_RATIO * m.slotCount) {
    return { action: 'rebuild', reason: `${dead} of ${m.slotCount} slots are deleted: a rebuild reclaims them and re-fits the splits to what is left.` };
  }
  const entries = m.liveCount * m.nTrees + m.deadInLeaves;
  if (entries > 0 && m.deadInLeaves > COMPACT_DEAD_RATIO * entries) {
    return { action: 'compact', reason: `${m.deadInLeaves} of ${entries} leaf entries are deleted: compact() drops them so reads stop carrying them.` };
  }
  return { action: 'none', reason: 'Forest shape is within thresholds.' };
}

/**
 * Memory a forest may spend beyond its budget on its stored vectors (Forest.warmVectors), by the
 * device's memory in GiB as `navigator.deviceMemory` reports it (Chromium: rounded down to a power
 * of two, at most 8; Firefox and Safari report none). 128 MiB holds ~173,000 float16 vectors of 384
 * dimensions (768 bytes each and 4 of slot index). Unknown or under 8 GiB: nothing, as before (a phone keeps its memory; the slab still
 * holds what the budget leaves).
 */
export function vectorRoomBytes(deviceMemoryGiB: number | undefined): number {
  return deviceMemoryGiB !== undefined && deviceMemoryGiB >= 8 ? 128 << 20 : 0;
}
