// A forest BlockStore whose writes wait: the forest computes its changes, the library then
// writes them together with the image row in one transaction (an image is fully indexed or not).
import type { BlockStore, BlockWrite } from '../core/forest/store';
import { IdbForestStore } from './forest-idb-store';
import type { GlimpseDB } from './db';

export class StagedForestStore implements BlockStore {
  private readonly inner: IdbForestStore;
  puts: BlockWrite[] = [];
  deletes: string[] = [];

  constructor(db: GlimpseDB, readonly forestName: string) {
    this.inner = new IdbForestStore(db as never, forestName);
  }

  read(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    return this.inner.read(keys);
  }

  write(puts: readonly BlockWrite[], deletes: readonly string[] = []): Promise<void> {
    this.puts.push(...puts);
    this.deletes.push(...deletes);
    return Promise.resolve();
  }

  deletePrefix(prefix: string): Promise<void> {
    return this.inner.deletePrefix(prefix);
  }

  /** Writes straight through (forest creation and maintenance, which stand alone). */
  direct(): BlockStore {
    return this.inner;
  }

  take(): { puts: BlockWrite[]; deletes: string[] } {
    const staged = { puts: this.puts, deletes: this.deletes };
    this.puts = [];
    this.deletes = [];
    return staged;
  }
}
