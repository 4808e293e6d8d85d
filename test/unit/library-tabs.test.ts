import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Library } from '../../workers/lib/library.ts';
import { expectConsistent, image, vector, VISUAL_DIM } from './library-fixture.ts';

// Two Library objects on one database stand for two tabs' workers. Each keeps in-memory state
// (forests, lexical index, next id); a write must first catch up with what the other wrote.
let dbCount = 0;
const dbName = (): string => `library-tabs-${dbCount++}`;

/** A minimal Web Locks stand-in: one holder at a time per name (shared taken as exclusive). */
function fakeLocks(): { request: (name: string, _o: unknown, fn: () => Promise<unknown>) => Promise<unknown> } {
  const tails = new Map<string, Promise<unknown>>();
  return {
    request(name, _o, fn) {
      const run = (tails.get(name) ?? Promise.resolve()).then(fn);
      tails.set(name, run.catch(() => undefined));
      return run;
    },
  };
}

describe('Library across tabs (fake-indexeddb)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('a stale tab writes after catching up: new ids, both forests and the lexical index current', async () => {
    const name = dbName();
    const a = await Library.open(name);
    const b = await Library.open(name);
    const idA = await a.commit(image(1, 'a red bicycle leaning on a brick wall'));
    // B opened before A's write: without catching up it would reuse A's id and A's forest blocks.
    const idB = await b.commit(image(2, 'two dogs playing in the snow'));
    expect(idB).not.toBe(idA);
    await expectConsistent(a, 2);
    // B's lexical index learnt A's row on the way.
    expect((await b.searchText('bicycle', undefined, 5)).map((r) => r.id)).toEqual([idA]);
    // A reads after sync(): it sees B's image, by words and by vector.
    await a.sync();
    expect((await a.searchText('dogs snow', undefined, 5)).map((r) => r.id)).toEqual([idB]);
    expect((await a.searchVisual(vector(VISUAL_DIM, 1002), 1)).map((r) => r.id)).toEqual([idB]);
    a.db.close();
    b.db.close();
  });

  it('removals in one tab reach the other; removing what is gone already is a no-op', async () => {
    const name = dbName();
    const a = await Library.open(name);
    const b = await Library.open(name);
    const [id1, id2] = [await a.commit(image(1, 'a red bicycle')), await a.commit(image(2, 'a green boat'))];
    await b.remove([id1]);
    await a.remove([id1, id2]); // id1 is gone already: only id2 is removed, without an error
    await expectConsistent(b, 0);
    const id3 = await b.commit(image(3, 'a yellow kite on a beach'));
    expect([id1, id2]).not.toContain(id3);
    await a.sync();
    expect((await a.searchText('bicycle', undefined, 5)).length).toBe(0);
    expect((await a.searchText('kite', undefined, 5)).map((r) => r.id)).toEqual([id3]);
    await expectConsistent(a, 1);
    a.db.close();
    b.db.close();
  });

  it('the same file committed by both tabs is stored once (DuplicateImageError for the second)', async () => {
    const name = dbName();
    const a = await Library.open(name);
    const b = await Library.open(name);
    await a.commit(image(7, 'a cat on a sofa'));
    await expect(b.commit(image(7, 'a cat on a sofa'))).rejects.toMatchObject({ name: 'DuplicateImageError' });
    await expectConsistent(b, 1);
    a.db.close();
    b.db.close();
  });

  it('concurrent writers under the write lock never clash', async () => {
    vi.stubGlobal('navigator', { locks: fakeLocks() });
    const name = dbName();
    const a = await Library.open(name);
    const b = await Library.open(name);
    const ids = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => (n % 2 ? a : b).commit(image(n, `photo number ${n}`))));
    expect(new Set(ids).size).toBe(6);
    await expectConsistent(a, 6);
    await Promise.all([a.remove([ids[0]!, ids[1]!]), b.remove([ids[1]!, ids[2]!])]);
    await expectConsistent(b, 3);
    a.db.close();
    b.db.close();
  });
});
