import 'fake-indexeddb/auto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BLOBS_PENDING, DB_VERSION, MIGRATIONS, openGlimpseDB } from '../../src/storage/db.ts';
import { convertBlobs } from '../../src/storage/convert-blobs.ts';
import { thumbById } from '../../src/storage/library-store.ts';
import { listQueue, queueItem } from '../../src/storage/queue-store.ts';
import { dumpDatabase, type DatabaseDump, type Json, restoreDump } from '../../src/storage/dump.ts';
import { FOREST_BLOCKS } from '../../src/storage/forest-idb-store.ts';
import { FORMAT_VERSION } from '../../src/core/forest/block-codec.ts';
import { checkLibrary } from '../../workers/lib/consistency.ts';
import { blobsIn } from './dump-blobs.ts';
import { replaceFirstPhoto } from './recommit.ts';
import { Library } from '../../workers/lib/library.ts';

// Every released schema, as a real library dumped by the build of its day (test/fixtures/schema/),
// opens with the current code with nothing lost: rows, thumbnails, vectors, forest blocks, the
// queue; the consistency check finds 0 problems and search finds the images.
const DIR = path.resolve(import.meta.dirname, '../fixtures/schema');
const fixtures = readdirSync(DIR)
  .filter((f) => /^v\d+\.json$/.test(f))
  .map((f) => JSON.parse(readFileSync(path.join(DIR, f), 'utf8')) as DatabaseDump)
  .sort((a, b) => a.version - b.version);
let dbCount = 0;

/** fake-indexeddb keeps a File as a plain Blob (name and date dropped): compare the bytes and type. */
function normalise(j: Json): Json {
  if (Array.isArray(j)) return j.map(normalise);
  if (j === null || typeof j !== 'object') return j;
  if ('$blob' in j) return { $blob: j.$blob!, type: j.type ?? '' };
  return Object.fromEntries(Object.entries(j).map(([k, v]) => [k, normalise(v)]));
}

/** A dumped thumbnail or queue row as v4 leaves it once convertBlobs ran: the Blob's bytes, as an ArrayBuffer. */
function asBytes(store: string, entry: Json): Json {
  const [key, row] = entry as [Json, Record<string, Json>];
  if (store === 'thumbs' && row.$blob !== undefined) return [key, { bytes: { $ab: row.$blob }, type: row.type ?? '' }];
  const file = row.file as Record<string, Json> | undefined;
  if (store === 'queue' && file?.$blob !== undefined) {
    const { file: _file, ...rest } = row;
    return [key, { ...rest, bytes: { $ab: file.$blob } }];
  }
  return entry;
}

/** A dumped [key, row] of the images store as the v3 migration leaves it. */
function withCaptionsAsked(entry: Json): Json {
  const [key, row] = entry as [Json, { record: { captions: string[]; captionsAsked?: number } }];
  return [key, { ...row, record: { ...row.record, captionsAsked: row.record.captionsAsked ?? row.record.captions.length } }] as Json;
}

/** Loads a fixture into a new database built by that version's migrations only. */
async function restoreAtItsVersion(fixture: DatabaseDump): Promise<string> {
  const name = `upgrade-${fixture.version}-${dbCount++}`;
  const old = await openGlimpseDB(name, MIGRATIONS.slice(0, fixture.version));
  expect(old.version).toBe(fixture.version);
  await restoreDump(old, fixture);
  old.close();
  return name;
}

describe('schema upgrades', () => {
  it('keeps a fixture of every released schema version', () => {
    // The current version is released with its code; every one before it needs its fixture.
    const have = fixtures.map((f) => f.version);
    for (let v = 1; v < DB_VERSION; v++) expect(have, `test/fixtures/schema/v${v}.json (see src/storage/db.ts)`).toContain(v);
    for (const f of fixtures) expect(f.version).toBeLessThanOrEqual(DB_VERSION);
  });

  it.each(fixtures.map((f) => [f.version, f] as const))('opens a v%i library with the current code, nothing lost', async (_v, fixture) => {
    const name = await restoreAtItsVersion(fixture);
    const lib = await Library.open(name);
    expect(lib.db.version).toBe(DB_VERSION);
    // v4: thumbnails and queued files are rewritten as bytes after the open (convert-blobs.ts).
    const queued = fixture.stores.queue!.rows.length;
    expect(await lib.converted).toEqual({ thumbs: fixture.stores.thumbs!.rows.length, queue: queued, unreadable: 0 });

    // Every row of every store the fixture had, unchanged but for what a migration adds (v3:
    // `captionsAsked` from the captions, where the record had none). Forests of an older block
    // format are rewritten by the background pass (below): their contents are checked by the
    // consistency check (every image in both forests, with the vector the vector store holds).
    const now = await dumpDatabase(lib.db);
    for (const [store, dumped] of Object.entries(fixture.stores)) {
      if (store === FOREST_BLOCKS) continue;
      const expected = store === 'images' ? dumped.rows.map(withCaptionsAsked) : dumped.rows.map((r) => asBytes(store, r));
      expect(now.stores[store]?.rows.map(normalise), store).toEqual(expected.map(normalise));
      for (const ix of dumped.indexes) expect(now.stores[store]!.indexes, `${store} index ${ix.name}`).toContainEqual(ix);
    }
    const images = fixture.stores.images!.rows.length;
    expect(images).toBeGreaterThan(0);

    // What v2 added: the handles store (empty after an upgrade), images by date taken.
    expect(now.stores.handles?.rows).toEqual(fixture.stores.handles?.rows ?? []);
    expect((await lib.db.getAllFromIndex('images', 'by-taken')).length).toBe(images);
    // What v3 added: every row in both model indexes, so stale counts read no records.
    expect(await lib.db.countFromIndex('images', 'by-models')).toBe(images);
    expect(await lib.db.countFromIndex('images', 'by-asked')).toBe(images);
    // What v4 added: no Blob left in any store (WebKit cannot keep one), the conversion marker
    // gone, every queue row in the 'info' index (listing reads no bytes), the queued file readable.
    expect(blobsIn(now)).toEqual([]);
    expect(await lib.db.get('meta', BLOBS_PENDING)).toBeUndefined();
    expect(await lib.db.countFromIndex('queue', 'info')).toBe(queued);
    expect((await listQueue(lib.db)).map((q) => q.name)).toEqual(fixture.stores.queue!.rows.map(([, r]) => (r as { name: string }).name));

    const report = await checkLibrary(lib.db);
    expect(report.problems).toEqual([]);
    expect(report.counts).toMatchObject({ images, thumbs: images, vectors: images, text: images, visual: images, queue: fixture.stores.queue!.rows.length });

    // Forests of an older block format (every fixture's) are not searched until the background
    // pass rewrites them from their own vectors (test/unit/forest-upgrade-pass.test.ts).
    expect(await lib.outdatedForests()).toBe(2);
    expect(await lib.upgradeForests()).toBe(2);
    expect(await lib.outdatedForests()).toBe(0);

    // Search finds each image: by its caption (lexical + text forest) and by its own visual vector.
    for (const row of await lib.db.getAll('images')) {
      const byText = await lib.searchText(row.record.captions.join(' '), undefined, 10);
      expect(byText.map((r) => r.id), `text search for ${row.name}`).toContain(row.id);
      const byImage = await lib.searchVisual((await lib.visualVectorOf(row.id))!, 3);
      expect(byImage[0]?.id, `visual search for ${row.name}`).toBe(row.id);
    }

    // Both forests (each opened on first use) are now in the current format.
    for (const name of ['text', 'visual']) {
      const meta = new Uint8Array((await lib.db.get(FOREST_BLOCKS, [name, 'meta'])) as ArrayBuffer);
      expect(new DataView(meta.buffer).getUint16(4, true), `${name} forest format`).toBe(FORMAT_VERSION);
    }

    // The upgraded library takes removals and new images like a new one.
    const id = await replaceFirstPhoto(lib);
    expect(await lib.count()).toBe(images);
    expect(blobsIn(await dumpDatabase(lib.db))).toEqual([]);
    expect((await lib.searchVisual((await lib.visualVectorOf(id))!, 1))[0]?.id).toBe(id);
    expect((await checkLibrary(lib.db)).problems).toEqual([]);
    lib.db.close();
  });
  it.each(fixtures.map((f) => [f.version, f] as const))('reads a v%i library in both forms while its Blobs are rewritten as bytes', async (_v, fixture) => {
    const name = await restoreAtItsVersion(fixture);
    const db = await openGlimpseDB(name);
    // Upgraded, not yet converted: the old Blobs are still there, and every reader takes them.
    expect(blobsIn(await dumpDatabase(db)).length).toBe(fixture.stores.thumbs!.rows.length + fixture.stores.queue!.rows.length);
    expect(await db.get('meta', BLOBS_PENDING)).toBeDefined();
    const bytesOf = async (b: Blob | undefined): Promise<string> => Buffer.from(await b!.arrayBuffer()).toString('base64');
    const thumbs = fixture.stores.thumbs!.rows as [number, { $blob: string; type: string }][];
    const queue = fixture.stores.queue!.rows as [number, { name: string; file: { $blob: string; type: string } }][];
    const read = async (): Promise<unknown> => ({
      thumbs: await Promise.all(thumbs.map(async ([id]) => { const t = await thumbById(db, id); return [await bytesOf(t), t!.type]; })),
      queue: await Promise.all(queue.map(async ([id]) => { const q = await queueItem(db, id); return [q!.name, await bytesOf(q!.file), q!.file.type]; })),
      listed: (await listQueue(db)).map((q) => q.name),
      problems: (await checkLibrary(db)).problems,
    });
    const expected = {
      thumbs: thumbs.map(([, t]) => [t.$blob, t.type]),
      queue: queue.map(([, q]) => [q.name, q.file.$blob, q.file.type]),
      listed: queue.map(([, q]) => q.name),
      problems: [],
    };
    expect(await read()).toEqual(expected);
    // Two tabs converting at once: each row is rewritten once, and the result reads the same.
    const [a, b] = await Promise.all([convertBlobs(db), convertBlobs(db)]);
    expect(a.thumbs + b.thumbs).toBe(thumbs.length);
    expect(a.queue + b.queue).toBe(queue.length);
    expect(blobsIn(await dumpDatabase(db))).toEqual([]);
    expect(await db.get('meta', BLOBS_PENDING)).toBeUndefined();
    expect(await read()).toEqual(expected);
    // Done: the next open reads the marker only.
    expect(await convertBlobs(db)).toEqual({ thumbs: 0, queue: 0, unreadable: 0 });
    db.close();
  });
});
