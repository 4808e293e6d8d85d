// One named forest ('text' or 'visual') over the library database: opened lazily, created empty
// on first use with the model's dimension, its writes staged for the library's transaction.
import { buildForest, CorruptBlockError, Forest, type BuildControl, type OpenOptions, type SearchHit, type SearchOptions } from '../../src/core/forest';
import type { BlockStore } from '../../src/core/forest/store';
import { StagedForestStore } from '../../src/storage/staged-forest-store';
import type { GlimpseDB } from '../../src/storage/library-store';
import { markFirst } from './search-warmup';

/**
 * Leaves the rest of the phone's memory alone: blocks beyond this are read from IndexedDB on
 * demand. Leaves are not pinned at open: the first search after the app opens must not wait for
 * every leaf; a query reads the few dozen it needs.
 */
const OPEN = { memoryBudgetBytes: 32 << 20, pinLeaves: false };

/** What the worker's navigator says of the device's memory (Chromium only), for vectorRoomBytes. */
export const deviceMemory = (): number | undefined => (globalThis as { navigator?: { deviceMemory?: number } }).navigator?.deviceMemory;

export class ForestSlot {
  private forest: Forest | undefined;
  private readonly store: StagedForestStore;
  /** Generations replaced by a staged reset: deleted once the commit has landed. */
  private stale: string[] = [];

  /** `vectorRoomBytes`: memory beyond the budget for the stored vectors (OpenOptions.vectorRoomBytes), filled after the first search. */
  constructor(db: GlimpseDB, readonly name: string, private readonly vectorRoomBytes = 0) {
    this.store = new StagedForestStore(db, name);
  }

  private get openOptions(): OpenOptions {
    return { ...OPEN, vectorRoomBytes: this.vectorRoomBytes };
  }

  /**
   * True while the stored forest was written by an older build (a block format before the current
   * one): it is rewritten by upgrade(), which the background pass calls with its progress and
   * signal. Meanwhile it is not searched (keyword search still answers), and a write upgrades it
   * first, inline (a write must never start a new forest over the old one's vectors).
   */
  outdated = false;

  async open(): Promise<void> {
    this.store.forgetCached();
    try {
      this.forest = await Forest.open(this.store, this.openOptions);
      this.outdated = false;
    } catch (e) {
      const name = (e as Error).name;
      this.forest = undefined;
      this.outdated = name === 'ForestUpgradeError';
      if (name !== 'ForestNotFoundError' && !this.outdated) throw e;
    }
  }

  /**
   * Rewrites an outdated forest in the current format from its own stored vectors (a new
   * generation; the old one is dropped once the new one is committed), then opens it. An abort
   * leaves the old forest as it was (the next pass starts again). Returns whether it rewrote.
   */
  async upgrade(control: BuildControl = {}): Promise<boolean> {
    // Another tab may have upgraded it since this one looked.
    await this.open();
    if (!this.outdated) return false;
    // It stands alone (no staged writes go with it), so it goes straight to IndexedDB.
    await Forest.upgrade(this.store.direct(), control);
    await this.open();
    return true;
  }

  /** Before a write: an outdated forest is upgraded first. */
  private async current(): Promise<void> {
    if (this.outdated) await this.upgrade();
  }

  get size(): number {
    return this.forest?.size ?? 0;
  }

  /** Stages the add; call take() and commit, or reload() if the commit fails. */
  async stageAdd(id: number, vector: Float32Array): Promise<void> {
    await this.current();
    if (!this.forest) {
      await buildForest(this.store.direct(), { dim: vector.length, ids: [], vectors: new Float32Array(0) }, { seed: 1 });
      await this.open();
    }
    await this.forest!.add([id], vector);
  }

  get dim(): number | undefined {
    return this.forest?.dim;
  }

  /** Stages the image's new vector in place of its old one. Another dimension (a new model)
   *  starts a new, empty forest generation: images not re-indexed yet leave it until they are. */
  async stageReplace(id: number, vector: Float32Array): Promise<void> {
    await this.current();
    if (this.forest && this.forest.dim !== vector.length) await this.stageGeneration(vector.length);
    else if (this.forest?.has(id)) await this.forest.delete([id]);
    await this.stageAdd(id, vector);
  }

  /** Stages a new, empty forest generation of `dim`; the old one stays readable until the commit lands, its blocks go afterwards. */
  private async stageGeneration(dim: number): Promise<void> {
    const deferred: BlockStore = {
      read: (keys) => this.store.read(keys),
      write: (puts, deletes) => this.store.write(puts, deletes),
      deletePrefix: (prefix) => {
        this.stale.push(prefix);
        return Promise.resolve();
      },
    };
    await buildForest(deferred, { dim, ids: [], vectors: new Float32Array(0) }, { seed: 1 });
    this.forest = await Forest.open(this.store, this.openOptions);
  }

  /**
   * Stages many rows of one dimension in the forest's int8 form (an imported batch: `codes` row
   * after row, `scales` making each unit length). A forest of another dimension belongs to other
   * models: rows of the chosen models (`current`) start a new generation, as a re-index does; other
   * models' rows then wait, unstaged, for their re-index (returns false), as the consistency check expects.
   */
  async stageAddRows(ids: readonly number[], codes: Int8Array, scales: Float32Array, dim: number, current: boolean): Promise<boolean> {
    if (ids.length === 0) return true;
    await this.current();
    if (!this.forest) {
      await buildForest(this.store.direct(), { dim, ids: [], vectors: new Float32Array(0) }, { seed: 1 });
      await this.open();
    } else if (this.forest.dim !== dim) {
      if (!current) return false;
      await this.stageGeneration(dim);
    }
    await this.forest!.addQuantized(ids, codes, scales);
    return true;
  }

  /** After the library's transaction landed: drop what a reset replaced. */
  async committed(): Promise<void> {
    const stale = this.stale;
    this.stale = [];
    for (const prefix of stale) await this.store.direct().deletePrefix(prefix);
  }

  async stageDelete(ids: number[]): Promise<void> {
    await this.current();
    // Images awaiting re-index after a model change are not in a new forest yet.
    const present = ids.filter((id) => this.forest?.has(id));
    if (this.forest && present.length > 0) await this.forest.delete(present);
  }

  take(): { name: string; puts: ReturnType<StagedForestStore['take']>['puts']; deletes: string[] } {
    return { name: this.name, ...this.store.take() };
  }

  /** After a failed commit: forget staged writes and re-read what is really stored. */
  async reload(): Promise<void> {
    this.store.take();
    this.stale = [];
    await this.open();
  }

  /** Reads the library again from storage while no tab writes (the library sets it): see search. */
  reread: (() => Promise<void>) | undefined;

  /**
   * k nearest of `vector`. A block the search needs that storage lacks may only mean this copy is
   * behind storage: another tab removed photos and its announcement (tab-sync.ts) has not arrived,
   * so they still count as live here. Before the stored index is called damaged, the library is
   * read again and the search runs once more; a block missing then is missing from storage.
   */
  async search(vector: Float32Array, k: number, options?: SearchOptions): Promise<SearchHit[]> {
    try {
      return await this.searchOnce(vector, k, options);
    } catch (e) {
      if (!(e instanceof CorruptBlockError) || !this.reread) throw e;
      console.warn(`Glimpse: ${e.message} Reading the library again from storage first.`);
      await this.reread();
      return this.searchOnce(vector, k, options);
    }
  }

  private async searchOnce(vector: Float32Array, k: number, options?: SearchOptions): Promise<SearchHit[]> {
    const forest = this.forest;
    if (!forest || forest.size === 0) return [];
    const hits = await forest.search(vector, k, options);
    markFirst('forest-searched'); // the first search reads its leaves from IndexedDB (bench:pipeline prints the marks)
    this.warm(forest);
    return hits;
  }

  /** Forests whose leaves were warmed (or are being): once per opened forest. */
  private readonly warmed = new WeakSet<Forest>();

  /**
   * After a forest's first search has answered, its leaves are read into the cache in the
   * background (within the memory budget, Forest.warmLeaves): the first search did not wait for
   * them, and later ones read no leaf from IndexedDB (the warm searches' tail). Then, where the
   * slab has room (vectorRoomBytes), its stored vectors, so re-ranks read none (Forest.warmVectors).
   */
  private warm(forest: Forest): void {
    if (this.warmed.has(forest)) return;
    this.warmed.add(forest);
    // A failed read is left to the search that needs the block.
    this.warming = forest.warmLeaves().catch(() => 0);
    void this.warming
      .then(() => forest.warmVectors())
      .then((n) => {
        if (n > 0) markFirst('vectors-warm'); // bench:pipeline prints the marks: none when none were read
      })
      .catch(() => {});
  }

  /** The latest warm pass (tests wait on it): how many leaves it pinned. */
  warming: Promise<number> = Promise.resolve(0);

  /**
   * Test hook: the warm pass over the stored vectors on a fresh open of what IndexedDB holds (the
   * engine's range reads, whatever a search left in memory): vectors kept, and live vectors.
   */
  async probeVectorWarm(): Promise<{ kept: number; live: number }> {
    const f = await Forest.open(this.store.direct(), this.openOptions);
    return { kept: await f.warmVectors(), live: f.size };
  }
}
