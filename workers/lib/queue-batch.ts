// The queue analysed a few photos at a time (lib/analyze-batch.ts) while the page still indexes
// one queued item per call: the call for item `id` analyses it with up to LOOKAHEAD items queued
// after it, and keeps their analyses for the calls that ask for them next. Each item is still
// committed (and leaves the queue) in its own call. An analysis made with other settings, or
// cancelled with an earlier call, is made again.
import { isNamedError } from '../../src/core/errors';
import { nextQueueIds, queueItem } from '../../src/storage/queue-store';
import type { GlimpseDB } from '../../src/storage/db';
import type { Analysis } from './analyze-batch';
import type { QueueInput } from './queue';

/** Photos analysed with the one asked for: a batch of 3 (measured: batches of 2–4 cost less per photo than one). */
export const LOOKAHEAD = 2;

type Run = (items: QueueInput[], signal: AbortSignal) => Promise<PromiseSettledResult<Analysis>[]>;

const unwrap = (r: PromiseSettledResult<Analysis> | undefined): Analysis => {
  if (!r) throw new Error('the batch returned fewer results than photos');
  if (r.status === 'rejected') throw r.reason;
  return r.value;
};

export class QueueLookahead {
  private readonly ahead = new Map<number, { key: string; result: Promise<Analysis> }>();

  constructor(private readonly lookahead = LOOKAHEAD) {}

  /** Item `id`'s analysis; `key` names the settings it is made with (models, captions, OCR). */
  async analyze(db: GlimpseDB, id: number, item: QueueInput, key: string, signal: AbortSignal, run: Run): Promise<Analysis> {
    const early = this.ahead.get(id);
    this.ahead.delete(id);
    if (early?.key === key) {
      try {
        return await early.result;
      } catch (e) {
        // Cancelled with the call that started the batch: this call was not.
        if (!isNamedError(e, 'AbortError') || signal.aborted) throw e;
      }
    }
    const next = (await nextQueueIds(db, id, this.lookahead)).filter((n) => this.ahead.get(n)?.key !== key);
    const rows = (await Promise.all(next.map(async (n) => ({ id: n, row: await queueItem(db, n) })))).flatMap(({ id, row }) =>
      row ? [{ id, file: row.file, meta: { name: row.name, path: row.path, type: row.type, lastModified: row.lastModified, ...(row.handle && { handle: row.handle }) } }] : [],
    );
    const results = run([item, ...rows.map(({ file, meta }) => ({ file, meta }))], signal);
    rows.forEach(({ id: n }, k) => {
      const result = results.then((rs) => unwrap(rs[k + 1]));
      result.catch(() => undefined); // kept for a later call; one never made is no unhandled rejection
      this.ahead.set(n, { key, result });
    });
    return unwrap((await results)[0]);
  }

  /** Items gone from the queue (dropped, cleared) are not kept for. */
  forget(id?: number): void {
    if (id === undefined) this.ahead.clear();
    else this.ahead.delete(id);
  }

  /** Items analysed ahead and not yet asked for (tests). */
  get size(): number {
    return this.ahead.size;
  }
}
