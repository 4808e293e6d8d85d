// Result rows read ahead (workers/lib/row-reads.ts): each id is read once, rows come back in the
// asked order, a missing row is undefined, and a failed read reaches only the search that needs it.
import { describe, expect, it } from 'vitest';
import { RowReads } from '../../workers/lib/row-reads';
import type { ImageRow } from '../../src/storage/rows';

const row = (id: number): ImageRow => ({ id, name: `p${id}.jpg` }) as ImageRow;

describe('RowReads', () => {
  it('reads each id once, ahead or late, and answers in the asked order', async () => {
    const asked: number[][] = [];
    const reads = new RowReads(async (ids) => {
      asked.push(ids);
      return ids.map((id) => (id === 404 ? undefined : row(id)));
    });
    reads.want([1, 2, 3]);
    reads.want([3, 4]);
    const rows = await reads.rows([4, 404, 2, 9]);
    expect(rows.map((r) => r?.id)).toEqual([4, undefined, 2, 9]);
    expect(asked).toEqual([[1, 2, 3], [4], [404, 9]]);
  });

  it('a failed read rejects the rows that need it, and nothing else is left unhandled', async () => {
    const reads = new RowReads(async (ids) => {
      if (ids.includes(7)) throw Object.assign(new Error('disk'), { name: 'UnknownError' });
      return ids.map(row);
    });
    reads.want([7, 8]); // read ahead, never asked for below but 7
    await expect(reads.rows([7])).rejects.toThrow('disk');
    expect((await reads.rows([1]))[0]?.id).toBe(1);
  });
});
