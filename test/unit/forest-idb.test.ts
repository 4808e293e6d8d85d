import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { buildForest, Forest, MemoryBlockStore } from '../../src/core/forest/index.ts';
import { IdbForestStore, openForestDatabase } from '../../src/storage/forest-idb-store.ts';
import { clustered, row } from './forest-fixture.ts';

const DIM = 24;
const base = clustered(600, DIM, 21);
const ids = Array.from({ length: 600 }, (_, i) => 10 * i + 3);
const opts = { nTrees: 3, leafSize: 15, leafCapacity: 24, seed: 9 };
let dbCount = 0;

describe('forest on IndexedDB (fake-indexeddb)', () => {
  it('answers exactly like the memory store, and survives closing the database', async () => {
    const name = `forest-test-${dbCount++}`;
    const mem = new MemoryBlockStore();
    await buildForest(mem, { dim: DIM, ids, vectors: base }, opts);
    let db = await openForestDatabase(name);
    await buildForest(new IdbForestStore(db, 'text'), { dim: DIM, ids, vectors: base }, { ...opts }, { writeBatchBytes: 4096 });
    const a = await Forest.open(mem);
    let b = await Forest.open(new IdbForestStore(db, 'text'), { memoryBudgetBytes: 64 * 1024 });
    for (let q = 0; q < 600; q += 60) expect(await b.search(row(base, DIM, q), 7, { searchK: 200 })).toEqual(await a.search(row(base, DIM, q), 7, { searchK: 200 }));

    await b.add([1, 2], base.subarray(0, 2 * DIM));
    await b.delete([3, 13]);
    db.close();
    db = await openForestDatabase(name);
    b = await Forest.open(new IdbForestStore(db, 'text'));
    expect(b.size).toBe(600);
    const hits = await b.search(row(base, DIM, 0), 3);
    expect(hits.map((h) => h.id)).toContain(1);
    expect(hits.map((h) => h.id)).not.toContain(3);
    db.close();
  });

  it('keeps two forests in one database apart, and clears old generations on rebuild', async () => {
    const db = await openForestDatabase(`forest-test-${dbCount++}`);
    const text = new IdbForestStore(db, 'text'), visual = new IdbForestStore(db, 'visual');
    await buildForest(text, { dim: DIM, ids, vectors: base }, opts);
    await buildForest(visual, { dim: 8, ids: [1, 2, 3], vectors: new Float32Array(24).map((_, i) => (i % 5) + 1) });
    const ft = await Forest.open(text), fv = await Forest.open(visual);
    expect([ft.dim, ft.size, fv.dim, fv.size]).toEqual([DIM, 600, 8, 3]);
    const keysOf = async (forest: string): Promise<string[]> => (await db.getAllKeys('forest-blocks')).map((k) => k as [string, string]).filter((k) => k[0] === forest).map((k) => k[1]);
    const before = (await keysOf('text')).filter((k) => k.startsWith('g1/')).length;
    expect(before).toBeGreaterThan(3);
    await ft.rebuild();
    const after = await keysOf('text');
    expect(after.filter((k) => k.startsWith('g1/'))).toEqual([]);
    expect(after.filter((k) => k.startsWith('g2/')).length).toBeGreaterThan(3);
    expect((await keysOf('visual')).length).toBeGreaterThan(0);
    expect(ft.size).toBe(600);
    db.close();
  });

  it('gives the same answers to concurrent searches as to sequential ones, also during an add', async () => {
    const db = await openForestDatabase(`forest-test-${dbCount++}`);
    const store = new IdbForestStore(db, 'text');
    await buildForest(store, { dim: DIM, ids: ids.slice(0, 500), vectors: base.subarray(0, 500 * DIM) }, opts);
    const f = await Forest.open(store, { memoryBudgetBytes: 48 * 1024 });
    const qs = Array.from({ length: 24 }, (_, i) => row(base, DIM, i * 20));
    const seq = [];
    for (const q of qs) seq.push(await f.search(q, 10, { searchK: 300 }));
    f.releaseCache();
    const par = await Promise.all(qs.map((q) => f.search(q, 10, { searchK: 300 })));
    expect(par).toEqual(seq);
    const during = Promise.all(qs.map((q) => f.search(q, 10, { searchK: 300 })));
    await f.add(ids.slice(500), base.subarray(500 * DIM));
    for (const hits of await during) expect(new Set(hits.map((h) => h.id)).size).toBe(hits.length);
    expect(f.size).toBe(600);
    // A root that is a leaf splits under searches that already read the old root.
    const tiny = new IdbForestStore(db, 'tiny');
    await buildForest(tiny, { dim: DIM, ids: ids.slice(0, 5), vectors: base.subarray(0, 5 * DIM) }, opts);
    const ft = await Forest.open(tiny);
    let adding = true;
    const add = ft.add(ids.slice(5, 300), base.subarray(5 * DIM, 300 * DIM)).finally(() => (adding = false));
    const racing: Promise<unknown>[] = [];
    while (adding) {
      racing.push(ft.search(qs[racing.length % qs.length], 3));
      await new Promise((r) => setTimeout(r, 0));
    }
    await add;
    expect(racing.length).toBeGreaterThan(1);
    await Promise.all(racing); // none may fail on blocks the add has not committed yet
    expect((await ft.search(row(base, DIM, 250), 1))[0].id).toBe(ids[250]);
    db.close();
  });

  it('reports a corrupted IndexedDB block as CorruptBlockError', async () => {
    const db = await openForestDatabase(`forest-test-${dbCount++}`);
    const store = new IdbForestStore(db, 'text');
    await buildForest(store, { dim: DIM, ids, vectors: base }, opts);
    const key = ['text', 'g1/l/0/0'];
    const buf = new Uint8Array((await db.get('forest-blocks', key)) as ArrayBuffer);
    buf[buf.length - 1] ^= 4;
    await db.put('forest-blocks', buf.buffer, key);
    const f = await Forest.open(store);
    await expect(f.search(row(base, DIM, 0), 5, { searchK: 1e9 })).rejects.toMatchObject({ name: 'CorruptBlockError' });
    db.close();
  });
});
