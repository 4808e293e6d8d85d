// Writing leaf rows (leaf-rows-codec.ts) for a built forest: what a pack stores beside each leaf.
import { ForestState } from './forest-state.ts';
import { encodeLeafRows } from './leaf-rows-codec.ts';
import { leafKey, leafRowsKey, type BlockStore, type BlockWrite } from './store.ts';

/**
 * The leaf rows block of every leaf of the forest in `store` (which keeps its sketch table), for
 * writing beside it into a store opened with `sketchInLeaves`. Leaves in tree order, then leaf order.
 */
export async function leafRowsBlocks(store: BlockStore): Promise<BlockWrite[]> {
  const s = await ForestState.open(store, { memoryBudgetBytes: Number.MAX_SAFE_INTEGER, pinnedNodeFraction: 0, leafReadChunk: 64, pinLeaves: false });
  const g = s.meta.generation, stride = s.sketch.stride, out: BlockWrite[] = [];
  for (let t = 0; t < s.dirs.length; t++) {
    const ids = Array.from({ length: s.dirs[t].leafCount }, (_, l) => l);
    const leaves = await s.leaves(ids.map(() => t), ids);
    leaves.forEach((leaf, l) => out.push({ key: leafRowsKey(g, t, l), bytes: encodeLeafRows(s.sketchRowsOf(leaf.slots), leaf.count, stride) }));
    // Leaves read for this are not kept: the state is dropped after.
    for (const l of ids) s.cache.delete(leafKey(g, t, l));
  }
  return out;
}
