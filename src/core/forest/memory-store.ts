// In-memory BlockStore for Node tests and benchmarks. write() takes ownership of the
// bytes (the forest never touches a block after writing it; copying every block cost
// ~12 % of an add); reads return the stored bytes, read-only by contract.
import type { BlockStore, BlockWrite, PrefixRead } from './store.ts';

export class MemoryBlockStore implements BlockStore {
  private readonly blocks = new Map<string, Uint8Array>();
  reads = 0;
  writes = 0;

  read(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    this.reads += keys.length;
    return Promise.resolve(keys.map((k) => this.blocks.get(k)));
  }

  write(puts: readonly BlockWrite[], deletes: readonly string[] = []): Promise<void> {
    this.writes += puts.length;
    for (const { key, bytes } of puts) this.blocks.set(key, bytes);
    for (const k of deletes) this.blocks.delete(k);
    return Promise.resolve();
  }

  deletePrefix(prefix: string): Promise<void> {
    for (const k of [...this.blocks.keys()]) if (k.startsWith(prefix)) this.blocks.delete(k);
    return Promise.resolve();
  }

  readPrefix(prefix: string, after: string | undefined, count: number): Promise<PrefixRead> {
    // Sorted as IndexedDB sorts strings (code units: JavaScript's own < on strings).
    const keys = [...this.blocks.keys()].filter((k) => k.startsWith(prefix) && (after === undefined || k > after)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, count);
    this.reads += keys.length;
    return Promise.resolve({ keys, blocks: keys.map((k) => this.blocks.get(k) as Uint8Array), last: keys.at(-1) });
  }

  /** Total stored bytes (for bytes-per-vector figures). */
  byteSize(prefix = ''): number {
    let n = 0;
    for (const [k, b] of this.blocks) if (k.startsWith(prefix)) n += b.byteLength;
    return n;
  }

  keys(): string[] {
    return [...this.blocks.keys()];
  }

  /** Test hook: direct access to a stored block (e.g. to flip a bit). */
  raw(key: string): Uint8Array | undefined {
    return this.blocks.get(key);
  }
}
