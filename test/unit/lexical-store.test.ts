// The lexical index's snapshot in IndexedDB (fake-indexeddb): reconciled with the rows at open,
// rebuilt when missing or unusable, written lazily; and the Library that uses it.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildRecord, FULL_OPTIONS, LexicalIndex, BM25_OPTIONS, toSnapshot } from '../../src/core/text/index.ts';
import { openGlimpseDB, type GlimpseDB } from '../../src/storage/library-store.ts';
import { LEXICAL_META_KEY, loadLexicalIndex, SnapshotWriter, writeLexicalSnapshot } from '../../src/storage/lexical-store.ts';
import type { ImageRow } from '../../src/storage/rows.ts';
import type { PreparedImage } from '../../workers/lib/analyze-image.ts';
import { Library } from '../../workers/lib/library.ts';

const models = { captioner: 'test', embedder: 'test' };
const CAPTIONS = [
  'A brown dog runs through the grass .',
  'A man rides a bicycle down the street .',
  'Two girls play on the beach .',
  'A woman in a black dress sits on a bench .',
  'A white dog jumps over a fence .',
  'A child in a red coat holds a kite .',
];
const QUERIES = ['a dog in the grass', 'puppy', 'a man on a bike', 'black dress', 'kids at the seaside', 'kite'];

let dbCount = 0;
const freshName = (): string => `lexical-store-test-${dbCount++}`;

const records = CAPTIONS.map((c) => buildRecord([c], models));

function row(id: number): ImageRow {
  return {
    id,
    sha256: `sha-${id}`,
    name: `photo-${id}.jpg`,
    path: `photo-${id}.jpg`,
    size: 1,
    type: 'image/jpeg',
    width: 1,
    height: 1,
    addedAt: id,
    record: records[id % records.length] as ImageRow['record'],
  };
}

async function putRows(db: GlimpseDB, ids: number[]): Promise<void> {
  const tx = db.transaction('images', 'readwrite');
  await Promise.all([...ids.map((id) => tx.store.put(row(id))), tx.done]);
}

function indexOf(ids: number[]): LexicalIndex {
  const index = new LexicalIndex(FULL_OPTIONS);
  for (const id of ids) index.add(id, row(id).record);
  return index;
}

function expectSame(a: LexicalIndex, b: LexicalIndex): void {
  expect(a.ids().sort((x, y) => x - y)).toEqual(b.ids().sort((x, y) => x - y));
  for (const q of QUERIES) expect(a.search(q, { limit: 10 })).toEqual(b.search(q, { limit: 10 }));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('lexical snapshot store', () => {
  it('rebuilds from the rows without a snapshot, then loads the snapshot and reconciles it with the rows', async () => {
    const db = await openGlimpseDB(freshName());
    await putRows(db, [1, 2, 3, 4, 5]);
    const first = await loadLexicalIndex(db, FULL_OPTIONS);
    expect(first).toMatchObject({ source: 'rebuilt', stale: true, nextId: 0 });
    expectSame(first.index, indexOf([1, 2, 3, 4, 5]));

    await writeLexicalSnapshot(db, toSnapshot(first.index), 6);
    const again = await loadLexicalIndex(db, FULL_OPTIONS);
    expect(again).toMatchObject({ source: 'snapshot', stale: false, added: 0, dropped: 0, nextId: 6 });
    expectSame(again.index, first.index);

    // Rows changed behind the snapshot's back: two added, one removed.
    await putRows(db, [6, 9]);
    await db.delete('images', 2);
    const added = vi.spyOn(LexicalIndex.prototype, 'add');
    const reconciled = await loadLexicalIndex(db, FULL_OPTIONS);
    expect(reconciled).toMatchObject({ source: 'snapshot', stale: true, added: 2, dropped: 1 });
    expect(added.mock.calls.map((c) => c[0]).sort()).toEqual([6, 9]); // only the new rows were analysed
    expectSame(reconciled.index, indexOf([1, 3, 4, 5, 6, 9]));
    db.close();
  });

  it('reads the missing rows in bulk when the snapshot is far behind', async () => {
    const db = await openGlimpseDB(freshName());
    await putRows(db, [1, 2, 3]);
    await writeLexicalSnapshot(db, toSnapshot(indexOf([1, 2, 3])), 4);
    const more = Array.from({ length: 2500 }, (_, i) => i + 10);
    await putRows(db, more);
    const loaded = await loadLexicalIndex(db, FULL_OPTIONS);
    expect(loaded).toMatchObject({ source: 'snapshot', added: 2500, dropped: 0, stale: true });
    expectSame(loaded.index, indexOf([1, 2, 3, ...more]));
    db.close();
  });

  it('falls back to a rebuild for a damaged, old or differently configured snapshot', async () => {
    const db = await openGlimpseDB(freshName());
    await putRows(db, [1, 2, 3]);
    const good = toSnapshot(indexOf([1, 2, 3]));
    const bm25 = new LexicalIndex(BM25_OPTIONS);
    bm25.add(1, row(1).record);
    for (const value of [
      { snapshot: { ...good, version: 1 }, nextId: 4 },
      { snapshot: { ...good, postingSlots: good.postingSlots.map(() => 1e6) }, nextId: 4 },
      { snapshot: toSnapshot(bm25), nextId: 4 },
      'garbage',
      { nextId: 4 },
    ]) {
      await db.put('meta', { key: LEXICAL_META_KEY, value });
      const loaded = await loadLexicalIndex(db, FULL_OPTIONS);
      expect(loaded).toMatchObject({ source: 'rebuilt', stale: true });
      expectSame(loaded.index, indexOf([1, 2, 3]));
    }
    db.close();
  });

  it('takes the snapshot as the writer: a write in flight ends (and its words reach the index) first', async () => {
    const db = await openGlimpseDB(freshName());
    const index = indexOf([1, 2]);
    const stored = async (): Promise<number | undefined> =>
      ((await db.get('meta', LEXICAL_META_KEY))?.value as { nextId?: number } | undefined)?.nextId;
    let nextId = 3;
    let lock: Promise<unknown> = Promise.resolve();
    const guard = (fn: () => Promise<void>): Promise<void> => {
      const run = lock.then(fn);
      lock = run.catch(() => undefined);
      return run;
    };
    // A library write holding the lock: its commit is in flight; it updates the index only at its end.
    let release!: () => void;
    const committed = new Promise<void>((r) => (release = r));
    const write = guard(async () => {
      await committed;
      nextId = 9;
    });
    const writer = new SnapshotWriter(db, () => ({ index, nextId }), { quietMs: 0, maxWaitMs: 0, costFactor: 0 }, guard);
    writer.markDirty();
    const flushed = writer.flush();
    await new Promise((r) => setTimeout(r, 50));
    expect(await stored()).toBeUndefined();
    release();
    await Promise.all([write, flushed]);
    expect(await stored()).toBe(9);
    writer.close();
    db.close();
  });

  it('writes lazily: after a quiet spell, at the latest after maxWait, and at once on flush', async () => {
    const db = await openGlimpseDB(freshName());
    const index = indexOf([1, 2]);
    const stored = async (): Promise<number | undefined> =>
      ((await db.get('meta', LEXICAL_META_KEY))?.value as { nextId?: number } | undefined)?.nextId;
    let nextId = 3;
    const writer = new SnapshotWriter(db, () => ({ index, nextId }), { quietMs: 60, maxWaitMs: 150, costFactor: 0 });
    writer.markDirty();
    expect(await stored()).toBeUndefined();
    await new Promise((r) => setTimeout(r, 200));
    expect(await stored()).toBe(3);
    expect(writer.dirty).toBe(false);

    // Changes every 20 ms never leave 60 ms of quiet: maxWait forces a write anyway.
    nextId = 4;
    const started = Date.now();
    while ((await stored()) !== 4) {
      expect(Date.now() - started).toBeLessThan(2_000);
      writer.markDirty();
      await new Promise((r) => setTimeout(r, 20));
    }
    nextId = 5;
    writer.markDirty();
    await writer.flush();
    expect(await stored()).toBe(5);
    writer.close();
    writer.markDirty();
    await new Promise((r) => setTimeout(r, 100));
    expect(await stored()).toBe(5);
    db.close();
  });
});

function prepared(n: number, captions: string[]): PreparedImage {
  const vector = (seed: number, dim: number): Float32Array =>
    Float32Array.from({ length: dim }, (_, i) => 1 + 0.5 * Math.sin(seed * 7.1 + i)); // all cosines positive
  return {
    sha256: `sha-${n}`,
    meta: { name: `p${n}.jpg`, path: `p${n}.jpg`, type: 'image/jpeg', lastModified: 0 },
    size: 1,
    width: 1,
    height: 1,
    thumb: new Blob([new Uint8Array([n])]),
    record: buildRecord(captions, models),
    textVector: vector(n, 8),
    visualVector: vector(n + 100, 12),
  };
}

describe('Library with a persisted lexical index', () => {
  it('answers the same after reopening, from the snapshot, never reuses an id the snapshot knew, and keeps the visual forest', async () => {
    const name = freshName();
    let library = await Library.open(name);
    const ids: number[] = [];
    for (let i = 0; i < CAPTIONS.length; i++) ids.push(await library.commit(prepared(i, [CAPTIONS[i] as string])));
    await library.remove([ids[ids.length - 1] as number]); // the newest: its id would be next again
    const before = await Promise.all(QUERIES.map((q) => library.searchText(q, undefined, 10)));
    expect(before.flat().length).toBeGreaterThan(0);
    await library.close();

    const stored = await openGlimpseDB(name);
    expect(await stored.get('meta', LEXICAL_META_KEY)).toBeDefined();
    stored.close();

    const added = vi.spyOn(LexicalIndex.prototype, 'add');
    library = await Library.open(name);
    expect(added).not.toHaveBeenCalled(); // no record analysed again: the snapshot was used
    expect(await Promise.all(QUERIES.map((q) => library.searchText(q, undefined, 10)))).toEqual(before);
    const id = await library.commit(prepared(50, ['A cat sleeps on a sofa .']));
    expect(id).toBe((ids[ids.length - 1] as number) + 1);
    expect((await library.searchText('a cat on a couch', undefined, 5))[0]?.id).toBe(id);
    // The visual forest opened lazily for that commit, and kept what it had.
    const first = ids[0] as number;
    const similar = await library.searchVisual((await library.visualVectorOf(first)) as Float32Array, 10, first);
    expect(similar.map((r) => r.id).sort((a, b) => a - b)).toEqual([...ids.slice(1, -1), id]);
    await library.close();
  });
});
