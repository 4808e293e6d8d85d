import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { vectorKey } from '../../src/core/forest/store.ts';
import { openGlimpseDB } from '../../src/storage/db.ts';
import { IdbForestStore } from '../../src/storage/forest-idb-store.ts';
import { StagedForestStore, VECTOR_CACHE_BYTES } from '../../src/storage/staged-forest-store.ts';

const bytes = (...xs: number[]): Uint8Array => Uint8Array.from(xs);

// The store keeps vector blocks it read (a search re-ranks by them): it must never answer with
// bytes IndexedDB no longer holds.
describe('StagedForestStore vector cache', () => {
  it('answers from what it read, drops a key written through it, and forgets all on forgetCached()', async () => {
    const db = await openGlimpseDB('staged-cache-1');
    const idb = new IdbForestStore(db as never, 'text');
    const staged = new StagedForestStore(db, 'text');
    const v = vectorKey(1, 5), meta = 'g1/m';
    await idb.write([{ key: v, bytes: bytes(1, 2) }, { key: meta, bytes: bytes(9) }]);
    expect(await staged.read([v, meta])).toEqual([bytes(1, 2), bytes(9)]);

    // Written around the store (another tab): the cached vector is still answered, until forgotten.
    await idb.write([{ key: v, bytes: bytes(3, 4) }, { key: meta, bytes: bytes(8) }]);
    expect(await staged.read([v, meta])).toEqual([bytes(1, 2), bytes(8)]);
    staged.forgetCached();
    expect(await staged.read([v])).toEqual([bytes(3, 4)]);

    // Staged through it: the staged bytes, and after the stage is dropped (a failed commit), IndexedDB's.
    await staged.write([{ key: v, bytes: bytes(5, 6) }]);
    expect(await staged.read([v])).toEqual([bytes(5, 6)]);
    staged.take();
    expect(await staged.read([v])).toEqual([bytes(3, 4)]);
    await staged.write([], [v]);
    expect(await staged.read([v])).toEqual([undefined]);
    staged.take();
    await idb.write([], [v]);
    expect(await staged.read([v])).toEqual([undefined]);
    db.close();
  });

  it('keeps at most its byte budget: the least recently read go first', async () => {
    const db = await openGlimpseDB('staged-cache-2');
    const idb = new IdbForestStore(db as never, 'text');
    const staged = new StagedForestStore(db, 'text');
    const size = VECTOR_CACHE_BYTES / 4;
    const keys = [0, 1, 2, 3, 4].map((s) => vectorKey(1, s));
    await idb.write(keys.map((key, i) => ({ key, bytes: new Uint8Array(size).fill(i) })));
    for (const k of keys) await staged.read([k]); // five quarters: the first one is dropped
    await idb.write(keys.map((key) => ({ key, bytes: bytes(7) })));
    const got = await staged.read(keys);
    expect(got[0]).toEqual(bytes(7)); // read again from IndexedDB
    expect(got.slice(1).map((b) => b?.[0])).toEqual([1, 2, 3, 4]); // still cached
    db.close();
  });
});
