import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { vectorKey } from '../../src/core/forest/store.ts';
import { FOREST_BLOCKS } from '../../src/storage/forest-idb-store.ts';
import { Library } from '../../workers/lib/library.ts';
import { image, TEXT_DIM, vector, VISUAL_DIM } from './library-fixture.ts';

// A worker's copy of the library can be behind storage: another tab removed photos and its
// announcement has not arrived yet. That copy still counts them as live, and their vector blocks
// are gone from storage. A search must then read the library again, not call the stored index damaged.
let n = 0;

describe('a search on a copy of the library that is behind storage', () => {
  it('reads the library again and answers without the photos removed elsewhere', async () => {
    const name = `stale-view-${n++}`;
    const a = await Library.open(name);
    const ids = [await a.commit(image(1, 'a red bicycle')), await a.commit(image(2, 'a green boat')), await a.commit(image(3, 'a yellow kite'))];
    const b = await Library.open(name);
    await a.remove([ids[2]!]);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    // No b.sync(): the announcement is still on its way.
    const text = await b.searchText('kite', vector(TEXT_DIM, 3), 5);
    expect(text.map((r) => r.id).sort()).toEqual([ids[0], ids[1]].sort());
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toContain('Reading the library again from storage');
    // The visual forest was read again with it: its search finds no removed photo either.
    expect((await b.searchVisual(vector(VISUAL_DIM, 1003), 3)).map((r) => r.id)).not.toContain(ids[2]);
    warn.mockRestore();
    a.db.close();
    b.db.close();
  });

  it('still reports a block missing from storage itself as damage', async () => {
    const name = `stale-view-${n++}`;
    const a = await Library.open(name);
    for (let i = 1; i <= 3; i++) await a.commit(image(i, `photo number ${i}`));
    // A vector block lost from storage (not a removal: every copy counts its photo as live).
    const tx = a.db.transaction(FOREST_BLOCKS, 'readwrite');
    await tx.objectStore(FOREST_BLOCKS).delete(['text', vectorKey(1, 1)]);
    await tx.done;
    const b = await Library.open(name);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await expect(b.searchText('photo', vector(TEXT_DIM, 2), 5)).rejects.toMatchObject({ name: 'CorruptBlockError' });
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
    a.db.close();
    b.db.close();
  });
});
