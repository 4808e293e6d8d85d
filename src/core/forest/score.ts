// Re-rank of leaf entries against the query, in two steps. While leaves arrive, each distinct
// live slot's 1-bit sketch estimate (sketch.ts: RaBitQ's unbiased estimate of the cosine, with a
// per-slot standard error σ) is computed, and a slot is kept while its upper bound, estimate +
// ε·σ⊥, reaches the k-th best lower bound (estimate − ε·σ) seen so far: below that, k others are
// better than it whatever the errors are (within ε of them). σ is RaBitQ's bound; σ⊥ the same
// for the part of the query orthogonal to the slot's vector (sketch.ts perpError), smaller for
// near neighbours, and only ever used for upper bounds. Then the kept slots' float16 vectors
// (one Vector block each) are read, best estimate first, and scored exactly: first the top k +
// FIRST_EXTRA, then every other kept slot whose upper bound reaches the k-th exact score, best
// estimate first, in chunks each held against the k-th exact score as it stands (readRest). On big searches the first read starts
// early: once a share of the leaf entries (each of EARLY_READ_AT) is scored, the vectors of the
// best k + FIRST_EXTRA so far that are not yet requested are, so the store reads them while the
// CPU scores the rest; at the end only the ones the final list adds are read. Results are always
// ranked and scored by the exact dot; the bound only decides which slots get one.
// The rule follows each estimate's own error, so a wider search only adds slots that could still
// be in the top k: recall does not fall as searchK grows, as it did with a fixed count of
// candidates kept and a fixed margin (tight neighbourhoods, where many slots are within the
// sketch's error of the k-th: bench/estimator.ts).
import type { ForestState } from './forest-state.ts';
import { TopK } from './heaps.ts';
import type { LeafBlock } from './leaf-codec.ts';
import { TOMBSTONE } from './meta-codec.ts';
import { kernels, type QueryKernels } from './kernels.ts';
import { byEstimate, Kept, splitKept } from './kept.ts';
import { ResidentLeaf } from './resident.ts';
import { perpError, SketchTable, unpackAdd, unpackError } from './sketch.ts';
import type { SlabRows } from './vector-slab.ts';

/**
 * Default ε: how many standard errors of its estimate a slot may be off. RaBitQ's reference
 * library uses 1.9. Each vector re-ranked is one IndexedDB get, so this trades reads for recall.
 */
export const RERANK_BOUND = 1.9;
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

/** The first chunk of the rest's reads (Scorer.readRest); each next one is twice as big. */
export const REST_CHUNK = 128;

/** An early read's index times this plus a row in it: one number per slot fetched (finish). */
const ROW_BASE = 2 ** 32;

export class Scorer {
  readonly top: TopK;
  /** Distinct live slots given an exact dot product (every candidate with an Infinity bound). */
  reranked = 0;
  /** Vector reads (store requests) the exact step made: one per early read that found new slots, then late and bound (see the file comment). */
  vectorReads = 0;
  /** With an early read: the first list's slots it lacked (read late). */
  earlyMissed: number | undefined;
  /** Slots kept for the exact step when scoring ended (before the k-th exact score pruned them). */
  kept = 0;
  private readonly cand = new Kept();
  /** The k best lower bounds so far: its floor is the bar a slot's upper bound must reach. */
  private readonly lower: TopK;
  /** The k + FIRST_EXTRA best estimates so far: the first list (and what early reads fetch). */
  private readonly best: TopK;
  /** Set when another search holds the shared bit set (scoring now spans several tasks). */
  private readonly seen: Set<number> | undefined;
  /** The shared bit set as of construction (cleared): an add may swap in a bigger one mid-search. */
  private readonly bits: Uint32Array;
  /** Slots beyond that array (added after this search began). */
  private late: Set<number> | undefined;
  private readonly table: SketchTable;
  /** ε·‖q − c‖: a row's packed error factor times this is its ε·σ (0 with an Infinity bound). */
  private readonly errScale: number;
  /** ‖q − c‖² and the rotated dimension, for σ⊥. */
  private readonly qSq: number;
  private readonly D: number;
  /** An Infinity bound: every live slot is kept and scored exactly. */
  private readonly all: boolean;
  /** A leaf's slots (or, for a leaf with rows, positions) seen for the first time, and their sketch sums (reused across leaves). */
  private fresh = new Uint32Array(512);
  private ests = new Float64Array(512);
  private keep = new Uint32Array(512);
  private readonly kern: QueryKernels = kernels();
  /** XOR of the rows touched ahead of their estimates: kept so the loads are not optimised away. */
  touch = 0;

  /** Leaf entries handed to add() so far, and the counts that start early reads (ascending). */
  private entries = 0;
  private readonly earlyAt: number[];
  private stage = 0;
  /** The early reads (see the file comment): their slots and blocks, as requested. */
  private readonly early: { slots: number[]; read: Promise<SlabRows> }[] = [];
  private readonly requested = new Set<number>();

  /**
   * `bound`: ε (Infinity gives every candidate an exact dot). `entries`: the leaf entries the
   * descent chose; `earlyAt`: shares of them at which early reads start.
   */
  constructor(private readonly s: ForestState, private readonly q: Float32Array, k: number, private readonly bound: number, entries = 0, earlyAt: readonly number[] = [], private readonly restChunk = REST_CHUNK) {
    this.top = new TopK(k);
    this.lower = new TopK(k);
    this.best = new TopK(k + FIRST_EXTRA);
    this.earlyAt = bound === Infinity || !(entries >= EARLY_READ_MIN_ENTRIES) ? [] : earlyAt.map((f) => f * entries).sort((a, b) => a - b);
    this.bits = s.seenBits;
    // One bit a slot (125 KB at 1M, cleared per search) fits in L2 beside the sketch rows that
    // stream through; a 4-byte stamp per slot (4 MB) did not.
    if (s.seenHolders++ === 0) this.bits.fill(0);
    else this.seen = new Set();
    this.table = this.takeTable();
    // An Infinity bound keeps every slot: the bar never rises (and Infinity·0 would be NaN).
    this.all = bound === Infinity;
    this.errScale = this.all ? 0 : bound * this.table.errorScale;
    this.qSq = this.table.errorScale * this.table.errorScale;
    this.D = s.space.padded;
  }

  add(b: LeafBlock): void {
    if (b.rows) this.addRows(b);
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
    const slots: number[] = [];
    for (const i of this.best.order()) {
      const slot = this.best.slots[i];
      if (!this.requested.has(slot)) slots.push(slot);
    }
    if (!slots.length) return;
    for (const slot of slots) this.requested.add(slot);
    const read = this.s.searchVectors(slots);
    // Awaited in finish(); a search that fails before then must not leave a rejection unhandled.
    read.catch(() => undefined);
    this.vectorReads++;
    this.early.push({ slots, read });
  }

  /**
   * ε·σ⊥ of a row whose plain upper bound passed: packed error factor `e`, rescale factor `rescale`,
   * packed add `add` (see perpError). 0 with an Infinity bound.
   */
  private upper(e: number, rescale: number, add: number, est: number): number {
    return this.all ? 0 : this.bound * perpError(e, rescale, est - this.table.base - add, this.qSq, this.D);
  }

  /**
   * Keeps a live slot with estimate `est` (upper bound est + `up`, lower est − `lo`) if its upper
   * bound reaches the k-th best lower bound so far; returns that bar as it stands after.
   */
  private consider(est: number, up: number, lo: number, slot: number, bar: number): number {
    this.cand.push(est, up, slot);
    if (est > this.best.floor()) this.best.push(est, slot);
    if (!this.all && est - lo > bar) {
      this.lower.push(est - lo, slot);
      return this.lower.floor();
    }
    return bar;
  }

  private addFromTable(b: LeafBlock): void {
    const slots = b.slots, n = b.count;
    const slotToId = this.s.slotToId, table = this.table, errScale = this.errScale;
    // The table as of now: an add commits its new slots' sketches before any leaf lists them.
    const { u32, f32, stride } = this.s.sketch;
    const w = stride - 2;
    if (this.fresh.length < n) this.fresh = new Uint32Array(n);
    const fresh = this.fresh;
    // Pass 1: trees repeat slots, so each is estimated once. Each new slot's sketch row (a random
    // read into the 56 MB table at 1M) is touched here, both of its cache lines, with no work
    // depending on the load: the CPU then has many misses in flight instead of one per estimate.
    // `npx tsx bench/index-profile.ts --n 1000000 --trees 16 --leaf-size 200 --search-k 20000
    // --margin default --budget-mb 400` gave a leaves step of 4.82 ms before these two passes and
    // the bit set, 2.17 ms after.
    let m = 0, touch = 0;
    for (let a = 0; a < n; a++) {
      const slot = slots[a];
      if (!this.firstTime(slot)) continue;
      const at = slot * stride;
      touch ^= u32[at] ^ u32[at + w + 1];
      fresh[m++] = slot;
    }
    this.touch ^= touch;
    // Pass 2: the estimates, from rows now in cache. The tombstone check is another random read:
    // only slots whose upper bound passes pay it.
    let bar = this.lower.floor();
    const base = table.base;
    for (let i = 0; i < m; i++) {
      const slot = fresh[i], at = slot * stride, packed = u32[at + w + 1], add = unpackAdd(packed), rescale = f32[at + w];
      const est = base + add + rescale * table.signedSum(u32, at, w);
      const e = unpackError(packed), lo = e * errScale;
      // The plain bound first (cheap, and most slots fail it once the bar has risen), then σ⊥.
      if (est + lo < bar) continue;
      const up = this.upper(e, rescale, add, est);
      if (est + up >= bar && slotToId[slot] !== TOMBSTONE) bar = this.consider(est, up, lo, slot, bar);
    }
  }

  /**
   * The same for a leaf that carries its entries' sketch rows, read in order. The de-duplication
   * bit comes first: trees repeat most slots of a wide search, and one bit (a slot's first
   * meeting marks it, whether it passes or not) costs less than the estimate it saves. A slot
   * that failed the bound would fail again (the bar only rises), so the answers are the same as
   * estimating first. The tombstone check (a random read) is paid only by slots that pass.
   */
  private addRows(b: LeafBlock): void {
    const slots = b.slots, n = b.count;
    const stride = this.s.sketch.stride, w = stride - 2;
    const slotToId = this.s.slotToId, table = this.table, errScale = this.errScale;
    const bits = this.seen ? undefined : this.bits, nBits = this.bits.length;
    if (this.fresh.length < n) this.fresh = new Uint32Array(n);
    if (this.ests.length < n) {
      this.ests = new Float64Array(n);
      this.keep = new Uint32Array(n);
    }
    const fresh = this.fresh, ests = this.ests, keep = this.keep;
    // Pass 1: the positions of slots met for the first time; then their estimates in one kernel
    // call (kernels.ts).
    let m = 0;
    for (let a = 0; a < n; a++) {
      const slot = slots[a];
      // The bit set inline (the common case: one search at a time, no slot added since it began).
      if (bits && slot >>> 5 < nBits) {
        const i = slot >>> 5, bit = 1 << (slot & 31);
        if (bits[i] & bit) continue;
        bits[i] |= bit;
      } else if (!this.firstTime(slot)) continue;
      fresh[m++] = a;
    }
    // The kernel gives the estimates that pass the plain bound against the bar as it stands (it
    // only rises: a slot failing now fails later too), in order; the loop below applies the rest
    // as before. Rows resident in the kernels' memory are read where they lie (resident.ts),
    // others are copied in. The rows' view is taken after the call: it may grow the memory.
    const kern = this.kern, resident = b instanceof ResidentLeaf && b.arena === kern && b.at >= 0;
    let bar = this.lower.floor();
    const passed = kern.estimates(table, resident ? undefined : b.rows, resident ? (b as ResidentLeaf).at : -1, stride, w, fresh, m, errScale, bar, keep, ests);
    const rows = b.rows as Uint32Array, f32 = new Float32Array(rows.buffer, rows.byteOffset, rows.length);
    for (let i = 0; i < passed; i++) {
      const a = fresh[keep[i]], slot = slots[a], at = a * stride, est = ests[i];
      const packed = rows[at + w + 1], add = unpackAdd(packed), rescale = f32[at + w];
      const e = unpackError(packed), lo = e * errScale;
      if (est + lo < bar) continue;
      const up = this.upper(e, rescale, add, est);
      if (est + up >= bar && slotToId[slot] !== TOMBSTONE) bar = this.consider(est, up, lo, slot, bar);
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

  /** Reads the kept slots' vectors and scores them exactly (see the file comment). */
  async finish(): Promise<void> {
    const c = this.cand, bar = this.lower.floor();
    // Slots kept early, before the bar rose past their upper bound, drop out now.
    const kept: number[] = [];
    for (let i = 0; i < c.n; i++) if (this.all || c.est[i] + c.err[i] >= bar) kept.push(i);
    this.kept = kept.length;
    const { head, after, tail } = splitKept(c, kept, this.top.k + FIRST_EXTRA);
    const want = head.map((i) => c.slot[i]);
    // Blocks the early read brought. Only slots a step asks for are scored, so the answer does
    // not depend on the order leaves arrived in (pinned or read on demand).
    const got = new Map<number, number>();
    const blocks: SlabRows[] = [];
    if (this.early.length) {
      // The first list's slots the early reads lack are read now, queued behind them.
      const late = want.filter((slot) => !this.requested.has(slot));
      this.earlyMissed = late.length;
      const [reads] = await Promise.all([Promise.all(this.early.map((e) => e.read)), this.exact(late)]);
      // got: slot → read r and row i, as r·2^32 + i (exact in a double).
      this.early.forEach(({ slots }, r) => slots.forEach((slot, i) => got.set(slot, r * ROW_BASE + i)));
      blocks.push(...reads);
      this.scoreFetched(want.filter((slot) => got.has(slot)), got, blocks);
    } else await this.exact(want);
    // Every other kept slot whose upper bound reaches the k-th exact score, best estimate first.
    const floor = this.top.floor(), rest: number[] = [], passed: number[] = [];
    for (const i of after) if (this.all || c.est[i] + c.err[i] >= floor) rest.push(i);
    for (const i of tail) if (this.all || c.est[i] + c.err[i] >= floor) passed.push(i);
    if (passed.length) rest.push(...passed.sort(byEstimate(c)));
    await this.readRest(rest, got, blocks);
  }

  /**
   * The rest (indices into the kept slots, best estimate first), read in chunks of growing size:
   * each chunk takes only the slots whose upper bound still reaches the k-th exact score as it
   * stands after the chunks before (it only rises), as RaBitQ's re-rank does slot by slot. On
   * near-ties (random vectors: ~1,500 of 2,500 kept pass the first floor at 100k, k 100) most
   * of the tail then drops out before it is read; each chunk is one more store round trip.
   * Chunks are cut by position, so the slots scored do not depend on what early reads brought
   * (those are scored from memory, the others read).
   */
  private async readRest(rest: number[], got: Map<number, number>, blocks: SlabRows[]): Promise<void> {
    const c = this.cand;
    let at = 0;
    for (let size = this.restChunk; at < rest.length; size *= 2) {
      const floor = this.top.floor(), fetched: number[] = [], missing: number[] = [];
      for (const end = Math.min(rest.length, at + size); at < end; at++) {
        const i = rest[at];
        if (this.all || c.est[i] + c.err[i] >= floor) (got.has(c.slot[i]) ? fetched : missing).push(c.slot[i]);
      }
      this.scoreFetched(fetched, got, blocks);
      await this.exact(missing);
    }
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
    const { data, off } = await this.s.searchVectors(slots);
    for (let i = 0; i < slots.length; i++) this.score(slots[i], data[i], off[i]);
  }

  /** Scores `slots` exactly from early reads (`got`: slot → read·2^32 + row). */
  private scoreFetched(slots: number[], got: Map<number, number>, reads: SlabRows[]): void {
    for (const slot of slots) {
      const at = got.get(slot) as number, r = Math.floor(at / ROW_BASE), i = at - r * ROW_BASE;
      this.score(slot, reads[r].data[i], reads[r].off[i]);
    }
  }

  private score(slot: number, half: Uint16Array, off: number): void {
    this.top.push(this.kern.dotHalf(this.q, half, off, this.q.length), slot);
    this.reranked++;
  }

  /** The state's spare table if no other search holds it (saves a 48 KB allocation per query at 384-d). */
  private takeTable(): SketchTable {
    const spare = this.s.spareTable;
    this.s.spareTable = undefined;
    return (spare?.space === this.s.space ? spare : new SketchTable(this.s.space)).fill(this.q);
  }
}
