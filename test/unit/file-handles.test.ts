import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { buildRecord } from '../../src/core/text/record.ts';
import { openGlimpseDB } from '../../src/storage/db.ts';
import { handleById } from '../../src/storage/library-store.ts';
import type { FileMeta, PreparedImage } from '../../workers/lib/analyze-image.ts';
import { checkLibrary } from '../../workers/lib/consistency.ts';
import { Library } from '../../workers/lib/library.ts';
import { addToQueue, listQueue, runQueued } from '../../workers/lib/queue.ts';

// File handles through the worker's code on fake-indexeddb: queue row → commit (same transaction as
// the row) → kept by a re-analysis → gone with the image. Node has no FileSystemFileHandle: a plain
// object stands in (IndexedDB stores it by structured clone, as it does the real one).
let dbCount = 0;
const fakeHandle = (name: string): FileSystemFileHandle => ({ kind: 'file', name }) as unknown as FileSystemFileHandle;
const vector = (dim: number, seed: number): Float32Array => Float32Array.from({ length: dim }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) + 0.1);

function prepared(i: number, meta: FileMeta, captions = [`a red kite number ${i}`]): PreparedImage {
  return {
    sha256: `sha-${i}`,
    meta,
    size: 10,
    width: 4,
    height: 4,
    thumb: new Blob([new Uint8Array([i])], { type: 'image/webp' }),
    record: { ...buildRecord(captions, { captioner: 'c', embedder: 'e' }), captionsAsked: captions.length },
    textVector: vector(16, i),
    visualVector: vector(8, i + 100),
  };
}

const metaOf = (i: number, handle?: FileSystemFileHandle): FileMeta => ({ name: `p${i}.jpg`, path: `trip/p${i}.jpg`, type: 'image/jpeg', lastModified: 0, ...(handle && { handle }) });

describe('file handles', () => {
  it('travel from the queue row to the handles store; listing the queue leaves them out', async () => {
    const lib = await Library.open(`handles-${dbCount++}`);
    const file = new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' });
    const [withHandle, without] = await addToQueue(lib.db, [
      { file, meta: metaOf(1, fakeHandle('p1.jpg')) },
      { file, meta: metaOf(2) },
    ]);
    const listed = await listQueue(lib.db);
    expect(listed.map((q) => q.name)).toEqual(['p1.jpg', 'p2.jpg']);
    expect(listed.every((q) => !('handle' in q) && !('file' in q))).toBe(true);

    const seen: (string | undefined)[] = [];
    const index = async (_f: Blob, meta: FileMeta, i: number): Promise<number> => {
      seen.push(meta.handle?.name);
      return lib.commit(prepared(i, meta));
    };
    const id1 = await runQueued(lib.db, withHandle!, (f, m) => index(f, m, 1));
    const id2 = await runQueued(lib.db, without!, (f, m) => index(f, m, 2));
    expect(seen).toEqual(['p1.jpg', undefined]);
    expect(typeof id1).toBe('number');
    expect((await handleById(lib.db, id1 as number))?.name).toBe('p1.jpg');
    // No handle given: no entry at all (not an undefined one).
    expect(await lib.db.getAllKeys('handles')).toEqual([id1]);
    expect(await listQueue(lib.db)).toEqual([]);
    expect((await checkLibrary(lib.db)).problems).toEqual([]);
    expect(id2).not.toBe(id1);
  });

  it('reads queue rows written before handles were kept', async () => {
    const name = `handles-${dbCount++}`;
    const db = await openGlimpseDB(name);
    // An old row: exactly the fields the queue had before, no `handle` key.
    const id = await db.add('queue', { file: new Blob([new Uint8Array([9])]), name: 'old.jpg', path: 'old.jpg', type: 'image/jpeg', lastModified: 5, size: 1, queuedAt: 1 });
    let got: FileMeta | undefined;
    await runQueued(db, Number(id), (_f, meta) => Promise.resolve((got = meta)));
    expect(got).toEqual({ name: 'old.jpg', path: 'old.jpg', type: 'image/jpeg', lastModified: 5 });
    db.close();
  });

  it('a re-analysis keeps the handle; removing the image removes it in the same transaction', async () => {
    const lib = await Library.open(`handles-${dbCount++}`);
    const id = await lib.commit(prepared(1, metaOf(1, fakeHandle('p1.jpg'))));
    const other = await lib.commit(prepared(2, metaOf(2, fakeHandle('p2.jpg'))));
    // Refresh's prepared image carries no handle: the stored one stays.
    await lib.replace(id, prepared(1, metaOf(1), ['a kite', 'a red kite in the sky']), true);
    expect((await handleById(lib.db, id))?.name).toBe('p1.jpg');
    await lib.remove([id]);
    expect(await handleById(lib.db, id)).toBeUndefined();
    expect((await handleById(lib.db, other))?.name).toBe('p2.jpg');
    expect((await checkLibrary(lib.db)).problems).toEqual([]);
  });

  it('a commit that fails writes no handle, and a handle that cannot be stored writes nothing', async () => {
    const lib = await Library.open(`handles-${dbCount++}`);
    await lib.commit(prepared(1, metaOf(1)));
    // Same bytes again: refused as a duplicate before anything is written.
    await expect(lib.commit(prepared(1, metaOf(1, fakeHandle('again.jpg'))))).rejects.toMatchObject({ name: 'DuplicateImageError' });
    expect(await lib.db.getAllKeys('handles')).toEqual([]);
    // A handle this browser cannot store (here: not cloneable) aborts the whole transaction: no
    // row, thumbnail, vectors or forest blocks are left without it, and the library stays usable.
    const blocksBefore = (await lib.db.getAllKeys('forest-blocks')).length;
    const generationBefore = (await lib.db.get('meta', 'generation'))?.value;
    const odd = { kind: 'file', name: 'odd.jpg', getFile: () => undefined } as unknown as FileSystemFileHandle;
    await expect(lib.commit(prepared(3, metaOf(3, odd)))).rejects.toMatchObject({ name: 'DataCloneError' });
    expect(await lib.db.getAllKeys('handles')).toEqual([]);
    expect(await lib.db.getAllKeys('thumbs')).toHaveLength(1);
    expect(await lib.db.getAllKeys('vectors')).toHaveLength(1);
    expect((await lib.db.getAllKeys('forest-blocks')).length).toBe(blocksBefore);
    expect((await lib.db.get('meta', 'generation'))?.value).toBe(generationBefore);
    expect((await checkLibrary(lib.db)).problems).toEqual([]);
    await lib.commit(prepared(3, metaOf(3, fakeHandle('p3.jpg'))));
    expect(await lib.count()).toBe(2);
    expect((await checkLibrary(lib.db)).problems).toEqual([]);
  });
});
