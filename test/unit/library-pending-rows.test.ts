import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { Library } from '../../workers/lib/library';
import { EAGER_ROWS } from '../../workers/lib/ranking';
import { image, TEXT_DIM, vector } from './library-fixture';

// A text search of the person's library reads and explains the rows of its first screenful only;
// the others come back pending and are filled as their cards scroll near (fillResults), with the
// same names, scores and reasons an eager read gives.
const COLOURS = ['red', 'blue', 'green', 'yellow', 'black'];
const THINGS = ['kite', 'kite and a dog', 'bicycle'];
const caption = (i: number): string => `a ${COLOURS[i % COLOURS.length]} ${THINGS[i % THINGS.length]} in the park`;

describe('library text search: rows of the first screenful only', () => {
  it('leaves the rest pending, fills them when asked, and forgets old queries', async () => {
    const lib = await Library.open('pending-rows');
    const ids: number[] = [];
    for (let i = 1; i <= 60; i++) ids.push(await lib.commit(image(i, caption(i))));
    const names = new Map(ids.map((id, i) => [id, `photo-${i + 1}.jpg`]));
    const hits = await lib.searchText('kite in the park', vector(TEXT_DIM, 5), 60);
    expect(hits.length).toBeGreaterThan(EAGER_ROWS + 10);
    for (const h of hits.slice(0, EAGER_ROWS)) expect([h.pending, h.name, h.summary.text.length > 0]).toEqual([undefined, names.get(h.id), true]);
    const pending = hits.slice(EAGER_ROWS);
    expect(pending.every((h) => h.pending && h.name === '' && h.caption === '')).toBe(true);

    // Asked in another order, and one photo deleted meanwhile: it is left out.
    const gone = pending[3]!.id;
    await lib.remove([gone]);
    const asked = pending.map((h) => h.id).reverse();
    const filled = await lib.fillResults('kite in the park', asked);
    const want = pending.filter((h) => h.id !== gone).reverse();
    expect(filled.map((h) => [h.id, h.name, h.score, h.pending])).toEqual(want.map((h) => [h.id, names.get(h.id), h.score, undefined]));
    // Why each matched, as an eager result says it: photos with the same caption (every 15th) get the same summary.
    const eagerByCaption = new Map(hits.slice(0, EAGER_ROWS).map((h) => [h.caption, h.summary]));
    const twins = filled.filter((h) => eagerByCaption.has(h.caption));
    expect(twins.length).toBeGreaterThan(5);
    for (const h of twins) expect(h.summary).toEqual(eagerByCaption.get(h.caption));
    expect(filled.every((h) => h.summary.text.length > 0)).toBe(true);

    // Eight later queries push this one out: its pending cards then get nothing (the page keeps placeholders).
    for (let q = 0; q < 8; q++) await lib.searchText(`${COLOURS[q % COLOURS.length]} bicycle ${q}`, undefined, 60);
    expect(await lib.fillResults('kite in the park', [pending[0]!.id])).toEqual([]);
  });
});
