// The public face of an open forest: search, add, delete, compact, rebuild.
import { DEFAULT_LEAF_SIZE, type BuildControl, type ForestBuildOptions } from './build.ts';
import { addQuantized, addVectors } from './add.ts';
import { compactLeaves, deleteIds } from './delete.ts';
import { DimensionMismatchError, InvalidArgumentError } from './errors.ts';
import type { SignalLike } from '../errors.ts';
import { ForestState } from './forest-state.ts';
import { TOMBSTONE, type ForestMeta } from './meta-codec.ts';
import { adviseMaintenance, type MaintenanceAdvice } from './policy.ts';
import { rebuildState } from './rebuild.ts';
import { REST_CHUNK, RERANK_BOUND } from './score.ts';
import { searchForest, type SearchHit, type SearchTrace } from './search.ts';
import { fillSlabStep, liveHeld } from './slab-fill.ts';
import { genPrefix, type BlockStore } from './store.ts';
import { fromHalf } from './half.ts';
import { checkRows, quantizeHalfRow } from './vector-math.ts';

export interface OpenOptions {
  /** Resident bytes the forest may hold: slot table + sketch table + dedupe bits + leaf-size tables + block cache. Default 64 MB. */
  memoryBudgetBytes?: number;
  /**
   * Share of the cache reserved for pinned node pages (top levels first). Default 0.8: a descent
   * that meets an unpinned page waits for a store round trip, which costs more than a leaf miss.
   */
  pinnedNodeFraction?: number;
  /** Leaf blocks per store read (reads go out together; scoring overlaps them). Default 24. */
  leafReadChunk?: number;
  /**
   * Pin at open the leaves the budget holds beside the node pages (default true): reads them
   * once, then queries read only vectors for them. False reads each leaf when a query needs it.
   */
  pinLeaves?: boolean;
  /**
   * Each leaf's sketch rows are stored beside it (leafRowsBlocks) and no sketch table is read at
   * open (default false): for a read-only store where each read is a round trip, such as a pack
   * read over HTTP. Such a forest can be searched, not changed.
   */
  sketchInLeaves?: boolean;
  /** Which node pages to pin at open (StateOptions.pinPages): 'budget' (default) or only each tree's 'roots'. */
  pinPages?: 'budget' | 'roots';
  /**
   * Bytes beyond memoryBudgetBytes for the stored vectors alone (default 0): warmVectors reads
   * them into memory within it, so re-ranks read none from the store (StateOptions.vectorRoomBytes).
   */
  vectorRoomBytes?: number;
}

export interface SearchOptions {
  /** Leaf entries to gather before re-ranking (Annoy's search_k). Default max(k·trees, DEFAULT_SEARCH_K). */
  searchK?: number;
  /** Use only the first `trees` trees (fewer reads, lower recall). Default all. */
  trees?: number;
  /**
   * ε, in standard errors of each candidate's sketch estimate: a candidate is re-ranked (its
   * vector read and scored exactly) while its estimate plus ε of its errors could beat the k-th
   * best exact score; the best k + 54 by estimate always are. Default RERANK_BOUND (1.9, as
   * RaBitQ's library); larger is safer and reads more vectors; Infinity re-ranks every candidate.
   */
  rerankBound?: number;
  /**
   * On big searches (EARLY_READ_MIN_ENTRIES leaf entries or more), request the first vectors once
   * shares EARLY_READ_AT of the entries are scored, so the store reads them while the rest are
   * (score.ts). Default true; false waits for every leaf; an array gives other shares. Same answers.
   */
  earlyRead?: boolean | readonly number[];
  /**
   * The re-rank's reads after the first list go in chunks of this many slots, doubling, each
   * filtered by the k-th exact score so far (score.ts, Scorer.readRest). Default REST_CHUNK (128);
   * Infinity reads them in one go against the floor the first list left (the rule before).
   */
  restChunk?: number;
  trace?: SearchTrace;
}

export const DEFAULT_SEARCH_K = 4000;

/** Errors thrown before anything changes: no need to reload state after them. */
const BEFORE_CHANGE = new Set(['DimensionMismatchError', 'NonFiniteVectorError', 'ZeroVectorError', 'InvalidIdError', 'DuplicateIdError', 'UnknownIdError', 'InvalidArgumentError']);

export class Forest {
  private tail: Promise<unknown> = Promise.resolve();
  /** Searches in flight: a rebuild deletes the old generation only after they finish. */
  private readonly inflight = new Set<Promise<unknown>>();

  private constructor(private state: ForestState, private readonly openOptions: Required<OpenOptions>) {}

  static async open(store: BlockStore, options: OpenOptions = {}): Promise<Forest> {
    const o = {
      memoryBudgetBytes: options.memoryBudgetBytes ?? 64 << 20,
      pinnedNodeFraction: options.pinnedNodeFraction ?? 0.8,
      leafReadChunk: options.leafReadChunk ?? 24,
      pinLeaves: options.pinLeaves ?? true,
      sketchInLeaves: options.sketchInLeaves ?? false,
      pinPages: options.pinPages ?? 'budget',
      vectorRoomBytes: options.vectorRoomBytes ?? 0,
    };
    return new Forest(await ForestState.open(store, o), o);
  }

  get dim(): number {
    return this.state.meta.dim;
  }
  get size(): number {
    return this.state.meta.liveCount;
  }
  get nTrees(): number {
    return this.state.meta.nTrees;
  }
  get meta(): Readonly<ForestMeta> {
    return { ...this.state.meta };
  }

  /** k nearest by cosine; fewer when the forest holds fewer live vectors. */
  async search(query: Float32Array, k: number, options: SearchOptions = {}): Promise<SearchHit[]> {
    if (!Number.isInteger(k) || k <= 0) throw new InvalidArgumentError(`k must be a positive integer, got ${k}. Ask for at least one result.`);
    const s = this.state;
    if (query.length !== s.meta.dim) throw new DimensionMismatchError(query.length, s.meta.dim, 'Query');
    checkRows(query, s.meta.dim, 1, 'Query');
    const trees = options.trees ?? s.meta.nTrees;
    if (!Number.isInteger(trees) || trees < 1 || trees > s.meta.nTrees) throw new InvalidArgumentError(`trees must be 1…${s.meta.nTrees}, got ${trees}.`);
    const searchK = Math.max(options.searchK ?? DEFAULT_SEARCH_K, k * trees);
    if (!(searchK > 0)) throw new InvalidArgumentError(`searchK must be positive, got ${options.searchK}.`);
    const bound = options.rerankBound ?? RERANK_BOUND;
    if (!(bound >= 0)) throw new InvalidArgumentError(`rerankBound must be ≥ 0 (Infinity re-ranks every candidate), got ${options.rerankBound}.`);
    if (s.meta.liveCount === 0) return [];
    let ss = 0;
    for (let i = 0; i < query.length; i++) ss += query[i] * query[i];
    const q = new Float32Array(query.length);
    const inv = 1 / Math.sqrt(ss);
    for (let i = 0; i < q.length; i++) q[i] = query[i] * inv;
    const restChunk = options.restChunk ?? REST_CHUNK;
    if (!(restChunk >= 1)) throw new InvalidArgumentError(`restChunk must be ≥ 1 (Infinity reads the rest at once), got ${options.restChunk}.`);
    const run = searchForest(s, q, k, searchK, trees, bound, options.trace, options.earlyRead ?? true, restChunk);
    this.inflight.add(run);
    try {
      return await run;
    } finally {
      this.inflight.delete(run);
    }
  }

  /** O(live slots) scan: ids are not indexed, to keep resident memory at 8 bytes per vector. */
  has(id: number): boolean {
    if (id === TOMBSTONE) return false;
    const ids = this.state.slotToId;
    for (let i = 0; i < this.state.meta.slotCount; i++) if (ids[i] === id) return true;
    return false;
  }

  add(ids: ArrayLike<number>, vectors: Float32Array): Promise<void> {
    return this.exclusive(() => addVectors(this.state, ids, vectors));
  }

  /** Adds rows in the forest's own int8 form (see addQuantized): `scales` make each code unit length. */
  addQuantized(ids: ArrayLike<number>, codes: Int8Array, scales: Float32Array): Promise<void> {
    return this.exclusive(() => addQuantized(this.state, ids, codes, scales));
  }

  /**
   * The rows held for `ids`, in one store read: `unit`, the stored float16 vector as floats (unit
   * length), and its int8 form (`code`, and the scale that makes it unit length, as `addQuantized`
   * takes it); undefined for ids the forest does not hold. Scans the slot table (ids are not indexed).
   */
  vectorsOf(ids: readonly number[]): Promise<({ code: Int8Array; scale: number; unit: Float32Array } | undefined)[]> {
    return this.exclusive(async () => {
      const d = this.state.meta.dim;
      const want = new Map(ids.map((id, i) => [id, i]));
      const at = new Array<number>(ids.length).fill(-1);
      const slotToId = this.state.slotToId;
      for (let slot = 0; slot < this.state.meta.slotCount; slot++) {
        const i = slotToId[slot] === TOMBSTONE ? undefined : want.get(slotToId[slot]);
        if (i !== undefined) at[i] = slot;
      }
      const held = at.filter((slot) => slot >= 0);
      const blocks = await this.state.vectors(held);
      let k = 0;
      return at.map((slot) => {
        if (slot < 0) return undefined;
        const half = blocks[k++]!.half, code = new Int8Array(d), scale = new Float32Array(1);
        quantizeHalfRow(half, 0, d, code, scale);
        return { code, scale: scale[0], unit: Float32Array.from(half, fromHalf) };
      });
    }, false);
  }

  delete(ids: ArrayLike<number>): Promise<void> {
    return this.exclusive(() => deleteIds(this.state, ids));
  }

  /** Drops deleted entries from every leaf. Returns how many entries were removed. */
  compact(): Promise<number> {
    return this.exclusive(() => compactLeaves(this.state));
  }

  maintenanceAdvice(): MaintenanceAdvice {
    return adviseMaintenance(this.state.meta);
  }

  /**
   * Rewrites a forest of format < 4 (Forest.open throws ForestUpgradeError on it) in the current
   * format, from its own stored vectors, with the current default leaf size. Open it afterwards.
   * Writes a new generation, then drops the old.
   */
  static async upgrade(store: BlockStore, control: BuildControl = {}): Promise<void> {
    const s = await ForestState.open(store, { memoryBudgetBytes: 256 << 20, pinnedNodeFraction: 0, leafReadChunk: 24, legacy: true });
    const report = await rebuildState(s, { leafSize: DEFAULT_LEAF_SIZE, leafCapacity: undefined }, control).catch(async (e: unknown) => {
      // Cut short (an abort, a full disk): the new generation's blocks written so far go; the
      // old forest, still the committed one, is untouched and upgraded by the next attempt.
      await store.deletePrefix(genPrefix(s.meta.generation + 1)).catch(() => undefined);
      throw e;
    });
    if (report.previousGeneration !== undefined) await store.deletePrefix(genPrefix(report.previousGeneration));
  }

  /** Rebuilds from the stored vectors into a new generation, then switches to it. */
  rebuild(options: ForestBuildOptions = {}, control: BuildControl = {}): Promise<void> {
    return this.exclusive(async () => {
      const report = await rebuildState(this.state, options, control);
      const old = this.state;
      this.state = await ForestState.open(this.state.store, this.openOptions);
      await Promise.allSettled([...this.inflight]);
      old.close();
      if (report.previousGeneration !== undefined) await this.state.store.deletePrefix(genPrefix(report.previousGeneration));
    });
  }

  /**
   * Pins the leaves the memory budget holds (ForestState.cacheLeaves), so later searches read none:
   * for a forest opened with pinLeaves false, once its first search is answered. Runs between
   * writes (a leaf read before a write landed is never pinned). Returns the leaves pinned.
   */
  warmLeaves(): Promise<number> {
    return this.exclusive(() => this.state.cacheLeaves(), false);
  }

  /**
   * Reads the stored vectors into memory while the vector slab has room (the budget's spare bytes
   * plus OpenOptions.vectorRoomBytes), `chunk` blocks a range read, each read between writes (so a
   * write waits for one chunk at most) and only while no search runs: a search's own vector reads
   * queued behind the pass's were 2–3 times slower (README). Later re-ranks score them from memory.
   * Stops when `signal` aborts or the forest was re-opened (a rebuild, a reload after a failed
   * write); a store without range reads keeps nothing. Returns the vectors kept.
   */
  async warmVectors(chunk = 256, signal?: SignalLike): Promise<number> {
    const start = this.state;
    let after: string | undefined, kept = 0;
    do {
      while (this.inflight.size) await Promise.allSettled([...this.inflight]);
      if (signal?.aborted || this.state !== start) break;
      const step = await this.exclusive(() => (this.state === start ? fillSlabStep(start, after, chunk) : Promise.resolve({ kept: 0, last: undefined })), false);
      kept += step.kept;
      after = step.last;
    } while (after !== undefined);
    return kept;
  }

  /** Bytes held now: resident tables plus the block cache (pinned pages included). */
  residentBytes(): number {
    return this.state.residentBytes();
  }

  /** Frees the block cache except pinned node pages, and the vector slab (e.g. when the app is backgrounded). */
  releaseCache(): void {
    this.state.cache.dropUnpinned();
    this.state.slab.clear();
    this.state.rebudget();
  }

  /** `budgetBytes` includes OpenOptions.vectorRoomBytes; `vectors`: live slots whose vector is held in memory (the slab). */
  cacheStats(): { bytes: number; pinnedBytes: number; budgetBytes: number; hits: number; misses: number; vectors: number } {
    const s = this.state, c = s.cache;
    return { bytes: c.bytes, pinnedBytes: c.pinnedByteCount, budgetBytes: s.budgetBytes + s.slabRoom, hits: c.hits, misses: c.misses, vectors: liveHeld(s) };
  }

  /** Serialises mutations; on failure reloads from the store so memory matches what was committed. */
  private exclusive<T>(fn: () => Promise<T>, mutates = true): Promise<T> {
    if (mutates && this.openOptions.sketchInLeaves) return Promise.reject(new InvalidArgumentError('This forest was opened with its sketches in its leaves (a read-only pack): it can be searched, not changed.'));
    const run = this.tail.then(async () => {
      try {
        return await fn();
      } catch (e) {
        if (BEFORE_CHANGE.has((e as Error).name)) throw e;
        const old = this.state;
        this.state = await ForestState.open(this.state.store, this.openOptions).catch(() => this.state);
        // A search still on the old state reads its blocks' JS copies (resident.ts drop).
        if (this.state !== old) old.close();
        throw e;
      }
    });
    this.tail = run.catch(() => undefined);
    return run;
  }
}
