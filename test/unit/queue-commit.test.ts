import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { simulateQuota } from '../../src/storage/fault-injection.ts';
import { countImages } from '../../src/storage/library-store.ts';
import { writeFailure } from '../../src/storage/write-errors.ts';
import { checkLibrary } from '../../workers/lib/consistency.ts';
import { Library } from '../../workers/lib/library.ts';
import { addToQueue, listQueue, runQueued } from '../../workers/lib/queue.ts';
import { image } from './library-fixture.ts';

// The indexing queue and the image commit on fake-indexeddb: an indexed file leaves the queue in the
// image's own transaction, so no crash can leave it both queued and indexed.
let dbCount = 0;
const file = new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' });
const meta = (n: number) => ({ name: `photo-${n}.jpg`, path: `photo-${n}.jpg`, type: 'image/jpeg', lastModified: 0 });

async function queued(n: number): Promise<{ lib: Library; ids: number[] }> {
  const lib = await Library.open(`queue-commit-${dbCount++}`);
  const ids = await addToQueue(lib.db, Array.from({ length: n }, (_, i) => ({ file, meta: meta(i + 1) })));
  return { lib, ids };
}

afterEach(() => simulateQuota(undefined));

describe('commit and dequeue in one transaction', () => {
  it('the commit takes the file off the queue: a crash right after it leaves nothing queued', async () => {
    const { lib, ids } = await queued(2);
    // As if the worker died between the commit and runQueued's own dequeue.
    const crash = runQueued(lib.db, ids[0]!, async (_f, _m, queueId) => {
      await lib.commit(image(1, 'a red kite'), queueId);
      throw new Error('worker gone');
    });
    await expect(crash).rejects.toThrow('worker gone');
    expect((await listQueue(lib.db)).map((q) => q.id)).toEqual([ids[1]]);
    const report = await checkLibrary(lib.db);
    expect(report.problems).toEqual([]);
    expect(report.counts.queue).toBe(1);
  });

  it('an indexed outcome is not dequeued twice; other outcomes are dequeued after', async () => {
    const { lib, ids } = await queued(2);
    const indexed = await runQueued(lib.db, ids[0]!, async (_f, _m, queueId) => ({ status: 'indexed', id: await lib.commit(image(1, 'a kite'), queueId) }), (o) => o.status === 'indexed');
    const rejected = await runQueued(lib.db, ids[1]!, () => Promise.resolve({ status: 'rejected' }), (o) => o.status === 'indexed');
    expect([indexed.status, rejected.status]).toEqual(['indexed', 'rejected']);
    expect(await listQueue(lib.db)).toEqual([]);
    expect((await checkLibrary(lib.db)).problems).toEqual([]);
  });

  it('a commit that fails (storage full) stores nothing and keeps the file queued', async () => {
    const { lib, ids } = await queued(1);
    simulateQuota(10);
    const outcome = runQueued(lib.db, ids[0]!, async (_f, _m, queueId) => lib.commit(image(1, 'a kite'), queueId));
    await expect(outcome).rejects.toMatchObject({ name: 'QuotaExceededError' });
    simulateQuota(undefined);
    expect((await listQueue(lib.db)).map((q) => q.id)).toEqual(ids);
    expect(await countImages(lib.db)).toBe(0);
    expect((await checkLibrary(lib.db)).problems).toEqual([]);
    // The library still works: the same file indexes on the next try.
    await runQueued(lib.db, ids[0]!, async (_f, _m, queueId) => lib.commit(image(1, 'a kite'), queueId));
    expect(await listQueue(lib.db)).toEqual([]);
    expect(await countImages(lib.db)).toBe(1);
  });
});

describe('what a failed write means', () => {
  // The messages Chromium 156 gave with its profile on a full tmpfs (see docs/RELIABILITY.md).
  const chromium = [
    new DOMException('', 'QuotaExceededError'),
    new DOMException('Encountered disk full while committing transaction.', 'QuotaExceededError'),
    new DOMException('Connection is closing because of: IO error: .../http_127.0.0.1_42911.indexeddb.leveldb/000003.log: FILE_ERROR_NO_SPACE (ChromeMethodBFE: 3::WritableFileAppend::8)', 'UnknownError'),
    new DOMException('Failed to write blobs (IOError)', 'DataError'),
  ];
  it('a full disk is a QuotaExceededError, whatever Chromium called it', () => {
    for (const e of chromium) expect(writeFailure(e)).toMatchObject({ name: 'QuotaExceededError' });
  });

  it('the transaction’s own error wins over its requests’ AbortError', () => {
    const request = new DOMException('The transaction was aborted, so the request cannot be fulfilled.', 'AbortError');
    expect(writeFailure(request, chromium[2])).toMatchObject({ name: 'QuotaExceededError' });
  });

  it('a write aborted with no cause is a StorageError, never taken for a cancel', () => {
    expect(writeFailure(new DOMException('AbortError', 'AbortError'), null)).toMatchObject({ name: 'StorageError' });
  });

  it('other failures pass through unchanged', () => {
    const e = new DOMException('Key already exists in the object store.', 'ConstraintError');
    expect(writeFailure(e)).toBe(e);
    const unknown = new DOMException('Internal error committing transaction.', 'UnknownError');
    expect(writeFailure(unknown)).toBe(unknown);
  });
});
