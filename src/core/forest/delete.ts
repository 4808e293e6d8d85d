// Delete = tombstone. The slot's id becomes TOMBSTONE, so search skips its
// entries at once, and its vector block goes; the entries themselves leave the
// leaves when a leaf is rewritten by an add, or by compact(), or at the next rebuild.
import { InvalidIdError, UnknownIdError } from './errors.ts';
import type { ForestState } from './forest-state.ts';
import { TOMBSTONE } from './meta-codec.ts';
import { Mutation } from './mutation.ts';

export async function deleteIds(s: ForestState, idsIn: ArrayLike<number>): Promise<void> {
  const want = new Set<number>();
  for (let i = 0; i < idsIn.length; i++) {
    const id = idsIn[i];
    if (!Number.isInteger(id) || id < 0 || id >= TOMBSTONE) throw new InvalidIdError(id);
    want.add(id);
  }
  if (!want.size) return;
  const found: number[] = [];
  const seen = new Set<number>();
  for (let slot = 0; slot < s.meta.slotCount; slot++) {
    const id = s.slotToId[slot];
    if (id !== TOMBSTONE && want.has(id)) {
      found.push(slot);
      seen.add(id);
    }
  }
  if (found.length !== want.size) throw new UnknownIdError([...want].filter((id) => !seen.has(id)));
  const m = new Mutation(s);
  for (const slot of found) {
    s.slotToId[slot] = TOMBSTONE;
    m.touchSlot(slot);
    m.deleteVector(slot);
  }
  s.meta.liveCount -= found.length;
  s.meta.deadInLeaves += found.length * s.meta.nTrees;
  s.meta.mutations++;
  await m.commit();
}

/** Rewrites every leaf that still lists tombstoned slots. Reads the whole forest once. */
export async function compactLeaves(s: ForestState, batchLeaves = 256): Promise<number> {
  if (s.meta.deadInLeaves === 0) return 0;
  let removed = 0, total = 0;
  for (let t = 0; t < s.meta.nTrees; t++) {
    for (let l0 = 0; l0 < s.dirs[t].leafCount; l0 += batchLeaves) {
      const ids = Array.from({ length: Math.min(batchLeaves, s.dirs[t].leafCount - l0) }, (_, i) => l0 + i);
      const blocks = await s.leaves(ids.map(() => t), ids);
      const m = new Mutation(s);
      blocks.forEach((b, j) => {
        const live = b.slots.filter((slot) => s.slotToId[slot] !== TOMBSTONE);
        if (live.length === b.count) return;
        removed += b.count - live.length;
        m.setLeaf(t, ids[j], live);
      });
      s.meta.deadInLeaves = Math.max(0, s.meta.deadInLeaves - removed);
      await m.commit();
      total += removed;
      removed = 0;
    }
  }
  s.meta.deadInLeaves = 0;
  await new Mutation(s).commit();
  return total;
}
