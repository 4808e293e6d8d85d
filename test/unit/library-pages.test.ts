import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { buildRecord } from '../../src/core/text/record.ts';
import { openGlimpseDB, type GlimpseDB } from '../../src/storage/db.ts';
import { itemsByIds, listPage, type LibraryItem } from '../../src/storage/library-pages.ts';
import type { ImageRow } from '../../src/storage/rows.ts';

// Browsing a page at a time (fake-indexeddb): newest first by id, `next` as the following page's
// `before`, ids removed in between simply absent.
let dbCount = 0;

function row(id: number): ImageRow {
  return {
    id,
    sha256: `sha-${id}`,
    name: `p${id}.jpg`,
    path: `p${id}.jpg`,
    size: 1,
    type: 'image/jpeg',
    width: 1,
    height: 1,
    addedAt: id,
    record: buildRecord([`caption of ${id}`, `second caption of ${id}`], { captioner: 'c', embedder: 'e' }),
  };
}

async function dbWith(ids: number[]): Promise<GlimpseDB> {
  const db = await openGlimpseDB(`pages-${dbCount++}`);
  const tx = db.transaction('images', 'readwrite');
  await Promise.all([...ids.map((id) => tx.store.put(row(id))), tx.done]);
  return db;
}

/** Every page in turn, as the grid asks for them. */
async function allPages(db: GlimpseDB, limit: number): Promise<LibraryItem[][]> {
  const pages: LibraryItem[][] = [];
  let before: number | undefined;
  for (;;) {
    const page = await listPage(db, { before, limit });
    pages.push(page.items);
    if (page.next === undefined) return pages;
    expect(page.next).toBe(page.items.at(-1)!.id);
    before = page.next;
  }
}

describe('listPage', () => {
  it('pages newest first with id, name and first caption only', async () => {
    const db = await dbWith([1, 2, 3, 4, 5, 6, 7]);
    const first = await listPage(db, { limit: 3 });
    expect(first).toEqual({
      items: [
        { id: 7, name: 'p7.jpg', caption: 'caption of 7' },
        { id: 6, name: 'p6.jpg', caption: 'caption of 6' },
        { id: 5, name: 'p5.jpg', caption: 'caption of 5' },
      ],
      next: 5,
    });
    expect((await allPages(db, 3)).map((p) => p.map((i) => i.id))).toEqual([[7, 6, 5], [4, 3, 2], [1]]);
  });

  it('has no `next` when the last page is exactly full, and an empty page for an empty library', async () => {
    const db = await dbWith([1, 2, 3, 4]);
    expect((await allPages(db, 2)).map((p) => p.map((i) => i.id))).toEqual([
      [4, 3],
      [2, 1],
    ]);
    expect(await listPage(db, { limit: 10 })).toEqual({ items: [{ id: 4, name: 'p4.jpg', caption: 'caption of 4' }, ...(await listPage(db, { before: 4, limit: 10 })).items] });
    expect(await listPage(await dbWith([]), { limit: 5 })).toEqual({ items: [] });
    expect(await listPage(db, { before: 1, limit: 5 })).toEqual({ items: [] });
  });

  it('skips holes left by removed ids; pages stay full', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => i + 1);
    const db = await dbWith(ids);
    const gone = new Set([40, 39, 25, 24, 23, 22, 21, 20, 2]);
    const tx = db.transaction('images', 'readwrite');
    await Promise.all([...[...gone].map((id) => tx.store.delete(id)), tx.done]);
    const pages = await allPages(db, 10);
    expect(pages.map((p) => p.length)).toEqual([10, 10, 10, 1]);
    const listed = pages.flat().map((i) => i.id);
    expect(listed).toEqual(ids.filter((id) => !gone.has(id)).reverse());
    // A `before` that is itself a hole works too.
    expect((await listPage(db, { before: 25, limit: 3 })).items.map((i) => i.id)).toEqual([19, 18, 17]);
  });

  it('a page read after more images arrived starts below `before`, never repeating one', async () => {
    const db = await dbWith([1, 2, 3, 4, 5]);
    const first = await listPage(db, { limit: 2 });
    const tx = db.transaction('images', 'readwrite');
    await Promise.all([tx.store.put(row(6)), tx.store.put(row(7)), tx.done]);
    const second = await listPage(db, { before: first.next, limit: 2 });
    expect(second.items.map((i) => i.id)).toEqual([3, 2]);
    expect(second.next).toBe(2);
  });

  it('limit 1 and limits below 1 give one image per page', async () => {
    const db = await dbWith([3, 9, 12]);
    expect((await allPages(db, 1)).map((p) => p.map((i) => i.id))).toEqual([[12], [9], [3]]);
    expect((await listPage(db, { limit: 0 })).items.map((i) => i.id)).toEqual([12]);
  });
});

describe('itemsByIds', () => {
  it('keeps the order asked and leaves out ids not stored', async () => {
    const db = await dbWith([1, 2, 3]);
    expect((await itemsByIds(db, [3, 8, 1])).map((i) => i.id)).toEqual([3, 1]);
    expect(await itemsByIds(db, [])).toEqual([]);
  });
});
