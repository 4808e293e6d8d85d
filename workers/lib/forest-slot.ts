// One named forest ('text' or 'visual') over the library database: opened lazily, created empty
// on first use with the model's dimension, its writes staged for the library's transaction.
import { buildForest, Forest, type SearchHit } from '../../src/core/forest';
import { StagedForestStore } from '../../src/storage/staged-forest-store';
import type { GlimpseDB } from '../../src/storage/library-store';

/** Leaves the rest of the phone's memory alone: blocks beyond this are read from IndexedDB on demand. */
const MEMORY_BUDGET = 32 << 20;

export class ForestSlot {
  private forest: Forest | undefined;
  private readonly store: StagedForestStore;

  constructor(db: GlimpseDB, readonly name: string) {
    this.store = new StagedForestStore(db, name);
  }

  async open(): Promise<void> {
    try {
      this.forest = await Forest.open(this.store, { memoryBudgetBytes: MEMORY_BUDGET });
    } catch (e) {
      if ((e as Error).name !== 'ForestNotFoundError') throw e;
      this.forest = undefined;
    }
  }

  get size(): number {
    return this.forest?.size ?? 0;
  }

  /** Stages the add; call take() and commit, or reload() if the commit fails. */
  async stageAdd(id: number, vector: Float32Array): Promise<void> {
    if (!this.forest) {
      await buildForest(this.store.direct(), { dim: vector.length, ids: [], vectors: new Float32Array(0) }, { seed: 1 });
      await this.open();
    }
    await this.forest!.add([id], vector);
  }

  async stageDelete(ids: number[]): Promise<void> {
    if (this.forest) await this.forest.delete(ids);
  }

  take(): { name: string; puts: ReturnType<StagedForestStore['take']>['puts']; deletes: string[] } {
    return { name: this.name, ...this.store.take() };
  }

  /** After a failed commit: forget staged writes and re-read what is really stored. */
  async reload(): Promise<void> {
    this.store.take();
    await this.open();
  }

  search(vector: Float32Array, k: number): Promise<SearchHit[]> {
    if (!this.forest || this.forest.size === 0) return Promise.resolve([]);
    return this.forest.search(vector, k);
  }
}
