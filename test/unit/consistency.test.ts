import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeLeaf, encodeLeaf } from '../../src/core/forest/leaf-codec.ts';
import { decodeDir, decodeMeta, decodeSlots, encodeDir, encodeMeta, encodeSlots } from '../../src/core/forest/meta-codec.ts';
import { buildRecord } from '../../src/core/text/record.ts';
import { MIGRATIONS, openGlimpseDB, type GlimpseDB, type Migration } from '../../src/storage/db.ts';
import { FOREST_BLOCKS } from '../../src/storage/forest-idb-store.ts';
import { enqueue } from '../../src/storage/queue-store.ts';
import { checkLibrary, type ProblemKind } from '../../workers/lib/consistency.ts';
import { Library } from '../../workers/lib/library.ts';

// The consistency check on real libraries in fake-indexeddb (the same code the worker runs),
// each deliberately broken in one way: the check must name that way.
const TEXT_DIM = 16, VISUAL_DIM = 24;
let dbCount = 0;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

const fileBytes = (i: number): Uint8Array<ArrayBuffer> => new TextEncoder().encode(`photo number ${i}`);
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

async function addImage(lib: Library, i: number, bytes: Uint8Array = fileBytes(i)): Promise<number> {
  const r = rng(i + 1);
  return lib.commit({
    sha256: sha(bytes),
    meta: { name: `photo-${i}.jpg`, path: `photo-${i}.jpg`, type: 'image/jpeg', lastModified: 1_600_000_000_000 + i },
    size: bytes.length,
    width: 64,
    height: 48,
    thumb: new Blob([new Uint8Array([i, 1, 2, 3])], { type: 'image/webp' }),
    record: buildRecord([`a dog number ${i} runs on the grass`], { captioner: 'c', embedder: 'e' }),
    textVector: Float32Array.from({ length: TEXT_DIM }, r),
    visualVector: Float32Array.from({ length: VISUAL_DIM }, r),
  });
}

/** A library of `n` images (ids 1…n) and one queued file not yet indexed. */
async function makeLibrary(n = 4, name = `check-${dbCount++}`): Promise<{ lib: Library; db: GlimpseDB; name: string }> {
  const lib = await Library.open(name);
  for (let i = 1; i <= n; i++) await addImage(lib, i);
  await enqueue(lib.db, [{ file: new Blob([fileBytes(100)]), name: 'waiting.jpg', path: 'waiting.jpg', type: 'image/jpeg', lastModified: 0, size: 16, queuedAt: 0 }]);
  return { lib, db: lib.db, name };
}

type Blocks = { get(key: string): Promise<Uint8Array>; put(key: string, bytes: Uint8Array): Promise<void>; del(key: string): Promise<void>; keys(): Promise<string[]> };

/** Raw access to one forest's blocks, below the Forest class. */
function blocks(db: GlimpseDB, forest: string): Blocks {
  return {
    get: async (key) => new Uint8Array((await db.get(FOREST_BLOCKS, [forest, key]))!),
    put: async (key, bytes) => void (await db.put(FOREST_BLOCKS, bytes.slice().buffer, [forest, key])),
    del: (key) => db.delete(FOREST_BLOCKS, [forest, key]),
    keys: async () => (await db.getAllKeys(FOREST_BLOCKS)).filter((k) => k[0] === forest).map((k) => k[1]),
  };
}

async function kinds(db: GlimpseDB): Promise<ProblemKind[]> {
  return [...new Set((await checkLibrary(db)).problems.map((p) => p.kind))].sort();
}

/** Rewrites tree 0's first leaf with `edit` applied to its slot list, and its directory to match. */
async function editLeaf(b: Blocks, edit: (slots: number[]) => number[]): Promise<void> {
  const meta = decodeMeta('meta', await b.get('meta'));
  const g = meta.generation;
  const dir = decodeDir('d', await b.get(`g${g}/d/0`));
  const leaf = decodeLeaf('l', await b.get(`g${g}/l/0/0`), meta.dim);
  const pick = edit([...Array(leaf.count).keys()]);
  await b.put(`g${g}/l/0/0`, encodeLeaf(Uint32Array.from(pick, (i) => leaf.slots[i]!), pick.length));
  const sizes = dir.leafSizes.slice();
  sizes[0] = pick.length;
  await b.put(`g${g}/d/0`, encodeDir({ ...dir, leafSizes: sizes }));
}

describe('library consistency check', () => {
  it('finds 0 problems in a healthy library, and counts what it saw', async () => {
    const { db } = await makeLibrary(4);
    const report = await checkLibrary(db);
    expect(report.problems).toEqual([]);
    expect(report.counts).toEqual({ images: 4, thumbs: 4, vectors: 4, queue: 1, text: 4, visual: 4 });
    // An empty library is healthy too (no forest yet).
    const empty = await Library.open(`check-${dbCount++}`);
    expect((await checkLibrary(empty.db)).problems).toEqual([]);
  });

  it('stays at 0 problems after removals (tombstones are not problems)', async () => {
    const { lib, db } = await makeLibrary(5);
    await lib.remove([2, 4]);
    await addImage(lib, 9);
    expect((await checkLibrary(db)).problems).toEqual([]);
  });

  // [kind, how to break the library, other kinds the same damage implies]
  const breakers: [ProblemKind, (db: GlimpseDB) => Promise<unknown>, ProblemKind[]?][] = [
    ['missing-thumb', (db) => db.delete('thumbs', 2)],
    ['missing-vectors', (db) => db.delete('vectors', 3)],
    ['orphan-thumb', (db) => db.put('thumbs', new Blob([new Uint8Array(4)]), 99)],
    ['orphan-vectors', async (db) => db.put('vectors', (await db.get('vectors', 1))!, 99)],
    ['orphan-handle', (db) => db.put('handles', undefined, 99)],
    ['orphan-in-forest', async (db) => {
      const tx = db.transaction(['images', 'thumbs', 'vectors'], 'readwrite');
      await Promise.all([tx.objectStore('images').delete(3), tx.objectStore('thumbs').delete(3), tx.objectStore('vectors').delete(3), tx.done]);
    }],
    ['vector-mismatch', async (db) => {
      const row = (await db.get('vectors', 1))!;
      await db.put('vectors', { ...row, visual: Int8Array.from(row.visual, (v, i) => (i % 2 ? -v : v)) }, 1);
    }],
    ['queued-already-indexed', (db) => enqueue(db, [{ file: new Blob([fileBytes(2)]), name: 'again.jpg', path: 'again.jpg', type: 'image/jpeg', lastModified: 0, size: 16, queuedAt: 0 }])],
    // enqueue refuses what it cannot read: a damaged row, written as a pre-v4 row whose file is no Blob.
    ['unreadable-queue-item', (db) => db.add('queue', { file: 'not a blob' as unknown as Blob, name: 'odd.jpg', path: 'odd.jpg', type: 'image/jpeg', lastModified: 0, size: 1, queuedAt: 0 })],
    ['missing-from-forest', async (db) => {
      // Image 2's slot becomes a tombstone: the forest no longer knows it.
      const b = blocks(db, 'text');
      const meta = decodeMeta('meta', await b.get('meta'));
      const key = `g${meta.generation}/s/0`;
      const ids = decodeSlots(key, await b.get(key)).slice();
      ids[ids.indexOf(2)] = 0xffffffff;
      await b.put(key, encodeSlots(ids, 0));
      await b.put('meta', encodeMeta({ ...meta, liveCount: meta.liveCount - 1 }));
      // Its vector block is left behind, referred to by no live slot.
    }, ['orphan-block']],
    ['missing-block', async (db) => blocks(db, 'visual').del((await blocks(db, 'visual').keys()).find((k) => k.includes('/l/3/'))!)],
    ['corrupt-block', async (db) => {
      const b = blocks(db, 'text');
      const key = (await b.keys()).find((k) => k.includes('/l/1/'))!;
      const bytes = await b.get(key);
      bytes[bytes.length - 1]! ^= 0x10;
      await b.put(key, bytes);
    }],
    ['orphan-block', async (db) => blocks(db, 'text').put('g0/l/0/0', await blocks(db, 'text').get('meta'))],
    ['forest-count', async (db) => {
      const b = blocks(db, 'visual');
      const meta = decodeMeta('meta', await b.get('meta'));
      await b.put('meta', encodeMeta({ ...meta, liveCount: meta.liveCount + 1 }));
    }],
    ['duplicate-id', async (db) => {
      const b = blocks(db, 'text');
      const key = `g${decodeMeta('meta', await b.get('meta')).generation}/s/0`;
      const ids = decodeSlots(key, await b.get(key)).slice();
      ids[1] = ids[0]!;
      await b.put(key, encodeSlots(ids, 0));
    }, ['forest-count', 'missing-from-forest', 'orphan-block']],
    ['tree-missing-entry', (db) => editLeaf(blocks(db, 'text'), (s) => s.slice(1))],
    ['tree-duplicate-entry', (db) => editLeaf(blocks(db, 'text'), (s) => [...s, s[0]!])],
    ['tree-bad-ref', async (db) => {
      const b = blocks(db, 'visual');
      const key = `g${decodeMeta('meta', await b.get('meta')).generation}/d/2`;
      await b.put(key, encodeDir({ ...decodeDir(key, await b.get(key)), root: ~7 }));
    }, ['tree-missing-entry']],
  ];

  it('reports blocks of a forest build cut short before its meta block as orphans', async () => {
    const { db } = await makeLibrary(2);
    await db.delete(FOREST_BLOCKS, ['visual', 'meta']);
    const report = await checkLibrary(db);
    expect(report.problems.map((p) => p.kind).sort()).toEqual(['missing-from-forest', 'missing-from-forest', 'orphan-block']);
    expect(report.problems.find((p) => p.kind === 'orphan-block')?.detail).toContain('never committed');
  });

  it('checks a library whose forest is too damaged to open', async () => {
    const { db, name } = await makeLibrary(3);
    const b = blocks(db, 'text');
    const key = `g${decodeMeta('meta', await b.get('meta')).generation}/d/0`;
    const bytes = await b.get(key);
    bytes[bytes.length - 1]! ^= 1;
    await b.put(key, bytes);
    await expect(Library.open(name)).rejects.toMatchObject({ name: 'CorruptBlockError' });
    // The worker's check falls back to the bare database when the library cannot open.
    const report = await checkLibrary(await openGlimpseDB(name));
    expect(report.problems.map((p) => p.kind)).toEqual(['corrupt-block']);
  });

  it.each(breakers)('detects %s', async (kind, breakIt, also = []) => {
    const { db } = await makeLibrary(4);
    expect(await kinds(db)).toEqual([]);
    await breakIt(db);
    const report = await checkLibrary(db);
    expect(await kinds(db)).toEqual([kind, ...also].sort());
    for (const p of report.problems) expect(p.detail.length).toBeGreaterThan(5);
  });

  it('has a test for every problem kind', () => {
    const tested = new Set([...breakers.map((b) => b[0]), 'duplicate-sha']);
    const all: Record<ProblemKind, true> = {
      'missing-block': true, 'corrupt-block': true, 'orphan-block': true, 'forest-count': true, 'duplicate-id': true, 'tree-missing-entry': true,
      'tree-duplicate-entry': true, 'tree-bad-ref': true, 'missing-thumb': true, 'missing-vectors': true, 'orphan-thumb': true, 'orphan-vectors': true,
      'orphan-handle': true, 'duplicate-sha': true, 'missing-from-forest': true, 'orphan-in-forest': true, 'vector-mismatch': true,
      'queued-already-indexed': true, 'unreadable-queue-item': true,
    };
    expect(Object.keys(all).filter((k) => !tested.has(k as ProblemKind))).toEqual([]);
  });

  it('detects duplicate-sha (two rows with the same bytes: needs a schema without the unique index)', async () => {
    // The real schema's unique 'by-sha' index forbids it, so build v1 without that constraint.
    const loose: Migration = (db, tx) => {
      MIGRATIONS[0]!(db, tx);
      tx.objectStore('images').deleteIndex('by-sha');
      tx.objectStore('images').createIndex('by-sha', 'sha256');
    };
    const name = `check-${dbCount++}`;
    (await openGlimpseDB(name, [loose])).close();
    const { lib, db } = await makeLibrary(3, name);
    expect(await kinds(db)).toEqual([]);
    // The library itself refuses a second copy (DuplicateImageError): make one behind its back.
    const [a, b] = await db.getAll('images');
    await db.put('images', { ...b!, sha256: a!.sha256 });
    expect(await kinds(db)).toEqual(['duplicate-sha']);
    await expect(addImage(lib, 7, fileBytes(1))).rejects.toMatchObject({ name: 'DuplicateImageError' });
  });
});
