// Re-rank of leaf entries against the query, in two steps. While leaves arrive, each distinct
// live slot's 1-bit sketch estimate (sketch.ts, dim/8 lookups in the resident sketch table) is
// computed and the best `cap` slots by estimate are kept. Then their int8 vectors (one Vector
// block each) are read, best estimate first, and scored exactly: first the top k + FIRST_EXTRA,
// then every remaining candidate whose estimate comes within `margin` of the k-th exact score
// (one more read; the bar cannot fall, so no third is needed). On big searches the first read
// starts early: once a share of the leaf entries (each of EARLY_READ_AT) is scored, the vectors
// of the best k + FIRST_EXTRA so far that are not yet requested are, so the store reads them
// while the CPU scores the rest; at the end only the ones the final list adds are read. Results
// are always ranked and scored by the exact int8 dot; the margin only decides which candidates
// get one. The estimate's error has std ≈ 0.75/√dim (0.037 at 384-d on the bench data); the
// first read already holds the best estimates, so a margin of about one std loses little (see
// RERANK_MARGIN_SQRT_DIM). Sketches are taken without a random rotation: fine for embeddings
// whose energy is spread over many dims; one with a few dominant dims would estimate worse (a
// larger margin, or a rotation in sketch.ts).
import type { ForestState } from './forest-state.ts';
import { TopK } from './heaps.ts';
import type { LeafBlock } from './leaf-codec.ts';
import { TOMBSTONE } from './meta-codec.ts';
import { SketchTable } from './sketch.ts';
import type { VectorBlock } from './vector-codec.ts';
import { dotI8 } from './vector-math.ts';

/**
 * Default margin in cosine units, as a multiple of 1/√dim (0.051 at 384-d). Each vector re-ranked
 * is one IndexedDB get: `npm run bench:index -- --n 100000 --trees 16 --search-k 2000
 * --leaf-size 200 --rerank-margin 0.112` re-ranked 90 a query at recall 0.967, against 64 at
 * 0.965 with this default.
 */
export const RERANK_MARGIN_SQRT_DIM = 1.0;
/** Candidates beyond k in the first read: most queries need no second one. */
export const FIRST_EXTRA = 54;
/**
 * Shares of a query's leaf entries scored at which the first list's vectors not yet requested
 * are. IndexedDB serves one get after another, so the earlier a read starts the more of it hides
 * behind the estimates; the later, the more of the final list it holds (the rest cost one short
 * read more, and a slot that drops out of the list was read for nothing).
 * `npx tsx bench/index-profile.ts --n 1000000 --queries 1000 --trees 16 --leaf-size 200
 * --search-k 24000 --margin default` reports the slots the early reads lacked (earlyMissedPerQuery, of 64).
 * At 1M in Chromium (`npm run bench:index:browser -- --n 1000000 --trees 16 --leaf-size 200
 * --queries 1000 --search-k 24000 --early-stages 0.25/0.4/0.3/0.2/0.4`, one page) one read at
 * 0.25 had the lowest p50, cold and warm, of 0.2, 0.25, 0.3 and 0.4; with `--early-stages
 * 0.2,0.5/0.15,0.4,0.7/0.25` two or three stages did not beat it.
 */
export const EARLY_READ_AT: readonly number[] = [0.25];
/**
 * Fewer leaf entries than this and the first read waits for every leaf: the estimates take too
 * little time to hide a read behind. With `npm run bench:index:browser -- --compare-early` the
 * early read lowered p50 at 1M (searchK 20000–24000) but was mixed at 100k with searchK 2000–4000.
 */
export const EARLY_READ_MIN_ENTRIES = 8000;

/**
 * Candidates kept by estimate: every one when the margin spans the whole cosine range (≥ 2),
 * else enough for the margin rule (on the 384-d bench the rule stops well before the cap).
 */
export function candidateCap(k: number, margin: number, entries: number): number {
  return Math.max(1, Math.min(entries, margin >= 2 ? entries : Math.max(4 * k, k + 256)));
}

export class Scorer {
  readonly top: TopK;
  /** Distinct live slots given an exact dot product (every candidate with an Infinity margin). */
  reranked = 0;
  /** Vector reads (store requests) the exact step made: one per early read that found new slots, then late and margin (see the file comment). */
  vectorReads = 0;
  /** With an early read: the first list's slots it lacked (read late). */
  earlyMissed: number | undefined;
  private readonly cand: TopK;
  /** Set when another search holds the shared bit set (scoring now spans several tasks). */
  private readonly seen: Set<number> | undefined;
  /** The shared bit set as of construction (cleared): an add may swap in a bigger one mid-search. */
  private readonly bits: Uint32Array;
  /** Slots beyond that array (added after this search began). */
  private late: Set<number> | undefined;
  private readonly table: SketchTable;
  /** A leaf's slots seen for the first time (reused across leaves). */
  private fresh = new Uint32Array(512);
  /** XOR of the rows touched ahead of their estimates: kept so the loads are not optimised away. */
  touch = 0;

  /** Leaf entries handed to add() so far, and the counts that start early reads (ascending). */
  private entries = 0;
  private readonly earlyAt: number[];
  private stage = 0;
  /** The early reads (see the file comment): their slots and blocks, as requested. */
  private readonly early: { slots: number[]; read: Promise<VectorBlock[]> }[] = [];
  private readonly requested = new Set<number>();

  /**
   * `margin`: Infinity gives every candidate an exact dot. `cap`: see candidateCap. `entries`: the
   * leaf entries the descent chose; `earlyAt`: shares of them at which early reads start.
   */
  constructor(private readonly s: ForestState, private readonly q: Float32Array, k: number, private readonly margin: number, cap: number, entries = 0, earlyAt: readonly number[] = []) {
    this.top = new TopK(k);
    this.cand = new TopK(cap);
    this.earlyAt = margin >= 2 || !(entries >= EARLY_READ_MIN_ENTRIES) ? [] : earlyAt.map((f) => f * entries).sort((a, b) => a - b);
    this.bits = s.seenBits;
    // One bit a slot (125 KB at 1M, cleared per search) fits in L2 beside the sketch rows that
    // stream through; a 4-byte stamp per slot (4 MB) did not.
    if (s.seenHolders++ === 0) this.bits.fill(0);
    else this.seen = new Set();
    this.table = this.takeTable();
  }

  add(b: LeafBlock): void {
    if (b.rows) this.addRows(b, b.rows);
    else this.addFromTable(b);
    this.entries += b.count;
    if (this.stage < this.earlyAt.length && this.entries >= this.earlyAt[this.stage]) {
      // Stages passed at once (a big leaf) make one read.
      while (this.stage < this.earlyAt.length && this.entries >= this.earlyAt[this.stage]) this.stage++;
      this.prefetch();
    }
  }

  /** Requests the vectors of the best k + FIRST_EXTRA so far not requested yet; finish() awaits them. */
  private prefetch(): void {
    const order = this.cand.order(), slots: number[] = [];
    for (const i of order.slice(0, this.top.k + FIRST_EXTRA)) {
      const slot = this.cand.slots[i];
      if (!this.requested.has(slot)) slots.push(slot);
    }
    if (!slots.length) return;
    for (const slot of slots) this.requested.add(slot);
    const read = this.s.vectors(slots);
    // Awaited in finish(); a search that fails before then must not leave a rejection unhandled.
    read.catch(() => undefined);
    this.vectorReads++;
    this.early.push({ slots, read });
  }

  private addFromTable(b: LeafBlock): void {
    const slots = b.slots, n = b.count;
    const slotToId = this.s.slotToId, cand = this.cand, table = this.table;
    // The table as of now: an add commits its new slots' sketches before any leaf lists them.
    const { u32, f32, stride } = this.s.sketch;
    const w = stride - 1;
    if (this.fresh.length < n) this.fresh = new Uint32Array(n);
    const fresh = this.fresh;
    // Pass 1: trees repeat slots, so each is estimated once. Each new slot's sketch row (a random
    // read into the 52 MB table at 1M) is touched here, both of its cache lines, with no work
    // depending on the load: the CPU then has many misses in flight instead of one per estimate.
    // `npx tsx bench/index-profile.ts --n 1000000 --trees 16 --leaf-size 200 --search-k 20000
    // --margin default --budget-mb 400` gave a leaves step of 4.82 ms before these two passes and
    // the bit set, 2.17 ms after.
    let m = 0, touch = 0;
    for (let a = 0; a < n; a++) {
      const slot = slots[a];
      if (!this.firstTime(slot)) continue;
      const at = slot * stride;
      touch ^= u32[at] ^ u32[at + w];
      fresh[m++] = slot;
    }
    this.touch ^= touch;
    // Pass 2: the estimates, from rows now in cache. The tombstone check is another random read:
    // only candidates that pass pay it.
    for (let i = 0; i < m; i++) {
      const slot = fresh[i];
      const est = table.estimateAt(u32, f32, slot * stride, w);
      if (est > cand.floor() && slotToId[slot] !== TOMBSTONE) cand.push(est, slot);
    }
  }

  /**
   * The same for a leaf that carries its entries' sketch rows: they are read in order, and the
   * estimate comes first, so the de-duplication bit and the tombstone check (random reads) are
   * paid only by entries that pass. A slot another tree brings again estimates the same and is
   * skipped again (the floor only rises), so skipping before de-duplicating is safe.
   */
  private addRows(b: LeafBlock, rows: Uint32Array): void {
    const slots = b.slots, f32 = new Float32Array(rows.buffer, rows.byteOffset, rows.length);
    const stride = this.s.sketch.stride, w = stride - 1;
    const slotToId = this.s.slotToId, cand = this.cand, table = this.table;
    for (let a = 0; a < b.count; a++) {
      const est = table.estimateAt(rows, f32, a * stride, w);
      if (est <= cand.floor()) continue;
      const slot = slots[a];
      if (this.firstTime(slot) && slotToId[slot] !== TOMBSTONE) cand.push(est, slot);
    }
  }

  /** True the first time this search meets `slot` (trees repeat slots). */
  private firstTime(slot: number): boolean {
    if (this.seen) {
      if (this.seen.has(slot)) return false;
      this.seen.add(slot);
    } else if (slot >>> 5 < this.bits.length) {
      const w = slot >>> 5, bit = 1 << (slot & 31);
      if (this.bits[w] & bit) return false;
      this.bits[w] |= bit;
    } else {
      this.late ??= new Set();
      if (this.late.has(slot)) return false;
      this.late.add(slot);
    }
    return true;
  }

  /** Reads the candidates' vectors and scores them exactly (see the file comment). */
  async finish(): Promise<void> {
    const cand = this.cand, order = cand.order(), n = order.length;
    const first = this.margin >= 2 ? n : Math.min(n, this.top.k + FIRST_EXTRA);
    const slotsOf = (from: number, to: number): number[] => order.slice(from, to).map((i) => cand.slots[i]);
    const want = slotsOf(0, first);
    // Blocks the early read brought. Only slots a step asks for are scored, so the answer does
    // not depend on the order leaves arrived in (pinned or read on demand).
    const got = new Map<number, VectorBlock>();
    if (this.early.length) {
      // The first list's slots the early reads lack are read now, queued behind them.
      const late = want.filter((slot) => !this.requested.has(slot));
      this.earlyMissed = late.length;
      const [reads] = await Promise.all([Promise.all(this.early.map((e) => e.read)), this.exact(late)]);
      this.early.forEach(({ slots }, r) => slots.forEach((slot, i) => got.set(slot, reads[r][i])));
      this.scoreFetched(want.filter((slot) => got.has(slot)), got);
    } else await this.exact(want);
    const bar = this.top.floor() - this.margin;
    let end = first;
    while (end < n && cand.scores[order[end]] >= bar) end++;
    const rest = slotsOf(first, end);
    this.scoreFetched(rest.filter((slot) => got.has(slot)), got);
    await this.exact(rest.filter((slot) => !got.has(slot)));
  }

  /** Must be called once scoring ends (also on error) to hand the bit set back. */
  release(): void {
    this.s.seenHolders--;
    this.s.spareTable = this.table;
  }

  /** Reads the vector blocks of `slots` (one store read) and scores them exactly. */
  private async exact(slots: number[]): Promise<void> {
    if (!slots.length) return;
    this.vectorReads++;
    const vs = await this.s.vectors(slots);
    slots.forEach((slot, i) => this.score(slot, vs[i]));
  }

  /** Scores `slots` exactly from blocks already read. */
  private scoreFetched(slots: number[], blocks: Map<number, VectorBlock>): void {
    for (const slot of slots) this.score(slot, blocks.get(slot) as VectorBlock);
  }

  private score(slot: number, v: VectorBlock): void {
    this.top.push(dotI8(this.q, v.code, 0, this.q.length) * v.scale, slot);
    this.reranked++;
  }

  /** The state's spare table if no other search holds it (saves a 48 KB allocation per query at 384-d). */
  private takeTable(): SketchTable {
    const d = this.q.length, spare = this.s.spareTable;
    this.s.spareTable = undefined;
    return (spare?.dim === d ? spare : new SketchTable(d)).fill(this.q);
  }
}
