import { describe, expect, it } from 'vitest';
import { appendPage, dropItems, EMPTY, upsertItems, type Loaded } from '../../src/ui/browse-pages.ts';

// The browse grid's loaded range: pages appended, announced images put in place or dropped.
const item = (id: number, caption = `c${id}`) => ({ id, name: `p${id}.jpg`, caption });
const ids = (l: Loaded): number[] => l.items.map((i) => i.id);

describe('browse pages', () => {
  it('appends older pages without repeating an image', () => {
    let list = appendPage(EMPTY, { items: [item(9), item(8)], next: 8 });
    list = appendPage(list, { items: [item(8), item(5), item(3)], next: 3 });
    expect(ids(list)).toEqual([9, 8, 5, 3]);
    expect(list.next).toBe(3);
    list = appendPage(list, { items: [item(1)] });
    expect(list.next).toBeUndefined();
  });

  it('puts added images in order and replaces re-described ones', () => {
    const list: Loaded = { items: [item(9), item(7), item(4)] };
    const next = upsertItems(list, [item(12), item(7, 'new words'), item(8), item(2)]);
    expect(ids(next)).toEqual([12, 9, 8, 7, 4, 2]);
    expect(next.items.find((i) => i.id === 7)!.caption).toBe('new words');
    expect(ids(list)).toEqual([9, 7, 4]); // not changed in place
  });

  it('leaves images below the loaded range to their page', () => {
    const list: Loaded = { items: [item(9), item(7)], next: 7 };
    const next = upsertItems(list, [item(10), item(3)]);
    expect(ids(next)).toEqual([10, 9, 7]);
    expect(next.next).toBe(7);
    expect(upsertItems(list, [item(2)])).toBe(list);
  });

  it('drops removed images, keeping the same list when none was shown', () => {
    const list: Loaded = { items: [item(9), item(7), item(4)], next: 4 };
    expect(ids(dropItems(list, [7, 100]))).toEqual([9, 4]);
    expect(dropItems(list, [7]).next).toBe(4);
    expect(dropItems(list, [1, 2])).toBe(list);
  });
});
