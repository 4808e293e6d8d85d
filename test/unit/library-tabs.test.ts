import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildRecord } from '../../src/core/text/record.ts';
import { storedIds } from '../../workers/lib/id-check.ts';
import { Library } from '../../workers/lib/library.ts';
import type { PreparedImage } from '../../workers/lib/analyze-image.ts';

// Two Library objects on one database stand for two tabs' workers. Each keeps in-memory state
// (forests, lexical index, next id); a write must first catch up with what the other wrote.
const TEXT_DIM = 16;
const VISUAL_DIM = 12;
let dbCount = 0;
const dbName = (): string => `library-tabs-${dbCount++}`;

function vector(dim: number, seed: number): Float32Array {
  return Float32Array.from({ length: dim }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) + 0.1);
}

function image(n: number, caption: string): PreparedImage {
  return {
    sha256: `sha-${n}`,
    meta: { name: `photo-${n}.jpg`, path: `photo-${n}.jpg`, type: 'image/jpeg', lastModified: 0 },
    size: 100,
    width: 10,
    height: 10,
    thumb: new Blob([new Uint8Array([n])], { type: 'image/webp' }),
    record: buildRecord([caption], { captioner: 'test', embedder: 'test' }),
    textVector: vector(TEXT_DIM, n),
    visualVector: vector(VISUAL_DIM, n + 1000),
  };
}

/** Rows, vectors and both stored forests hold exactly the same ids. */
async function expectConsistent(lib: Library, count: number): Promise<void> {
  const s = await storedIds(lib.db);
  const ids = s.images.map((r) => r.id).sort((a, b) => a - b);
  expect(ids).toHaveLength(count);
  expect(new Set(s.images.map((r) => r.sha256)).size).toBe(count);
  expect(s.vectors.slice().sort((a, b) => a - b)).toEqual(ids);
  for (const f of [s.forests.text, s.forests.visual]) expect(f).toEqual({ live: count, missing: [] });
}

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
