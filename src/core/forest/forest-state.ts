// What an open forest keeps resident, and cached access to its blocks.
import { BlockCache } from './block-cache.ts';
import { CorruptBlockError, ForestNotFoundError, ForestUpgradeError, MemoryBudgetError } from './errors.ts';
import { decodeLeaf, leafBytes, type LeafBlock } from './leaf-codec.ts';
import { decodeLeafRows } from './leaf-rows-codec.ts';
import { PackedLeaf, packLeaf, unpackLeaf } from './leaf-pack.ts';
import { copySketchRows, type SketchRows } from './sketch-codec.ts';
import { readMetaBlock, readResident } from './forest-open.ts';
import type { ForestMeta, TreeDir } from './meta-codec.ts';
import { decodePage, type NodePage } from './node-codec.ts';
import { rotationSeed, SketchSpace, type SketchTable } from './sketch.ts';
import { leafKey, rowsKeyOfLeaf, pageKey, vectorKey, type BlockStore } from './store.ts';
import { decodeStoredVector, decodeVector, type VectorBlock } from './vector-codec.ts';
import { VectorSlab, type SlabRows } from './vector-slab.ts';
import { queryRoom, type LeafEntry, type StateOptions } from './state-options.ts';
import { NodeQueue } from './heaps.ts';
import { dropResident, residentLeaf, residentPage } from './resident.ts';

export class ForestState {
  /** Pinned node pages per tree, by page number: the hot path skips the cache map. */
  readonly pinnedPages: (NodePage | undefined)[][];
  /** Pinned leaves per tree, by leaf id: a search's leaf lookups skip the key string and the cache map. */
  private readonly pinnedLeaves: (LeafBlock | PackedLeaf | undefined)[][];
  /** De-duplication bits, one per slot, lent to one search at a time (score.ts). */
  seenBits: Uint32Array;
  /** Leaves in the cache carry their entries' sketch rows (LeafBlock.rows). */
  private expand = false;
  /** Searches currently scoring with seenBits (the first one owns them; see score.ts). */
  seenHolders = 0;
  /** A descent's priority queue, lent to one search at a time (search.ts): it grew 3 times a query. */
  spareQueue: NodeQueue | undefined;
  /** A query table for the sketch estimate, lent to one search at a time (score.ts). */
  spareTable: SketchTable | undefined;
  /** The caller's whole budget; the cache gets what the fixed arrays leave. */
  budgetBytes = Infinity;
  leafReadChunk = 24;
  /** Vectors searches re-ranked, kept for the next (vector-slab.ts); sized at open from what the budget leaves, plus slabRoom. */
  slab = new VectorSlab(0, 0, 0);
  /** Bytes beyond budgetBytes for the slab alone (StateOptions.vectorRoomBytes). */
  slabRoom = 0;

  private constructor(
    readonly store: BlockStore,
    public meta: ForestMeta,
    readonly dirs: TreeDir[],
    public slotToId: Uint32Array,
    /** Per slot: its sketch (sketch-codec.ts), as long as slotToId. Empty below format 4. */
    public sketch: SketchRows,
    readonly cache: BlockCache,
    /** The stored format: below 4 the forest is open only to be upgraded (rebuild.ts). */
    readonly formatVersion: number,
    /** The centroid and rotation of the sketches (format 4). */
    readonly space: SketchSpace,
    /** Sketch rows come with the leaves (StateOptions.sketchInLeaves); the table is empty. */
    readonly sketchInLeaves = false,
  ) {
    this.pinnedPages = dirs.map(() => []);
    this.pinnedLeaves = dirs.map(() => []);
    this.seenBits = new Uint32Array((slotToId.length + 31) >>> 5);
  }

  static async open(store: BlockStore, o: StateOptions): Promise<ForestState> {
    const found = await readMetaBlock(store);
    if (!found) throw new ForestNotFoundError();
    const { meta } = found;
    const legacy = found.version < 4;
    if (legacy && !o.legacy) throw new ForestUpgradeError(found.version);
    const rowsInLeaves = !legacy && o.sketchInLeaves === true;
    const { dirs, slotToId, sketch, centroid } = await readResident(store, meta, legacy, rowsInLeaves);
    const space = new SketchSpace(meta.dim, centroid, rotationSeed(meta.seed));
    const state = new ForestState(store, meta, dirs, slotToId, sketch, new BlockCache(0, dropResident), found.version, space, rowsInLeaves);
    const fixed = state.fixedBytes();
    // Below this a query cannot hold one full leaf per tree at once.
    const needed = fixed + meta.nTrees * leafBytes(meta.leafCapacity);
    if (o.memoryBudgetBytes < needed) throw new MemoryBudgetError(o.memoryBudgetBytes, needed);
    state.budgetBytes = o.memoryBudgetBytes;
    state.slabRoom = Math.max(0, o.vectorRoomBytes ?? 0);
    state.leafReadChunk = o.leafReadChunk;
    state.cache.budgetBytes = o.memoryBudgetBytes - fixed;
    if (o.pinPages === 'roots') await state.pinTopPages(Infinity, 1);
    else await state.pinTopPages(state.cache.budgetBytes * o.pinnedNodeFraction);
    const entries = dirs.reduce((n, d) => n + d.leafSizes.reduce((a, x) => a + x, 0), 0);
    const leafCount = dirs.reduce((n, d) => n + d.leafCount, 0);
    if (!legacy && !rowsInLeaves && o.pinLeaves !== false) {
      // Leaves are 4 bytes an entry: pin as many as the budget holds beside the pages (at 1M ×
      // 384 with a 10 % budget, most of them), keeping room for what one query loads unpinned
      // (two batches of node pages, two leaves per tree). With room for every leaf with its
      // entries' sketch rows (a roomy budget), keep them that way.
      const free = state.cache.budgetBytes - state.cache.pinnedByteCount - queryRoom(meta);
      state.expand = free >= entries * (4 + sketch.stride * 4) + leafCount * leafBytes(0);
      await state.pinLeaves(free);
    }
    if (!legacy) {
      // What pinning left, beyond the room one query needs, holds re-ranked vectors. Leaves read
      // on demand (not pinned) keep first call on it: room for all of them cached stays free.
      const leavesPinned = !rowsInLeaves && o.pinLeaves !== false;
      const leafRoom = leavesPinned ? 0 : entries * (4 + (rowsInLeaves ? sketch.stride * 4 : 0)) + leafCount * leafBytes(0);
      const cap = state.cache.budgetBytes - state.cache.pinnedByteCount - queryRoom(meta) - leafRoom;
      state.slab = new VectorSlab(meta.dim, slotToId.length, Math.min(Math.max(0, cap) + state.slabRoom, (slotToId.length + 256) * (4 + 2 * meta.dim)));
      state.rebudget();
    }
    return state;
  }

  /** Resident arrays outside the cache charged to budgetBytes: slot table, sketch table, dedupe bits, leaf size tables, the vector slab beyond slabRoom. */
  fixedBytes(): number {
    return this.slotToId.byteLength + this.sketch.byteLength + this.seenBits.byteLength + this.dirs.reduce((s, d) => s + d.leafSizes.byteLength, 0) + Math.max(0, this.slab.bytes - this.slabRoom);
  }

  residentBytes(): number {
    return this.fixedBytes() + this.cache.bytes + Math.min(this.slab.bytes, this.slabRoom);
  }

  /**
   * For a state being replaced: every cached block leaves the wasm memory (resident.ts). A search
   * still running on this state reads their JS copies (the pinned tables keep them).
   */
  close(): void {
    this.cache.clear();
  }

  /** Makes room for slots [0, n) in the resident arrays. */
  ensureSlots(n: number): void {
    if (n <= this.slotToId.length) return;
    const cap = Math.max(n, Math.ceil(this.slotToId.length * 1.25));
    const ids = new Uint32Array(cap);
    ids.set(this.slotToId);
    this.slotToId = ids;
    this.sketch = this.sketch.grown(cap);
    // Searches in flight keep their old array (slots beyond it go to their `late` set).
    this.seenBits = new Uint32Array((cap + 31) >>> 5);
    this.slab.ensureSlots(cap);
    this.rebudget();
  }

  /** Recomputes the cache's share after resident arrays grew. */
  rebudget(): void {
    this.cache.budgetBytes = Math.max(0, this.budgetBytes - this.fixedBytes());
  }

  /** Node page from the pinned table or the cache; undefined if it must be fetched. */
  pageIfLoaded(t: number, p: number): NodePage | undefined {
    return this.pinnedPages[t][p] ?? this.cache.get<NodePage>(pageKey(this.meta.generation, t, p));
  }

  /**
   * Loads node pages into the cache and returns them (in `reqs` order): with a budget near the
   * minimum the cache may evict a page as the next one lands, so callers use what this returns
   * rather than looking the pages up again (a descent that did looped forever).
   */
  async loadPages(reqs: readonly { t: number; p: number }[]): Promise<NodePage[]> {
    const g = this.meta.generation;
    const keys = reqs.map((r) => pageKey(g, r.t, r.p));
    const have = new Map<string, NodePage>();
    for (const k of keys) {
      const hit = this.cache.peek<NodePage>(k);
      if (hit) have.set(k, hit);
    }
    const want = [...new Set(keys)].filter((k) => !have.has(k));
    const got = await this.store.read(want);
    got.forEach((b, i) => {
      if (!b) throw new CorruptBlockError(want[i], 'missing');
      // Its normals go into wasm memory once, for every descent that meets it (resident.ts).
      const page = residentPage(decodePage(want[i], b, this.meta.dim));
      have.set(want[i], page);
      this.cache.set(want[i], page, b.byteLength);
    });
    return keys.map((k) => have.get(k) as NodePage);
  }

  async page(t: number, p: number): Promise<NodePage> {
    return this.pageIfLoaded(t, p) ?? (await this.loadPages([{ t, p }]))[0];
  }

  /** Leaf blocks for (tree, leaf) pairs: cache first, the rest in one store read. */
  async leaves(trees: readonly number[], ids: readonly number[]): Promise<LeafBlock[]> {
    const g = this.meta.generation;
    const out: (LeafBlock | undefined)[] = new Array(ids.length);
    const missKeys: string[] = [], missAt: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const hit = this.leafIfLoaded(trees[i], ids[i]);
      if (hit) out[i] = hit;
      else {
        missKeys.push(leafKey(g, trees[i], ids[i]));
        missAt.push(i);
      }
    }
    if (missKeys.length) (await this.readLeaves(missKeys)).forEach((leaf, j) => (out[missAt[j]] = leaf));
    return out as LeafBlock[];
  }

  /**
   * The vector blocks of `slots` (in that order), in one store read. Not cached: a query's
   * candidates are scattered over the whole forest, and an LRU lookup per vector cost more than
   * the read itself on the in-memory store (bench/index-profile.ts).
   */
  async vectors(slots: ArrayLike<number>): Promise<VectorBlock[]> {
    const g = this.meta.generation, d = this.meta.dim;
    const keys = Array.from(slots, (slot) => vectorKey(g, slot));
    const got = await this.store.read(keys);
    return got.map((b, i) => {
      if (!b) throw new CorruptBlockError(keys[i], 'missing');
      return decodeVector(keys[i], b, d);
    });
  }

  /**
   * For a search's re-rank: the float16 vectors of `slots` (in that order), from the slab when it
   * holds them, else from the store in one read (verified, then kept in the slab if it has room).
   */
  async searchVectors(slots: readonly number[]): Promise<SlabRows> {
    const { data, off, grew } = await this.slab.get(slots, (miss) => this.vectors(miss));
    if (grew) this.rebudget();
    return { data, off };
  }

  /** Format 3 or 4: the stored vectors of `slots` as floats (row i of the result), for an upgrade. */
  async storedVectors(slots: ArrayLike<number>): Promise<Float32Array> {
    const g = this.meta.generation, d = this.meta.dim;
    const keys = Array.from(slots, (slot) => vectorKey(g, slot));
    const out = new Float32Array(keys.length * d);
    (await this.store.read(keys)).forEach((b, i) => {
      if (!b) throw new CorruptBlockError(keys[i], 'missing');
      decodeStoredVector(keys[i], b, d, out, i * d);
    });
    return out;
  }

  /**
   * Hands every leaf to `onBlock`: the misses are read in chunks of `chunk` keys, all chunk reads
   * issued at once, then the cached leaves are handed over while those reads run, then each
   * chunk as it completes.
   */
  async streamLeaves(trees: readonly number[], ids: readonly number[], onBlock: (b: LeafBlock) => void, chunk = this.leafReadChunk): Promise<void> {
    const g = this.meta.generation;
    const miss: string[] = [], hits: LeafBlock[] = [];
    for (let i = 0; i < ids.length; i++) {
      const hit = this.leafIfLoaded(trees[i], ids[i]);
      if (hit) hits.push(hit);
      else miss.push(leafKey(g, trees[i], ids[i]));
    }
    // The reads go out first, so the store works while the cached leaves are scored.
    const reads: Promise<void>[] = [];
    for (let c = 0; c < miss.length; c += chunk) {
      const keys = miss.slice(c, c + chunk);
      reads.push(this.readLeaves(keys).then((got) => got.forEach(onBlock)));
    }
    for (const hit of hits) onBlock(hit);
    // Wait for every read before reporting a failure, so no callback runs after the caller gave up.
    const failed = (await Promise.allSettled(reads)).find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  /** Leaf blocks read from the store (with their rows when sketchInLeaves), decoded and cached. */
  private async readLeaves(keys: readonly string[]): Promise<LeafBlock[]> {
    const rowKeys = this.sketchInLeaves ? keys.map(rowsKeyOfLeaf) : [];
    const got = await this.store.read(this.sketchInLeaves ? keys.flatMap((k, j) => [k, rowKeys[j]]) : keys);
    const step = this.sketchInLeaves ? 2 : 1;
    return keys.map((key, j) => {
      const b = got[j * step];
      if (!b) throw new CorruptBlockError(key, 'missing');
      const rows = this.sketchInLeaves ? got[j * step + 1] : undefined;
      if (this.sketchInLeaves && !rows) throw new CorruptBlockError(rowKeys[j], 'missing');
      return this.cacheLeaf(key, b, rows, rowKeys[j]);
    });
  }

  /** A pinned or cached leaf, unpacked if held packed; undefined if it must be read. */
  private leafIfLoaded(t: number, l: number): LeafBlock | undefined {
    const v = this.pinnedLeaves[t][l] ?? this.cache.get<LeafBlock | PackedLeaf>(leafKey(this.meta.generation, t, l));
    return v instanceof PackedLeaf ? { count: v.count, slots: unpackLeaf(v) } : v;
  }

  /** Caches a leaf entry, pinned or not; a pinned one also goes in the direct table. */
  private setLeaf(key: string, e: LeafEntry, pin: boolean): void {
    const value = e.value instanceof PackedLeaf ? e.value : residentLeaf(e.value);
    this.cache.set(key, value, e.cost, pin);
    if (!pin) return;
    // Keys are g<gen>/l/<tree>/<leaf> (store.ts).
    const parts = key.split('/');
    this.pinnedLeaves[Number(parts[2])][Number(parts[3])] = value;
  }

  /** Decodes a leaf read from the store (and its rows, when they come with it) and caches it. */
  private cacheLeaf(key: string, bytes: Uint8Array, rows?: Uint8Array, rowsKey?: string): LeafBlock {
    if (rows && rowsKey) {
      const plain = decodeLeaf(key, bytes, this.meta.dim);
      plain.rows = decodeLeafRows(rowsKey, rows, plain.count, this.meta.dim);
      const leaf = residentLeaf(plain);
      this.cache.set(key, leaf, bytes.byteLength + rows.byteLength);
      return leaf;
    }
    const e = this.leafEntry(key, bytes, false);
    if (e.value instanceof PackedLeaf) {
      this.cache.set(key, e.value, e.cost);
      return e.leaf;
    }
    const leaf = residentLeaf(e.value);
    this.cache.set(key, leaf, e.cost);
    return leaf;
  }

  /**
   * A leaf as the cache keeps it: with its entries' sketch rows when expanding, packed otherwise
   * (leaf-pack.ts); a legacy leaf as decoded. `prev`: the leaf's cached copy before a rewrite.
   */
  private leafEntry(key: string, bytes: Uint8Array, trusted: boolean, prev?: LeafBlock): LeafEntry {
    const leaf = decodeLeaf(key, bytes, this.meta.dim, trusted);
    if (this.expand) leaf.rows = this.sketchRowsOf(leaf.slots, prev);
    if (this.expand || this.formatVersion < 3) return { leaf, value: leaf, cost: bytes.byteLength + (leaf.rows?.byteLength ?? 0) };
    const packed = packLeaf(leaf.slots);
    return { leaf, value: packed, cost: packed.cost };
  }

  /** After a commit rewrote a leaf: its cached copy, if any, is replaced (and stays pinned if it was). */
  recacheLeaf(key: string, bytes: Uint8Array): void {
    const old = this.cache.peek<LeafBlock | PackedLeaf>(key);
    if (!old) return;
    const e = this.leafEntry(key, bytes, true, old instanceof PackedLeaf ? undefined : old);
    this.setLeaf(key, e, this.cache.isPinned(key));
  }

  /** The sketch rows of these slots, in order, reusing `prev`'s (sketch-codec.ts copySketchRows). */
  sketchRowsOf(slots: Uint32Array, prev?: LeafBlock): Uint32Array {
    return copySketchRows(this.sketch, slots, prev);
  }

  /**
   * Pins the leaves the budget holds beside what is pinned, keeping room for one query (as open
   * does with pinLeaves): later searches then read no leaf. For a forest opened without pinning,
   * once its first search is done. Returns the leaves pinned.
   */
  async cacheLeaves(): Promise<number> {
    if (this.formatVersion < 4 || this.sketchInLeaves) return 0;
    return this.pinLeaves(this.cache.budgetBytes - this.cache.pinnedByteCount - queryRoom(this.meta));
  }

  /** Pins leaves, round-robin over trees in leaf order, while they fit in `budget` bytes. */
  private async pinLeaves(budget: number): Promise<number> {
    const g = this.meta.generation, maxLeaves = Math.max(...this.dirs.map((d) => d.leafCount), 0);
    let used = 0, pinned = 0;
    for (let l0 = 0; l0 < maxLeaves; l0 += 64) {
      const keys: string[] = [];
      for (let l = l0; l < Math.min(maxLeaves, l0 + 64); l++) {
        for (let t = 0; t < this.dirs.length; t++) if (l < this.dirs[t].leafCount && !this.pinnedLeaves[t][l]) keys.push(leafKey(g, t, l));
      }
      if (keys.length === 0) continue;
      const got = await this.store.read(keys);
      for (let i = 0; i < keys.length; i++) {
        const b = got[i];
        if (!b) continue; // a missing leaf is left to its search to report (CorruptBlockError)
        let e: LeafEntry;
        try {
          e = this.leafEntry(keys[i], b, false);
        } catch (err) {
          // A damaged leaf is left unpinned: its search reports it.
          if ((err as Error).name !== 'CorruptBlockError') throw err;
          continue;
        }
        if (used + e.cost > budget) return pinned;
        used += e.cost;
        pinned++;
        this.setLeaf(keys[i], e, true);
      }
    }
    return pinned;
  }

  /** Pins node pages in layout order (page 0 = the root's chunk), round-robin over trees, at most `perTree` each. */
  private async pinTopPages(budget: number, perTree = Infinity): Promise<void> {
    const g = this.meta.generation;
    let used = 0;
    const maxPages = Math.min(perTree, Math.max(...this.dirs.map((d) => d.pageCount), 0));
    const step = 8;
    for (let p0 = 0; p0 < maxPages && used < budget; p0 += step) {
      const reqs: { t: number; p: number; key: string }[] = [];
      for (let p = p0; p < Math.min(maxPages, p0 + step); p++) {
        for (let t = 0; t < this.dirs.length; t++) if (p < this.dirs[t].pageCount) reqs.push({ t, p, key: pageKey(g, t, p) });
      }
      const got = await this.store.read(reqs.map((r) => r.key));
      for (let i = 0; i < reqs.length; i++) {
        const b = got[i];
        if (!b) throw new CorruptBlockError(reqs[i].key, 'missing');
        if (used + b.byteLength > budget) return;
        const page = residentPage(decodePage(reqs[i].key, b, this.meta.dim));
        this.cache.set(reqs[i].key, page, b.byteLength, true);
        this.pinnedPages[reqs[i].t][reqs[i].p] = page;
        used += b.byteLength;
      }
    }
  }
}
