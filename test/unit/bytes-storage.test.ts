import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { convertBlobs } from '../../src/storage/convert-blobs.ts';
import { BLOBS_PENDING, MIGRATIONS, openGlimpseDB } from '../../src/storage/db.ts';
import { dumpDatabase } from '../../src/storage/dump.ts';
import { thumbById } from '../../src/storage/library-store.ts';
import { enqueue, listQueue, queueItem } from '../../src/storage/queue-store.ts';
import { Library } from '../../workers/lib/library.ts';
import { addToQueue } from '../../workers/lib/queue.ts';
import { blobsIn } from './dump-blobs.ts';
import { image } from './library-fixture.ts';

// Schema v4 keeps bytes, never Blob or File objects (WebKit refuses those in some session kinds),
// while the storage functions keep taking and giving Blobs; libraries from before v4 are rewritten.
let dbCount = 0;
const text = async (b: Blob | undefined): Promise<string> => new TextDecoder().decode(await b!.arrayBuffer());
const file = (s: string, type = 'image/jpeg'): Blob => new Blob([new TextEncoder().encode(s)], { type });
const row = (f: Blob, name: string) => ({ file: f, name, path: `trip/${name}`, type: f.type, lastModified: 7, size: f.size, queuedAt: 1 });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('bytes, not Blobs (schema v4)', () => {
  it('a new library stores queued files and thumbnails as bytes, and gives them back as Blobs', async () => {
    const lib = await Library.open(`bytes-${dbCount++}`);
    const [q] = await addToQueue(lib.db, [{ file: file('queued photo'), meta: { name: 'q.jpg', path: 'trip/q.jpg', type: 'image/jpeg', lastModified: 3 } }]);
    const id = await lib.commit({ ...image(1, 'a red kite'), thumb: file('thumbnail bytes', 'image/webp') });
    expect(blobsIn(await dumpDatabase(lib.db))).toEqual([]);
    expect((await lib.db.get('thumbs', id))).toEqual({ bytes: new TextEncoder().encode('thumbnail bytes').buffer, type: 'image/webp' });
    const stored = (await lib.db.get('queue', q!)) as unknown as Record<string, unknown>;
    expect(stored.bytes).toBeInstanceOf(ArrayBuffer);
    expect('file' in stored).toBe(false);

    const thumb = await thumbById(lib.db, id);
    expect([await text(thumb), thumb!.type]).toEqual(['thumbnail bytes', 'image/webp']);
    const item = await queueItem(lib.db, q!);
    expect([item!.name, item!.path, item!.size, await text(item!.file), item!.file.type]).toEqual(['q.jpg', 'trip/q.jpg', 12, 'queued photo', 'image/jpeg']);
    expect(await listQueue(lib.db)).toEqual([{ id: q, name: 'q.jpg', path: 'trip/q.jpg', type: 'image/jpeg', lastModified: 3, size: 12, queuedAt: expect.any(Number) }]);
    await lib.close();
  });

  it('enqueue reads and writes a batch at a time: an unreadable file stops at its batch, earlier batches stay', async () => {
    const db = await openGlimpseDB(`bytes-${dbCount++}`);
    const gone = file('gone');
    vi.spyOn(gone, 'arrayBuffer').mockRejectedValue(new DOMException('The file changed', 'NotReadableError'));
    const writes = vi.spyOn(db, 'transaction');
    // 4 bytes each, 10 bytes a batch: [a, b] [c, d] [gone …].
    const rows = ['aaaa', 'bbbb', 'cccc', 'dddd'].map((s, i) => row(file(s), `${i}.jpg`));
    await expect(enqueue(db, [...rows, row(gone, 'gone.jpg'), row(file('ffff'), 'f.jpg')], 10)).rejects.toMatchObject({ name: 'FileUnreadableError', message: expect.stringContaining('gone.jpg') });
    expect(writes).toHaveBeenCalledTimes(2);
    expect((await listQueue(db)).map((q) => q.name)).toEqual(['0.jpg', '1.jpg', '2.jpg', '3.jpg']);
    db.close();
  });

  it('the rewrite of an old library leaves a row removed meanwhile removed, and an unreadable Blob as it was', async () => {
    const name = `bytes-${dbCount++}`;
    const old = await openGlimpseDB(name, MIGRATIONS.slice(0, 3));
    for (const id of [1, 2, 3]) await old.put('thumbs', file(`thumb ${id}`, 'image/webp'), id);
    await old.add('queue', row(file('queued'), 'q.jpg'));
    old.close();
    const db = await openGlimpseDB(name);
    // Thumbnail 1 is removed while its bytes are read (the image was deleted); 3's bytes are lost.
    const read = Blob.prototype.arrayBuffer;
    vi.spyOn(Blob.prototype, 'arrayBuffer').mockImplementation(async function (this: Blob) {
      const bytes = await read.call(this);
      const s = new TextDecoder().decode(bytes);
      if (s === 'thumb 3') throw new DOMException('gone', 'NotReadableError');
      if (s === 'thumb 1') await db.delete('thumbs', 1);
      return bytes;
    });
    expect(await convertBlobs(db)).toEqual({ thumbs: 1, queue: 1, unreadable: 1 });
    vi.restoreAllMocks();
    expect(await db.getAllKeys('thumbs')).toEqual([2, 3]);
    expect(await db.get('thumbs', 2)).toEqual({ bytes: new TextEncoder().encode('thumb 2').buffer, type: 'image/webp' });
    expect(await db.get('thumbs', 3)).toBeInstanceOf(Blob);
    expect(await db.get('meta', BLOBS_PENDING)).toBeUndefined();
    expect(await text((await queueItem(db, 1))!.file)).toBe('queued');
    db.close();
  });
});
