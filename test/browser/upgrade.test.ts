import 'fake-indexeddb/auto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DB_VERSION, MIGRATIONS, openGlimpseDB } from '../../src/storage/db.ts';
import { dumpDatabase, restoreDump, type DatabaseDump, type Json } from '../../src/storage/dump.ts';
import { Library } from '../../workers/lib/library.ts';
import { imageCount, waitIndexed } from './helpers/app-page';
import { launch, openPage } from './helpers/browser';

// Schema upgrades in Chromium's own IndexedDB. Every released version's fixture
// (test/fixtures/schema/v*.json, a real library dumped by that version's build; a new file joins by
// itself) is written into Chromium at its own version, with the schema the dump records, before the
// app has run; then the built app opens it and upgrades it. The rows it ends with must be those the
// same upgrade gives on fake-indexeddb (test/unit/upgrade.test.ts checks those against the fixture),
// and the library must check clean and go on indexing. Then an upgrade while the app is open in
// another tab: that tab lets go of the database and asks to be reloaded.
const DIR = path.resolve(import.meta.dirname, '../fixtures/schema');
const fixtures = readdirSync(DIR)
  .filter((f) => /^v\d+\.json$/.test(f))
  .map((f) => JSON.parse(readFileSync(path.join(DIR, f), 'utf8')) as DatabaseDump)
  .sort((a, b) => a.version - b.version);

/** Per-photo stores; forest blocks (rewritten from the vectors on open) and meta (the app's caches) are left to the consistency check. */
const compared = (dump: DatabaseDump): string[] => Object.keys(dump.stores).filter((s) => s !== 'forest-blocks' && s !== 'meta');

/** fake-indexeddb keeps a File as a plain Blob (name and date dropped): compare the bytes and type. */
function normalise(j: Json): Json {
  if (Array.isArray(j)) return j.map(normalise);
  if (j === null || typeof j !== 'object') return j;
  if ('$blob' in j) return { $blob: j.$blob!, type: j.type ?? '' };
  return Object.fromEntries(Object.entries(j).map(([k, v]) => [k, normalise(v)]));
}

/** The same fixture upgraded by the same code on fake-indexeddb. */
async function reference(fixture: DatabaseDump): Promise<DatabaseDump> {
  const name = `reference-v${fixture.version}`;
  const old = await openGlimpseDB(name, MIGRATIONS.slice(0, fixture.version));
  await restoreDump(old, fixture);
  old.close();
  const lib = await Library.open(name);
  await lib.converted; // v4 rewrites older Blobs as bytes after open
  const dump = await dumpDatabase(lib.db);
  lib.db.close();
  return dump;
}

// Plain JavaScript run in the page (a string: no bundler helpers). Creates the database at the
// dump's version with the dump's own stores and indexes, and writes its rows (dump.ts's encoding).
const RESTORE = `async (dump) => {
  const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const decode = (j) => {
    if (j === null || typeof j !== 'object') return j;
    if (Array.isArray(j)) return j.map(decode);
    if ('$undefined' in j) return undefined;
    if ('$num' in j) return Number(j.$num);
    if ('$blob' in j) return 'name' in j ? new File([bytes(j.$blob)], j.name, { type: j.type ?? '', lastModified: j.lastModified }) : new Blob([bytes(j.$blob)], { type: j.type ?? '' });
    if ('$ab' in j) return bytes(j.$ab).buffer;
    if ('$ta' in j) { const b = bytes(j.b64); const C = globalThis[j.$ta]; return new C(b.buffer, 0, b.byteLength / C.BYTES_PER_ELEMENT); }
    if ('$date' in j) return new Date(j.$date);
    if ('$handle' in j) return undefined;
    return Object.fromEntries(Object.entries(j).map(([k, v]) => [k, decode(v)]));
  };
  const db = await new Promise((ok, no) => {
    const r = indexedDB.open(dump.name, dump.version);
    r.onupgradeneeded = () => {
      for (const [name, s] of Object.entries(dump.stores)) {
        const st = r.result.createObjectStore(name, { keyPath: s.keyPath, autoIncrement: s.autoIncrement });
        for (const ix of s.indexes) st.createIndex(ix.name, ix.keyPath, { unique: ix.unique, multiEntry: ix.multiEntry });
      }
    };
    r.onsuccess = () => ok(r.result);
    r.onerror = () => no(r.error);
  });
  const names = Object.keys(dump.stores);
  await new Promise((ok, no) => {
    const tx = db.transaction(names, 'readwrite');
    for (const name of names) {
      const st = tx.objectStore(name);
      for (const [key, value] of dump.stores[name].rows) st.keyPath === null ? st.put(decode(value), decode(key)) : st.put(decode(value));
    }
    tx.oncomplete = ok;
    tx.onabort = () => no(tx.error);
  });
  db.close();
  return db.version;
}`;

/** A page of the app's origin that is not the app (nothing there opens the library). */
const bare = (context: BrowserContext, url: string): Promise<Page> => context.newPage().then(async (p) => (await p.goto(new URL('favicon.svg', url).href), p));

describe('schema upgrades in Chromium', () => {
  let browser: Browser;
  const url = inject('baseURL');

  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser.close();
  });

  /** A fresh profile holding `fixture` at its own version; the app opened on it, queue paused. */
  async function upgraded(fixture: DatabaseDump): Promise<{ context: BrowserContext; app: { page: Page; errors: string[] } }> {
    const context = await browser.newContext();
    const page = await bare(context, url);
    expect(await page.evaluate(`(${RESTORE})(${JSON.stringify(fixture)})`)).toBe(fixture.version);
    await page.close();
    // Paused: the fixture's queued file waits until the rows are compared (and no background pass rewrites records).
    await context.addInitScript(() => localStorage.setItem('glimpse.queue.paused', '1'));
    const app = await openPage(context, `${url}?testHooks&models=test/tiny`);
    await app.page.waitForFunction(() => window.__glimpse !== undefined);
    return { context, app };
  }

  it('has a fixture to run', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  it.each(fixtures.map((f) => [f.version, f] as const))('a v%i library upgrades in Chromium with nothing lost, checks clean and goes on indexing', async (_v, fixture) => {
    const { context, app } = await upgraded(fixture);
    const images = fixture.stores.images!.rows.length;
    const queued = fixture.stores.queue!.rows.length;
    expect(await imageCount(app.page)).toBe(images);

    const [now, want] = await Promise.all([app.page.evaluate(() => window.__glimpse!.dumpLibrary()), reference(fixture)]);
    expect(now.version).toBe(DB_VERSION);
    expect(Object.keys(now.stores).sort()).toEqual(Object.keys(want.stores).sort());
    for (const store of compared(want)) {
      expect(now.stores[store]!.rows.map(normalise), store).toEqual(want.stores[store]!.rows.map(normalise));
      expect(now.stores[store]!.indexes, `${store} indexes`).toEqual(want.stores[store]!.indexes);
    }
    // Since v4 a queued file is its bytes with its name and date in the row (the File's own were kept by Chromium only).
    for (const [, row] of now.stores.queue!.rows) expect(row).toMatchObject({ name: expect.any(String) as unknown, bytes: expect.anything() as unknown });

    const report = await app.page.evaluate(() => window.__glimpse!.checkLibrary());
    expect(report.problems).toEqual([]);
    expect(report.counts).toMatchObject({ images, thumbs: images, vectors: images, text: images, visual: images, queue: queued });

    // The fixture's queued file is indexed into the upgraded library.
    await app.page.getByTestId('index-resume').click();
    await waitIndexed(app.page);
    expect(await imageCount(app.page)).toBe(images + queued);
    expect((await app.page.evaluate(() => window.__glimpse!.checkLibrary())).problems).toEqual([]);
    expect(app.errors).toEqual([]);
    await context.close();
  });

  it('an upgrade while the app is open in another tab: that tab lets go at once and asks to be reloaded', async () => {
    const fixture = fixtures.at(-1)!;
    const { context, app } = await upgraded(fixture);
    expect(await imageCount(app.page)).toBe(fixture.stores.images!.rows.length);
    // A newer version of the app, in another tab, opens the library one version up.
    const newer = await bare(context, url);
    const opened = await newer.evaluate(
      ({ version }) =>
        new Promise<{ version: number; images: number; blocked: boolean }>((ok, no) => {
          let blocked = false;
          const r = indexedDB.open('glimpse', version);
          r.onblocked = () => (blocked = true);
          r.onsuccess = () => {
            const db = r.result;
            const count = db.transaction('images').objectStore('images').count();
            count.onsuccess = () => ok({ version: db.version, images: count.result, blocked });
          };
          r.onerror = () => no(r.error);
        }),
      { version: DB_VERSION + 1 },
    );
    // It got the database (the app's connections closed; if one had not, this would wait forever).
    expect(opened).toMatchObject({ version: DB_VERSION + 1, images: fixture.stores.images!.rows.length });
    // The app tab says so without being touched.
    const notice = app.page.getByTestId('version-conflict');
    await notice.waitFor();
    expect(await notice.textContent()).toBe('Glimpse was updated in another tab: reload this page to keep using your library.');
    expect(await notice.getAttribute('role')).toBe('alert');
    // And every call of the old tab now says the same instead of failing obscurely.
    await app.page.getByTestId('search-input').fill('a photo');
    await expect.poll(() => app.page.getByRole('alert').filter({ hasText: 'Search failed' }).textContent()).toContain('reload this page');
    expect(app.errors).toEqual([]);
    await context.close();
  });
});
