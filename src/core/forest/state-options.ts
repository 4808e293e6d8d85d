// How a forest is opened (ForestState.open), and the room one query needs beside the pinned blocks.
import { leafBytes, type LeafBlock } from './leaf-codec.ts';
import type { PackedLeaf } from './leaf-pack.ts';
import type { ForestMeta } from './meta-codec.ts';
import { NODES_PER_PAGE } from './node-codec.ts';

/** Node pages a descent may fetch in one round (search.ts). */
const PENDING_PAGES = 16;

/** Bytes one query may load unpinned: two batches of node pages, two leaves per tree. */
export function queryRoom(meta: ForestMeta): number {
  return 2 * PENDING_PAGES * (leafBytes(0) + NODES_PER_PAGE * (16 + meta.dim)) + 2 * meta.nTrees * leafBytes(meta.leafCapacity);
}

/** A decoded leaf, what the cache keeps of it, and the bytes charged for that. */
export interface LeafEntry {
  leaf: LeafBlock;
  value: LeafBlock | PackedLeaf;
  cost: number;
}

export interface StateOptions {
  memoryBudgetBytes: number;
  /** Share of the cache budget given to pinned node pages, top levels first. */
  pinnedNodeFraction: number;
  /** Leaf blocks per store read; reads are issued together, scoring overlaps them. */
  leafReadChunk: number;
  /** Open a forest of format < 4 for reading (only to upgrade it: see Forest.upgrade). */
  legacy?: boolean;
  /**
   * 'budget' (default): pin node pages top first while pinnedNodeFraction of the cache holds them.
   * 'roots': pin only each tree's root page (page 0); a descent reads the others as it needs them
   * and the cache keeps them (a pack over HTTP: pinning all 232 pages of a 100,000-photo text
   * forest was 5.7 MB before the first query).
   */
  pinPages?: 'budget' | 'roots';
  /**
   * Bytes beyond memoryBudgetBytes that only the vector slab may use (default 0): room to hold the
   * stored vectors in memory (Forest.warmVectors), so re-ranks read none from the store. The
   * cache's share and what open pins do not change with it.
   */
  vectorRoomBytes?: number;
  /** Pin the leaves the budget holds at open (default true); false reads every leaf on demand. */
  pinLeaves?: boolean;
  /**
   * The store holds each leaf's sketch rows beside it (leaf-rows-codec.ts) and no sketch table is
   * read: for a read-only store where a read is a round trip (a pack over HTTP). Leaves are then
   * read on demand (nothing pinned) and cached with their rows.
   */
  sketchInLeaves?: boolean;
}
