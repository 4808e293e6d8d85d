import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { AbortError } from '../../src/core/errors.ts';
import { openGlimpseDB } from '../../src/storage/library-store.ts';
import type { Analysis } from '../../workers/lib/analyze-batch.ts';
import { addToQueue, type QueueInput } from '../../workers/lib/queue.ts';
import { QueueLookahead } from '../../workers/lib/queue-batch.ts';

// The queue's look-ahead (workers/lib/queue-batch.ts) with a stand-in for the batch analysis: which
// photos go into which batch, and when an analysis made ahead is used or made again.
let dbCount = 0;
const meta = (n: number) => ({ name: `photo-${n}.jpg`, path: `photo-${n}.jpg`, type: 'image/jpeg', lastModified: 0 });
const stageMs = { decode: 0, caption: 0, textDetect: 0, ocr: 0, triplets: 0, embed: 0 };

async function setup(n: number) {
  const db = await openGlimpseDB(`queue-batch-${dbCount++}`);
  const inputs = Array.from({ length: n }, (_, i) => ({ file: new Blob([new Uint8Array([i])]), meta: meta(i + 1) }));
  const ids = await addToQueue(db, inputs);
  const batches: string[][] = [];
  const run = async (items: QueueInput[], signal: AbortSignal): Promise<PromiseSettledResult<Analysis>[]> => {
    batches.push(items.map((i) => i.meta.name));
    if (signal.aborted) throw new AbortError();
    return items.map((i) => (i.meta.name === 'photo-2.jpg' ? { status: 'rejected', reason: new Error('unreadable') } : { status: 'fulfilled', value: { duplicate: i.meta.name, stageMs } }));
  };
  return { db, ids, inputs, batches, run };
}

describe('QueueLookahead', () => {
  it('analyses a queued photo with the next two, and answers their calls from that batch', async () => {
    const { db, ids, inputs, batches, run } = await setup(5);
    const ahead = new QueueLookahead(2);
    const signal = new AbortController().signal;
    const names: (string | undefined)[] = [];
    for (const [k, id] of ids.entries()) {
      const outcome = ahead.analyze(db, id, inputs[k]!, 'settings', signal, run);
      names.push(await outcome.then((a) => a.duplicate, (e: Error) => e.message));
    }
    expect(names).toEqual(['photo-1.jpg', 'unreadable', 'photo-3.jpg', 'photo-4.jpg', 'photo-5.jpg']);
    expect(batches).toEqual([
      ['photo-1.jpg', 'photo-2.jpg', 'photo-3.jpg'],
      ['photo-4.jpg', 'photo-5.jpg'],
    ]);
    expect(ahead.size).toBe(0);
  });

  it('other settings, or a batch cancelled with an earlier call: the photo is analysed again', async () => {
    const { db, ids, inputs, batches, run } = await setup(3);
    const ahead = new QueueLookahead(2);
    const cancelled = new AbortController();
    cancelled.abort();
    await expect(ahead.analyze(db, ids[0]!, inputs[0]!, 'a', cancelled.signal, run)).rejects.toThrow(AbortError);
    expect(ahead.size).toBe(2);
    const signal = new AbortController().signal;
    expect((await ahead.analyze(db, ids[1]!, inputs[1]!, 'a', signal, run).catch((e: Error) => e.message))).toBe('unreadable');
    expect((await ahead.analyze(db, ids[2]!, inputs[2]!, 'b', signal, run)).duplicate).toBe('photo-3.jpg');
    // photo-3 still had an analysis under way (cancelled, as it turns out) when photo-2's batch was made.
    expect(batches).toEqual([['photo-1.jpg', 'photo-2.jpg', 'photo-3.jpg'], ['photo-2.jpg'], ['photo-3.jpg']]);
  });

  it('forgets photos dropped from the queue', async () => {
    const { db, ids, inputs, run } = await setup(3);
    const ahead = new QueueLookahead(2);
    await ahead.analyze(db, ids[0]!, inputs[0]!, 'a', new AbortController().signal, run);
    ahead.forget(ids[1]);
    expect(ahead.size).toBe(1);
    ahead.forget();
    expect(ahead.size).toBe(0);
  });
});
