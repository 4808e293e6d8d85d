// Decoded blocks under a byte budget. LRU via Map insertion order; pinned
// entries (meta, directories, top node pages) are never evicted but do count.

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

  constructor(public budgetBytes: number) {}

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
    this.delete(key);
    if (pin) {
      this.pinned.set(key, { value, bytes });
      this.pinnedBytes += bytes;
    } else {
      this.lru.set(key, { value, bytes });
      this.lruBytes += bytes;
    }
    this.evict();
  }

  delete(key: string): void {
    const p = this.pinned.get(key);
    if (p) {
      this.pinned.delete(key);
      this.pinnedBytes -= p.bytes;
    }
    const e = this.lru.get(key);
    if (e) {
      this.lru.delete(key);
      this.lruBytes -= e.bytes;
    }
  }

  isPinned(key: string): boolean {
    return this.pinned.has(key);
  }

  /** Drops every unpinned entry (memory pressure, or measuring cold reads). */
  dropUnpinned(): void {
    this.lru.clear();
    this.lruBytes = 0;
  }

  clear(): void {
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
    }
  }
}
