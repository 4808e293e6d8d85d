import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORMAT_VERSION } from '../../src/core/forest/block-codec.ts';
import { MIGRATIONS, openGlimpseDB } from '../../src/storage/db.ts';
import { dumpDatabase, restoreDump, type DatabaseDump } from '../../src/storage/dump.ts';
import { FOREST_BLOCKS } from '../../src/storage/forest-idb-store.ts';
import { checkLibrary } from '../../workers/lib/consistency.ts';
import { Library } from '../../workers/lib/library.ts';
import { replaceFirstPhoto } from './recommit.ts';

// A person's library from before forest format 4: the schema v3 fixture, made by main's build,
// holds both forests in block format 3 (int8 vectors, unrotated sketches). After the update the
// library opens at once, answers keyword searches, and the background pass rewrites both forests
// from their own vectors, with progress; a Stop leaves the old forests as they were.
const fixture = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/schema/v3.json'), 'utf8')) as DatabaseDump;

async function restored(name: string): Promise<Library> {
  const old = await openGlimpseDB(name, MIGRATIONS.slice(0, fixture.version));
  await restoreDump(old, fixture);
  old.close();
  return Library.open(name);
}

const formatOf = async (lib: Library, forest: string): Promise<number> => new DataView((await lib.db.get(FOREST_BLOCKS, [forest, 'meta'])) as ArrayBuffer).getUint16(4, true);
const forestBlocks = async (lib: Library): Promise<unknown> => (await dumpDatabase(lib.db)).stores[FOREST_BLOCKS];

describe('forests stored in format 3 after the update', () => {
  it('are rewritten in the background with progress; a stop keeps the old ones; then searched', async () => {
    const lib = await restored('forest-upgrade-pass');
    expect(await formatOf(lib, 'text')).toBe(3);
    expect(await lib.outdatedForests()).toBe(2);
    const rows = await lib.db.getAll('images');
    expect(rows.length).toBeGreaterThan(1);

    // Meanwhile: keyword search finds each photo; the forests are not searched.
    for (const row of rows) {
      expect((await lib.searchText(row.record.captions.join(' '), undefined, 10)).map((r) => r.id)).toContain(row.id);
      expect(await lib.searchVisual((await lib.visualVectorOf(row.id))!, 3)).toEqual([]);
    }

    // Stopped after the first tree: nothing of the new generation is left, the old forests stand.
    const before = await forestBlocks(lib);
    const stop = new AbortController();
    await expect(lib.upgradeForests(stop.signal, () => stop.abort())).rejects.toMatchObject({ name: 'AbortError' });
    expect(await forestBlocks(lib)).toEqual(before);
    expect(await lib.outdatedForests()).toBe(2);
    expect((await checkLibrary(lib.db)).problems).toEqual([]);

    // The pass again, to the end: progress rises to its total, both forests in the current format.
    const progress: { done: number; total: number }[] = [];
    expect(await lib.upgradeForests(undefined, (p) => progress.push(p))).toBe(2);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)!.done).toBe(progress.at(-1)!.total);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.done).toBeGreaterThan(progress[i - 1]!.done);
    expect(await formatOf(lib, 'text')).toBe(FORMAT_VERSION);
    expect(await formatOf(lib, 'visual')).toBe(FORMAT_VERSION);
    expect(await lib.outdatedForests()).toBe(0);
    expect(await lib.upgradeForests()).toBe(0);

    // Searched again: each photo is its own nearest by its visual vector; the check finds nothing wrong.
    for (const row of rows) expect((await lib.searchVisual((await lib.visualVectorOf(row.id))!, 3))[0]?.id).toBe(row.id);
    const report = await checkLibrary(lib.db);
    expect(report.problems).toEqual([]);
    expect(report.counts).toMatchObject({ text: rows.length, visual: rows.length });
    await lib.close();
  });

  it('is upgraded first, inline, when a photo is written before the pass ran', async () => {
    const lib = await restored('forest-upgrade-write');
    // The first write after the update (a removal) rewrites both forests before it runs.
    const id = await replaceFirstPhoto(lib);
    expect(await formatOf(lib, 'text')).toBe(FORMAT_VERSION);
    expect(await lib.outdatedForests()).toBe(0);
    expect((await lib.searchVisual((await lib.visualVectorOf(id))!, 1))[0]?.id).toBe(id);
    expect((await checkLibrary(lib.db)).problems).toEqual([]);
    await lib.close();
  });
});
