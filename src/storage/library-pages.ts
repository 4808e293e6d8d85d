// Browsing the library a page at a time, newest first, without reading every row: ids grow with
// time, so a page is a key range just below the previous page's last id.
import type { GlimpseDB } from './db';
import type { ImageRow } from './rows';

/** What the grid shows of an image when browsing (no analytics record). */
export interface LibraryItem {
  id: number;
  name: string;
  caption: string;
}

export interface LibraryPage {
  items: LibraryItem[];
  /** Pass as `before` for the next page; absent when there is no older image. */
  next?: number;
}

export interface PageRequest {
  /** Only images with ids below this one (the previous page's `next`); newest first when absent. */
  before?: number;
  limit: number;
}

export const toItem = (row: ImageRow): LibraryItem => ({ id: row.id, name: row.name, caption: row.record.captions[0] ?? '' });

/**
 * One page in one readonly transaction: a key cursor walks back `limit` keys to find the page's
 * range (deleted ids are simply absent), one getAll reads those rows, and one more step tells
 * whether an older image exists.
 */
export async function listPage(db: GlimpseDB, { before, limit }: PageRequest): Promise<LibraryPage> {
  const n = Math.max(1, Math.floor(limit));
  const store = db.transaction('images').store;
  let cursor = await store.openKeyCursor(before === undefined ? null : IDBKeyRange.upperBound(before, true), 'prev');
  if (!cursor) return { items: [] };
  const newest = cursor.key;
  if (n > 1) cursor = await cursor.advance(n - 1);
  if (!cursor) return { items: (await store.getAll(IDBKeyRange.upperBound(newest))).reverse().map(toItem) };
  const oldest = cursor.key;
  const [rows, older] = await Promise.all([store.getAll(IDBKeyRange.bound(oldest, newest)), cursor.continue()]);
  const items = rows.reverse().map(toItem);
  return older ? { items, next: oldest } : { items };
}

/** The listed form of the given images, in the order asked; ids not stored are left out. */
export async function itemsByIds(db: GlimpseDB, ids: readonly number[]): Promise<LibraryItem[]> {
  const store = db.transaction('images').store;
  const rows = await Promise.all(ids.map((id) => store.get(id)));
  return rows.filter((r): r is ImageRow => r !== undefined).map(toItem);
}
