// The part of the library the browse grid has loaded: the newest images down to some id, a page
// at a time. Pure list updates (new pages, added, re-described and removed images), so they can
// be tested without a page.
import type { LibraryItem, LibraryPage } from '../bridge/bridge';

export interface Loaded {
  /** Newest first; every stored image with an id of `next` or above is here. */
  items: LibraryItem[];
  /** Older images exist below this id and are not loaded yet; absent once all are. */
  next?: number;
}

export const EMPTY: Loaded = { items: [] };

/** Appends an older page (anything already shown is not repeated). */
export function appendPage(list: Loaded, page: LibraryPage): Loaded {
  const last = list.items.at(-1)?.id ?? Infinity;
  return { items: [...list.items, ...page.items.filter((i) => i.id < last)], next: page.next };
}

/** Whether an image belongs in the loaded range (older ones come with their page). */
export function inRange(list: Loaded, id: number): boolean {
  return list.next === undefined || id >= list.next;
}

/** Puts added or re-described images in place (newest first), replacing what is shown under their ids. */
export function upsertItems(list: Loaded, fresh: readonly LibraryItem[]): Loaded {
  const add = fresh.filter((f) => inRange(list, f.id)).sort((a, b) => b.id - a.id);
  if (add.length === 0) return list;
  const items: LibraryItem[] = [];
  let j = 0;
  for (const item of list.items) {
    while (j < add.length && add[j]!.id > item.id) items.push(add[j++]!);
    if (j < add.length && add[j]!.id === item.id) items.push(add[j++]!);
    else items.push(item);
  }
  while (j < add.length) items.push(add[j++]!);
  return { items, next: list.next };
}

/** Drops removed images; the same list when none was shown. */
export function dropItems(list: Loaded, ids: readonly number[]): Loaded {
  const gone = new Set(ids);
  if (!list.items.some((i) => gone.has(i.id))) return list;
  return { items: list.items.filter((i) => !gone.has(i.id)), next: list.next };
}
