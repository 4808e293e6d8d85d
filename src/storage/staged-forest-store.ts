// A forest BlockStore whose writes wait: the forest computes its changes, the library then
// writes them together with the image row in one transaction (an image is fully indexed or not).
// Reads see the staged writes first, so a forest can be replaced (new generation) and then
// changed again before anything reaches IndexedDB.
import type { BlockStore, BlockWrite } from '../core/forest/store';
import { IdbForestStore } from './forest-idb-store';
import type { GlimpseDB } from './db';

export class StagedForestStore implements BlockStore {
  private readonly inner: IdbForestStore;
  /** Staged state by key: bytes written, or null when deleted (the last write of a key wins). */
  private overlay = new Map<string, Uint8Array | null>();

  constructor(db: GlimpseDB, readonly forestName: string) {
    this.inner = new IdbForestStore(db as never, forestName);
  }

  async read(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    if (this.overlay.size === 0) return this.inner.read(keys);
    const missing = keys.filter((k) => !this.overlay.has(k));
    const fetched = missing.length ? await this.inner.read(missing) : [];
    const byKey = new Map(missing.map((k, i) => [k, fetched[i]]));
    return keys.map((k) => (this.overlay.has(k) ? (this.overlay.get(k) ?? undefined) : byKey.get(k)));
  }

  write(puts: readonly BlockWrite[], deletes: readonly string[] = []): Promise<void> {
    for (const p of puts) this.overlay.set(p.key, p.bytes);
    for (const k of deletes) this.overlay.set(k, null);
    return Promise.resolve();
  }

  deletePrefix(prefix: string): Promise<void> {
    return this.inner.deletePrefix(prefix);
  }

  /** Writes straight through (forest creation and maintenance, which stand alone). */
  direct(): BlockStore {
    return this.inner;
  }

  /** The net effect of everything staged since the last take (and forgets it). */
  take(): { puts: BlockWrite[]; deletes: string[] } {
    const puts: BlockWrite[] = [];
    const deletes: string[] = [];
    for (const [key, bytes] of this.overlay) {
      if (bytes) puts.push({ key, bytes });
      else deletes.push(key);
    }
    this.overlay = new Map();
    return { puts, deletes };
  }
}
