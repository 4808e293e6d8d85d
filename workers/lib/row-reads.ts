// A text search's result rows, asked of IndexedDB as soon as their ids are likely: the lexical
// hits' while the query is being embedded, the forest's before fusion. The reads then run in the
// browser while this worker computes, instead of after it (they were a tenth of a warm search).
import type { ImageRow } from '../../src/storage/rows';
import { EAGER_ROWS } from './ranking';

/** How many of each side's best hits are read ahead: a search reads the rows of its first EAGER_ROWS results only. */
export const READ_AHEAD = EAGER_ROWS;

export class RowReads {
  private readonly pending = new Map<number, Promise<ImageRow | undefined>>();

  constructor(private readonly read: (ids: number[]) => Promise<(ImageRow | undefined)[]>) {}

  /** Starts reading the rows of `ids` not asked for yet (one transaction). */
  want(ids: readonly number[]): void {
    const fresh = ids.filter((id) => !this.pending.has(id));
    if (fresh.length === 0) return;
    const batch = this.read(fresh);
    fresh.forEach((id, k) => {
      const row = batch.then((rows) => rows[k]);
      row.catch(() => undefined); // a row read ahead and never shown must not be an unhandled rejection
      this.pending.set(id, row);
    });
  }

  /** The rows of `ids`, in order (undefined: no such row). */
  rows(ids: readonly number[]): Promise<(ImageRow | undefined)[]> {
    this.want(ids);
    return Promise.all(ids.map((id) => this.pending.get(id)!));
  }
}
