// Decoded blocks under a byte budget. LRU via Map insertion order; pinned
// entries (meta, directories, top node pages) are never evicted but do count. `onDrop` hears of
// every value the cache lets go of (evicted, deleted, replaced, cleared): resident.ts frees its
// wasm memory then.

interface Entry<V> {
  value: V;
  bytes: number;
}

export class BlockCache {
  private readonly lru = new Map<string, Entry<unknown>>();
  private readonly pinned = new Map<string, Entry<unknown>>();
  private lruBytes = 0;
  private pinnedBytes = 0;
  hits = 0;
  misses = 0;

  constructor(
    public budgetBytes: number,
    private readonly onDrop: (value: unknown) => void = () => {},
  ) {}

  get<V>(key: string): V | undefined {
    const p = this.pinned.get(key);
    if (p) return p.value as V;
    const e = this.lru.get(key);
    if (!e) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.lru.delete(key);
    this.lru.set(key, e);
    return e.value as V;
  }

  /** Like get() but does not touch recency or counters. */
  peek<V>(key: string): V | undefined {
    return (this.pinned.get(key)?.value ?? this.lru.get(key)?.value) as V | undefined;
  }

  set(key: string, value: unknown, bytes: number, pin = false): void {
    this.delete(key, value);
    if (pin) {
      this.pinned.set(key, { value, bytes });
      this.pinnedBytes += bytes;
    } else {
      this.lru.set(key, { value, bytes });
      this.lruBytes += bytes;
    }
    this.evict();
  }

  /** Drops `key` (`keep`: a value set again under it, not dropped). */
  delete(key: string, keep?: unknown): void {
    const p = this.pinned.get(key);
    if (p) {
      this.pinned.delete(key);
      this.pinnedBytes -= p.bytes;
      if (p.value !== keep) this.onDrop(p.value);
    }
    const e = this.lru.get(key);
    if (e) {
      this.lru.delete(key);
      this.lruBytes -= e.bytes;
      if (e.value !== keep) this.onDrop(e.value);
    }
  }

  isPinned(key: string): boolean {
    return this.pinned.has(key);
  }

  /** Drops every unpinned entry (memory pressure, or measuring cold reads). */
  dropUnpinned(): void {
    for (const e of this.lru.values()) this.onDrop(e.value);
    this.lru.clear();
    this.lruBytes = 0;
  }

  clear(): void {
    for (const e of this.lru.values()) this.onDrop(e.value);
    for (const e of this.pinned.values()) this.onDrop(e.value);
    this.lru.clear();
    this.pinned.clear();
    this.lruBytes = this.pinnedBytes = 0;
  }

  get bytes(): number {
    return this.lruBytes + this.pinnedBytes;
  }

  get pinnedByteCount(): number {
    return this.pinnedBytes;
  }

  private evict(): void {
    const room = this.budgetBytes - this.pinnedBytes;
    for (const [k, e] of this.lru) {
      if (this.lruBytes <= room) break;
      this.lru.delete(k);
      this.lruBytes -= e.bytes;
      this.onDrop(e.value);
    }
  }
}
