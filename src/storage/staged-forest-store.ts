// A forest BlockStore whose writes wait: the forest computes its changes, the library then
// writes them together with the image row in one transaction (an image is fully indexed or not).
// Reads see the staged writes first, so a forest can be replaced (new generation) and then
// changed again before anything reaches IndexedDB.
import { LRUCache } from 'lru-cache';
import type { BlockStore, BlockWrite, PrefixRead } from '../core/forest/store';
import { IdbForestStore } from './forest-idb-store';
import type { GlimpseDB } from './db';

/** Bytes of vector blocks kept in memory (the cache below). */
export const VECTOR_CACHE_BYTES = 8 << 20;

/**
 * Stored vector blocks as read, least recently used dropped past a byte budget. A text search
 * re-ranks about 1,300 candidates by their vectors, read from IndexedDB each time (the forest does
 * not cache them: they are scattered); at 100,000 photos those reads were most of a query's time,
 * and the next keystroke's query wants many of the same. Every key written or deleted through the
 * store is dropped from it, and all of it when the forest is re-opened or written around the stage.
 * lru-cache (isaacs, the npm ecosystem's standard LRU) does the byte budget and the eviction order.
 */
const vectorCache = (): LRUCache<string, Uint8Array> => new LRUCache({ maxSize: VECTOR_CACHE_BYTES, sizeCalculation: (b) => Math.max(1, b.byteLength) });
const isVector = (key: string): boolean => key.includes('/v/');

export class StagedForestStore implements BlockStore {
  private readonly inner: IdbForestStore;
  /** Staged state by key: bytes written, or null when deleted (the last write of a key wins). */
  private overlay = new Map<string, Uint8Array | null>();
  private readonly vectors = vectorCache();

  constructor(db: GlimpseDB, readonly forestName: string) {
    this.inner = new IdbForestStore(db as never, forestName);
  }

  async read(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    const byKey = new Map<string, Uint8Array | undefined>();
    const missing: string[] = [];
    for (const k of keys) {
      if (this.overlay.has(k)) byKey.set(k, this.overlay.get(k) ?? undefined);
      else {
        const hit = isVector(k) ? this.vectors.get(k) : undefined;
        if (hit) byKey.set(k, hit);
        else missing.push(k);
      }
    }
    const fetched = missing.length ? await this.inner.read(missing) : [];
    missing.forEach((k, i) => {
      const b = fetched[i];
      byKey.set(k, b);
      // Not when a write staged it meanwhile: the cache holds what IndexedDB holds.
      if (b && isVector(k) && !this.overlay.has(k)) this.vectors.set(k, b);
    });
    return keys.map((k) => byKey.get(k));
  }

  /**
   * What IndexedDB holds in the range, less the keys a write has staged (a slab fill is a cache:
   * a block being changed is left to the read that needs it).
   */
  async readPrefix(prefix: string, after: string | undefined, count: number): Promise<PrefixRead> {
    const got = await this.inner.readPrefix(prefix, after, count);
    if (!this.overlay.size) return got;
    const keys: string[] = [], blocks: Uint8Array[] = [];
    got.keys.forEach((k, i) => {
      if (!this.overlay.has(k)) {
        keys.push(k);
        blocks.push(got.blocks[i]);
      }
    });
    return { keys, blocks, last: got.last };
  }

  write(puts: readonly BlockWrite[], deletes: readonly string[] = []): Promise<void> {
    for (const p of puts) {
      this.overlay.set(p.key, p.bytes);
      this.vectors.delete(p.key);
    }
    for (const k of deletes) {
      this.overlay.set(k, null);
      this.vectors.delete(k);
    }
    return Promise.resolve();
  }

  deletePrefix(prefix: string): Promise<void> {
    this.vectors.clear();
    return this.inner.deletePrefix(prefix);
  }

  /** Writes straight through (forest creation and maintenance, which stand alone). */
  direct(): BlockStore {
    this.vectors.clear();
    return this.inner;
  }

  /** Forgets cached vector blocks: call before the forest is opened again (another tab, or a clear, wrote it). */
  forgetCached(): void {
    this.vectors.clear();
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
