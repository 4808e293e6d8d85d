import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FOREST_BLOCKS } from '../../src/storage/forest-idb-store.ts';
import { listPage } from '../../src/storage/library-pages.ts';
import { checkLibrary } from '../../workers/lib/consistency.ts';
import { Library } from '../../workers/lib/library.ts';
import type { LibraryChange } from '../../workers/lib/tab-sync.ts';
import { expectConsistent, image, vector, VISUAL_DIM } from './library-fixture.ts';

// "Clear all" in the worker (fake-indexeddb): rows, thumbnails, vectors and both forests go in one
// transaction; other tabs hear it as a removal and catch up; indexing afterwards starts new forests.
let dbCount = 0;

/** Library changes announced on the tabs' channel while `fn` runs. */
async function announced(fn: () => Promise<void>): Promise<LibraryChange[]> {
  const channel = new BroadcastChannel('glimpse');
  const seen: LibraryChange[] = [];
  channel.onmessage = (e: MessageEvent<LibraryChange>) => seen.push(e.data);
  try {
    await fn();
    await new Promise((r) => setTimeout(r, 50));
    return seen;
  } finally {
    channel.close();
  }
}

describe('Library.clear', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('removes every image, vector, thumbnail and both forests at once, and says which ids went', async () => {
    const name = `clear-${dbCount++}`;
    const a = await Library.open(name);
    const ids: number[] = [];
    for (let n = 1; n <= 6; n++) ids.push(await a.commit(image(n, `a red bicycle number ${n}`)));
    // File handles sit beside the rows (no real handle in Node: the key is what counts).
    await Promise.all(ids.map((id) => a.db.put('handles', undefined, id)));
    const b = await Library.open(name);
    expect((await b.searchText('bicycle', undefined, 10)).length).toBe(6);

    const changes = await announced(() => a.clear());
    expect(changes.filter((c) => c.kind === 'removed').map((c) => [...c.ids].sort((x, y) => x - y))).toEqual([ids]);
    await expectConsistent(a, 0);
    expect(await a.db.count('thumbs')).toBe(0);
    expect(await a.db.count('handles')).toBe(0);
    expect(await a.db.count(FOREST_BLOCKS)).toBe(0);
    expect((await checkLibrary(a.db)).problems).toEqual([]);
    expect(await listPage(a.db, { limit: 10 })).toEqual({ items: [] });
    expect(await a.searchText('bicycle', undefined, 10)).toEqual([]);
    expect(await a.searchVisual(vector(VISUAL_DIM, 1001), 5)).toEqual([]);

    // The other tab catches up (nothing left to find), then both index again: new forests, new ids.
    await b.sync();
    expect(await b.searchText('bicycle', undefined, 10)).toEqual([]);
    const idB = await b.commit(image(20, 'two dogs playing in the snow'));
    const idA = await a.commit(image(21, 'a yellow kite on a beach'));
    expect(ids).not.toContain(idB);
    expect(ids).not.toContain(idA);
    await expectConsistent(a, 2);
    expect((await checkLibrary(a.db)).problems).toEqual([]);
    await a.sync();
    expect((await a.searchText('dogs snow', undefined, 5)).map((r) => r.id)).toEqual([idB]);
    expect((await a.searchVisual(vector(VISUAL_DIM, 1020), 1)).map((r) => r.id)).toEqual([idB]);
    a.db.close();
    b.db.close();
  });

  it('clearing an empty library changes nothing and announces nothing', async () => {
    const a = await Library.open(`clear-${dbCount++}`);
    expect(await announced(() => a.clear())).toEqual([]);
    await expectConsistent(a, 0);
    const id = await a.commit(image(1, 'a cat on a sofa'));
    expect((await a.searchText('cat', undefined, 5)).map((r) => r.id)).toEqual([id]);
    a.db.close();
  });

  it('queued files stay: clear all removes photos, not the indexing queue', async () => {
    const a = await Library.open(`clear-${dbCount++}`);
    await a.commit(image(1, 'a boat on a lake'));
    await a.db.add('queue', { file: new Blob([new Uint8Array([1])]), name: 'q.jpg', path: 'q.jpg', type: 'image/jpeg', lastModified: 0, size: 1, queuedAt: 0 });
    await a.clear();
    expect(await a.db.count('queue')).toBe(1);
    expect(await a.db.count('images')).toBe(0);
    a.db.close();
  });
});
