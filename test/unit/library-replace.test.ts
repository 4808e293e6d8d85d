import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { buildRecord } from '../../src/core/text/record';
import { allRows, vectorsById } from '../../src/storage/library-store';
import type { PreparedImage } from '../../workers/lib/analyze-image';
import { checkLibrary } from '../../workers/lib/consistency';
import { Library } from '../../workers/lib/library';
import { countStale, staleness } from '../../workers/lib/refresh';

// Re-analysis in place (worker library on fake-indexeddb): a new record and text vector under the
// same id, one transaction; another embedder dimension starts a new text forest generation.
const unit = (dim: number, seed: number): Float32Array => {
  const v = Float32Array.from({ length: dim }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const models = { captioner: 'cap-a', embedder: 'emb-a' };
let n = 0;

function prepared(i: number, dim: number, captions = [`photo number ${i} of a red kite`], m = models): PreparedImage {
  return {
    sha256: `sha-${i}`,
    meta: { name: `p${i}.jpg`, path: `p${i}.jpg`, type: 'image/jpeg', lastModified: 0 },
    size: 1,
    width: 2,
    height: 2,
    thumb: new Blob([new Uint8Array([1])]),
    record: { ...buildRecord(captions, m), captionsAsked: captions.length },
    textVector: unit(dim, i),
    visualVector: unit(8, i),
  };
}

describe('library replace (re-index and extra captions)', () => {
  it('replaces record and text vector in place; the old text no longer matches', async () => {
    const lib = await Library.open(`replace-${n++}`);
    const ids = [];
    for (let i = 1; i <= 5; i++) ids.push(await lib.commit(prepared(i, 16)));
    const before = await vectorsById(lib.db, ids[2]!);
    await lib.replace(ids[2]!, { ...prepared(3, 16, ['a green tractor', 'a tractor in a field', 'farm machine']), textVector: unit(16, 99) }, true);
    const row = (await lib.row(ids[2]!))!;
    expect(row.record.captions).toEqual(['a green tractor', 'a tractor in a field', 'farm machine']);
    expect(await lib.count()).toBe(5);
    // Kept visual vector, new text vector.
    const after = (await vectorsById(lib.db, ids[2]!))!;
    expect(Array.from(after.visual)).toEqual(Array.from(before!.visual));
    expect(Array.from(after.text)).not.toEqual(Array.from(before!.text));
    const hits = await lib.searchText('tractor', unit(16, 99), 3);
    expect(hits[0]?.id).toBe(ids[2]);
    expect((await lib.searchText('kite', undefined, 10)).map((h) => h.id)).not.toContain(ids[2]);
    // Reopened from storage: the same.
    const again = await Library.open(lib.db.name);
    expect((await again.searchText('tractor', unit(16, 99), 3))[0]?.id).toBe(ids[2]);
    expect((await checkLibrary(again.db)).problems).toEqual([]);
  });

  it('starts a new text forest when the embedder dimension changes; the others wait for their turn', async () => {
    const lib = await Library.open(`replace-${n++}`);
    const ids = [];
    for (let i = 1; i <= 4; i++) ids.push(await lib.commit(prepared(i, 16)));
    const m2 = { captioner: 'cap-a', embedder: 'emb-b' };
    await lib.replace(ids[0]!, { ...prepared(1, 32, undefined, m2), textVector: unit(32, 7) }, true);
    expect((await lib.searchText('zzz', unit(32, 7), 4)).map((h) => h.id)).toEqual([ids[0]]);
    // The replaced generation's blocks are gone once the commit landed.
    const keys = (await lib.db.getAllKeys('forest-blocks')).filter(([f]) => f === 'text').map(([, k]) => k);
    expect(keys.filter((k) => k.startsWith('g1/'))).toEqual([]);
    expect(keys.some((k) => k.startsWith('g2/'))).toBe(true);
    // An image not re-indexed yet can still be removed; keyword search still finds the rest.
    await lib.remove([ids[1]!]);
    expect((await lib.searchText('kite', undefined, 10)).map((h) => h.id).sort()).toEqual([ids[0], ids[2], ids[3]].sort());
    await lib.replace(ids[2]!, { ...prepared(3, 32, undefined, m2), textVector: unit(32, 8) }, true);
    const reopened = await Library.open(lib.db.name);
    expect((await reopened.searchText('zzz', unit(32, 8), 1))[0]?.id).toBe(ids[2]);
    const rows = await allRows(reopened.db);
    expect(rows.map((r) => staleness(r, { ...m2, captionCount: 1, reindex: true }))).toEqual([undefined, undefined, 'models']);
    // Half-way through a re-index the library is consistent: the old-dimension image is waiting, not lost.
    expect((await checkLibrary(reopened.db)).problems).toEqual([]);
  });

  it('counts stale images from indexes, as staleness judges each row', async () => {
    const lib = await Library.open(`replace-${n++}`);
    const other = { captioner: 'cap-b', embedder: 'emb-a' };
    await lib.commit(prepared(1, 16, ['one caption']));
    await lib.commit(prepared(2, 16, ['first', 'second', 'third']));
    await lib.commit(prepared(3, 16, ['a', 'b'], other));
    // Other pairs sort on both sides of the wanted one: [cap-0, …] and [cap-a, emb-0] before, cap-b after.
    await lib.commit(prepared(5, 16, ['c'], { captioner: 'cap-0', embedder: 'emb-a' }));
    await lib.commit(prepared(6, 16, ['d'], { captioner: 'cap-a', embedder: 'emb-0' }));
    // A record without captionsAsked (any writer but indexing) is stored with its captions' count.
    const { captionsAsked: _dropped, ...oldRecord } = prepared(4, 16).record;
    const legacyId = await lib.commit({ ...prepared(4, 16, ['an old row without captionsAsked']), record: oldRecord });
    expect((await lib.row(legacyId))!.record.captionsAsked).toBe(1);
    const rows = await allRows(lib.db);
    for (const captionCount of [1, 2, 3, 4]) {
      const want = { ...models, captionCount, reindex: true, ocr: captionCount % 2 === 0 };
      const expected = { models: 0, captions: 0, text: 0 };
      for (const r of rows) {
        const kind = staleness(r, want);
        if (kind) expected[kind]++;
      }
      expect(await countStale(lib, want), `captionCount ${captionCount}`).toEqual(expected);
    }
    expect(await countStale(lib, { ...models, captionCount: 3, reindex: true })).toEqual({ models: 3, captions: 2, text: 0 });
  });

  it('a re-description survives a restart that never saved the lexical snapshot', async () => {
    const name = `replace-${n++}`;
    const first = await Library.open(name);
    const ids = [];
    for (let i = 1; i <= 4; i++) ids.push(await first.commit(prepared(i, 16)));
    await first.close(); // saves the snapshot: every photo is a red kite
    const second = await Library.open(name);
    await second.replace(ids[1]!, prepared(2, 16, ['a green tractor in a field']), true);
    // The tab dies before its debounced snapshot save: the next open must still know the new words.
    const third = await Library.open(name);
    expect((await third.searchText('tractor', undefined, 5)).map((h) => h.id)).toEqual([ids[1]]);
    expect((await third.searchText('kite', undefined, 5)).map((h) => h.id)).not.toContain(ids[1]);
  });

  it('tells stale records apart', () => {
    const row = { record: { ...buildRecord(['a dog'], models), captionsAsked: 1 } } as Parameters<typeof staleness>[0];
    expect(staleness(row, { ...models, captionCount: 3, reindex: false })).toBe('captions');
    expect(staleness(row, { ...models, captionCount: 1, reindex: false })).toBeUndefined();
    expect(staleness(row, { ...models, embedder: 'other', captionCount: 1, reindex: false })).toBeUndefined();
    expect(staleness(row, { ...models, embedder: 'other', captionCount: 1, reindex: true })).toBe('models');
  });
});
