// Filling the vector slab (vector-slab.ts) from the store's range reads, so a search's exact
// re-rank scores from memory: at 100,000 photos a warm text search re-ranked ~1,400 vectors, each
// an IndexedDB get, and those gets were the warm p95's tail (README, "Fewer re-rank reads").
// A range read costs about an eighth of a get a record, so the whole set is read that way, in the
// background, where the slab has room for it (OpenOptions.vectorRoomBytes).
import type { ForestState } from './forest-state.ts';
import { TOMBSTONE } from './meta-codec.ts';
import { vectorKey } from './store.ts';
import { decodeVector } from './vector-codec.ts';

export interface FillStep {
  /** Vectors put into the slab by this step. */
  kept: number;
  /** The key to read on from; undefined when done (range read to its end, slab full, or no range reads). */
  last: string | undefined;
}

/** Live slots whose vector the slab holds. */
export function liveHeld(s: ForestState): number {
  let n = 0;
  for (let slot = 0; slot < s.meta.slotCount; slot++) if (s.slotToId[slot] !== TOMBSTONE && s.slab.holds(slot)) n++;
  return n;
}

/** The key prefix of generation g's vector blocks (`g1/v/`). */
export const vectorPrefix = (g: number): string => vectorKey(g, 0).slice(0, -1);

/**
 * One range read of up to `count` vector blocks after key `after` into `s`'s slab. Slots already
 * held, deleted or not yet counted are skipped; a block that fails its check is left out (the
 * search that needs it reads it and reports it). Only when the slab holds every live vector beside
 * what it has: a slab filled with an arbitrary part would leave no room for the vectors searches
 * re-rank (the next keystroke's query wants many of the same), and save a random part of the reads.
 */
export async function fillSlabStep(s: ForestState, after: string | undefined, count: number): Promise<FillStep> {
  const store = s.store;
  if (!store.readPrefix || s.formatVersion < 4 || s.sketchInLeaves) return { kept: 0, last: undefined };
  if (after === undefined && !s.slab.fits(s.meta.liveCount - liveHeld(s))) return { kept: 0, last: undefined };
  const prefix = vectorPrefix(s.meta.generation), dim = s.meta.dim;
  const got = await store.readPrefix(prefix, after, count);
  let kept = 0, grew = false;
  for (let i = 0; i < got.keys.length && !s.slab.full; i++) {
    const slot = Number(got.keys[i].slice(prefix.length));
    if (!Number.isInteger(slot) || slot >= s.meta.slotCount || s.slotToId[slot] === TOMBSTONE || s.slab.holds(slot)) continue;
    let half: Uint16Array;
    try {
      half = decodeVector(got.keys[i], got.blocks[i], dim).half;
    } catch (e) {
      if ((e as Error).name !== 'CorruptBlockError') throw e;
      continue;
    }
    grew = s.slab.put(slot, half) || grew;
    if (s.slab.holds(slot)) kept++;
  }
  if (grew) s.rebudget();
  return { kept, last: s.slab.full ? undefined : got.last };
}
