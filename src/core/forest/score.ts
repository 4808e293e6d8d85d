// Re-rank of leaf entries against the query: each slot scored once, tombstones
// skipped. Once k exact scores are held, an entry's 1-bit sketch estimate
// (sketch.ts, dim/8 lookups) must come within `margin` of the k-th exact score
// before its exact int8 dot is computed (two rows per pass, shared query loads).
// Results are always ranked and scored by the exact int8 dot; the margin only
// decides which entries get one. The estimate's error has std ≈ 0.75/√dim
// (0.037 at 384-d on the bench data), so a margin of ~3 std rarely drops a
// true top-k entry. Sketches are taken without a random rotation: fine for
// embeddings whose energy is spread over many dims; one with a few dominant
// dims would estimate worse (a larger margin, or a rotation in sketch.ts).
import type { ForestState } from './forest-state.ts';
import { TopK } from './heaps.ts';
import type { LeafBlock } from './leaf-codec.ts';
import { TOMBSTONE } from './meta-codec.ts';
import { SketchTable, sketchWords } from './sketch.ts';
import { dotI8Pair } from './vector-math.ts';

/** Default margin in cosine units, as a multiple of 1/√dim (0.112 at 384-d). */
export const RERANK_MARGIN_SQRT_DIM = 2.2;

export class Scorer {
  readonly top: TopK;
  /** Distinct live entries given an exact dot product (all of them with an Infinity margin). */
  reranked = 0;
  private readonly epoch: number;
  /** Set when another search holds the shared stamp array (scoring now spans several tasks). */
  private readonly seen: Set<number> | undefined;
  /** The stamp array as of construction: an add may swap in a bigger one mid-search. */
  private readonly stamps: Uint32Array;
  /** Slots beyond that array (added after this search began). */
  private late: Set<number> | undefined;
  private readonly pair = new Float64Array(2);
  /** Built on first use: a query whose candidates fit in k never needs it. */
  private table: SketchTable | undefined;

  /** `margin`: Infinity gives every candidate an exact dot (no estimates). */
  constructor(private readonly s: ForestState, private readonly q: Float32Array, k: number, private readonly margin: number) {
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
    const { slots, scales, codes, factors, sketch } = b;
    const stamps = this.stamps, slotToId = this.s.slotToId;
    const { q, pair, top, margin } = this;
    const d = q.length, w = sketchWords(d), epoch = this.epoch, seen = this.seen;
    let pending = -1, exact = 0;
    for (let a = 0; a < b.count; a++) {
      // The estimate comes first: it reads the block sequentially, while the de-duplication
      // stamp and the tombstone check are random reads into slot-sized arrays (MBs at 1M), paid
      // now only by the few entries that pass. An entry skipped here is skipped again when
      // another tree brings it (the bar only rises), so skipping before de-duplicating is safe.
      if (margin !== Infinity && top.size === top.k) {
        this.table ??= this.takeTable();
        if (this.table.estimate(sketch, factors, a, w) < top.scores[0] - margin) continue;
      }
      const slot = slots[a];
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
      if (slotToId[slot] === TOMBSTONE) continue;
      if (pending < 0) {
        pending = a;
        continue;
      }
      dotI8Pair(q, codes, pending * d, a * d, d, pair, 0);
      top.push(pair[0] * scales[pending], slots[pending]);
      top.push(pair[1] * scales[a], slots[a]);
      pending = -1;
      exact += 2;
    }
    if (pending >= 0) {
      // The odd row goes through the same arithmetic, so a score never depends on its pairing.
      dotI8Pair(q, codes, pending * d, pending * d, d, pair, 0);
      top.push(pair[0] * scales[pending], slots[pending]);
      exact++;
    }
    this.reranked += exact;
  }

  /** Must be called once scoring ends (also on error) to hand the stamps back. */
  release(): void {
    this.s.stampHolders--;
    if (this.table) this.s.spareTable = this.table;
  }

  /** The state's spare table if no other search holds it (saves a 48 KB allocation per query at 384-d). */
  private takeTable(): SketchTable {
    const d = this.q.length, spare = this.s.spareTable;
    this.s.spareTable = undefined;
    return (spare?.dim === d ? spare : new SketchTable(d)).fill(this.q);
  }
}
