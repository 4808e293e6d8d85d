// Exact re-rank of leaf entries against the query: each slot scored once,
// tombstones skipped, two rows per pass (shared loads of the query).
import type { ForestState } from './forest-state.ts';
import { TopK } from './heaps.ts';
import type { LeafBlock } from './leaf-codec.ts';
import { TOMBSTONE } from './meta-codec.ts';
import { dotI8Pair } from './vector-math.ts';

export class Scorer {
  readonly top: TopK;
  scored = 0;
  private readonly epoch: number;
  /** Set when another search holds the shared stamp array (scoring now spans several tasks). */
  private readonly seen: Set<number> | undefined;
  /** The stamp array as of construction: an add may swap in a bigger one mid-search. */
  private readonly stamps: Uint32Array;
  /** Slots beyond that array (added after this search began). */
  private late: Set<number> | undefined;
  private fresh = new Int32Array(256);
  private readonly pair = new Float64Array(2);

  constructor(private readonly s: ForestState, private readonly q: Float32Array, k: number) {
    this.top = new TopK(k);
    this.stamps = s.stamps;
    if (s.stampHolders++ === 0) {
      if (++s.epoch === 0xffffffff) {
        s.stamps.fill(0);
        s.epoch = 1;
      }
      this.epoch = s.epoch;
    } else {
      this.epoch = 0;
      this.seen = new Set();
    }
  }

  add(b: LeafBlock): void {
    const { slots, scales, codes } = b;
    const stamps = this.stamps, slotToId = this.s.slotToId;
    const d = this.q.length, epoch = this.epoch, seen = this.seen;
    if (this.fresh.length < b.count) this.fresh = new Int32Array(b.count);
    const fresh = this.fresh;
    let m = 0;
    for (let i = 0; i < b.count; i++) {
      const slot = slots[i];
      if (seen) {
        if (seen.has(slot)) continue;
        seen.add(slot);
      } else if (slot < stamps.length) {
        if (stamps[slot] === epoch) continue;
        stamps[slot] = epoch;
      } else {
        this.late ??= new Set();
        if (this.late.has(slot)) continue;
        this.late.add(slot);
      }
      if (slotToId[slot] !== TOMBSTONE) fresh[m++] = i;
    }
    this.scored += m;
    const { q, pair, top } = this;
    let j = 0;
    for (; j + 1 < m; j += 2) {
      const a = fresh[j], c = fresh[j + 1];
      dotI8Pair(q, codes, a * d, c * d, d, pair, 0);
      top.push(pair[0] * scales[a], slots[a]);
      top.push(pair[1] * scales[c], slots[c]);
    }
    if (j < m) {
      // The odd row goes through the same arithmetic, so a score never depends on its pairing.
      const a = fresh[j];
      dotI8Pair(q, codes, a * d, a * d, d, pair, 0);
      top.push(pair[0] * scales[a], slots[a]);
    }
  }

  /** Must be called once scoring ends (also on error) to hand the stamps back. */
  release(): void {
    this.s.stampHolders--;
  }
}
