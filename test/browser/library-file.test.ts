import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { imageCount, openApp, sharedImages, waitIndexed } from './helpers/app-page';
import { BlobReader, Uint8ArrayWriter, ZipReader } from '../../src/archive/zip';
import { formatBytes } from '../../src/ui/errors';
import { badLibraryFiles } from '../fixtures/bad-library-files';
import { fixturePhotos, FIXTURE_MODELS, writeLibraryFile } from '../fixtures/library-file';
import { dropSavePicker, exportByDownload, exportLibrary, ImportRefused, importFile, importOutcome, importRun, openSettings, savePickedFile, storedRows, stubSavePicker } from './helpers/transfer-page';
import { useBrowser } from './helpers/use-browser';

// Issue 14: the library travels as one .glimpse file. 20 photos indexed in profile A are exported
// (through the save picker's file handle), imported into a fresh profile B: the same rows, and the
// same ranked results for text and image queries; a second import adds nothing; the download path
// (no save picker) writes a file that imports too; a profile whose models cannot load still gets
// a searchable library. One export is shared by the tests.
const QUERIES = ['a dog running on the grass', 'two children playing', 'a man on a bike', 'people at the beach', 'a boat on the water', 'a girl in a red dress', 'snow and mountains', 'a black and white dog', 'a crowd in the street', 'someone climbing a rock'];

describe('library file: export and import', () => {
  let browser: Browser;
  const url = inject('baseURL');
  const dir = mkdtempSync(path.join(tmpdir(), 'glimpse-library-file-'));
  const picked = path.join(dir, 'picked.glimpse');
  const photos = sharedImages(20);
  const imageQueries = [photos[2]!, photos[9]!, photos[17]!].map((p) => ({ name: path.basename(p), b64: readFileSync(p).toString('base64') }));
  let a: { context: BrowserContext; page: Page };

  useBrowser((b) => (browser = b));

  /** A profile of its own (a new context), one caption per photo and no background captions: records stay as exported. */
  async function profile(init?: (c: BrowserContext) => Promise<void>, query = '&testHooks'): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({ acceptDownloads: true });
    await context.addInitScript(() => localStorage.setItem('glimpse.captions', JSON.stringify({ atOnce: 1, total: 1 })));
    if (init) await init(context);
    const { page, errors } = await openApp(context, url, query);
    await page.waitForFunction(() => window.__glimpse !== undefined);
    return { context, page, errors };
  }

  /** Names and scores of the ranked results: ids differ between profiles, nothing else may. */
  const ranked = (page: Page): Promise<{ text: string[][]; image: string[][] }> =>
    page.evaluate(
      async ({ queries, images }) => {
        const g = window.__glimpse!;
        const show = (rows: { name: string; score: number }[]): string[] => rows.map((r) => `${r.name} ${r.score.toFixed(5)}`);
        const text = [];
        for (const q of queries) text.push(show(await g.search(q, 10)));
        const image = [];
        for (const i of images) {
          const file = new File([Uint8Array.from(atob(i.b64), (c) => c.charCodeAt(0))], i.name, { type: 'image/jpeg' });
          image.push(show(await g.searchByImage(file, 10)));
        }
        return { text, image };
      },
      { queries: QUERIES, images: imageQueries },
    );
  const stored = (page: Page): Promise<number> => page.evaluate(async () => (await window.__glimpse!.libraryStatus()).count);
  const problems = (page: Page): Promise<string[]> => page.evaluate(async () => (await window.__glimpse!.checkLibrary()).problems.map((p) => `${p.kind}: ${p.detail}`));

  beforeAll(async () => {
    a = await profile(stubSavePicker);
    await a.page.getByTestId('add-files').setInputFiles(photos);
    await waitIndexed(a.page);
    expect(await imageCount(a.page)).toBe(20);
    const said = await exportLibrary(a.page);
    expect(said).toMatch(/^Saved picked-glimpse-library-\d{4}-\d\d-\d\d\.glimpse: 20 photo\(s\)/);
    expect(await savePickedFile(a.page, picked)).toBeGreaterThan(1000);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round trip into a fresh profile: same rows, same ranked results, 0 problems; a second import adds 0', async () => {
    const b = await profile();
    try {
      expect(await imageCount(b.page)).toBe(0);
      expect(await importFile(b.page, picked)).toBe('Imported picked.glimpse: 20 photo(s) added, 0 already in your library.');
      expect(await stored(b.page)).toBe(20);
      expect(await storedRows(b.page)).toEqual(await storedRows(a.page));
      const [inA, inB] = [await ranked(a.page), await ranked(b.page)];
      expect(inA.text.every((r) => r.length > 0) && inA.image.every((r) => r.length > 0)).toBe(true);
      expect(inB).toEqual(inA);
      expect(await problems(b.page)).toEqual([]);
      expect(await importFile(b.page, picked)).toBe('Imported picked.glimpse: 0 photo(s) added, 20 already in your library.');
      expect(await stored(b.page)).toBe(20);
      expect(await problems(b.page)).toEqual([]);
      expect(b.errors).toEqual([]);
    } finally {
      await b.context.close();
    }
  });

  it('the exported file opens in place (the pack it carries): 20 photos searched, nothing stored', async () => {
    const b = await profile();
    try {
      await openSettings(b.page);
      await b.page.getByTestId('open-library-file').setInputFiles(picked);
      await expect.poll(() => b.page.getByTestId('pack-library').textContent(), { timeout: 60_000 }).toContain('Library file: 20 photos from picked.glimpse');
      const names = new Set(photos.map((p) => path.basename(p)));
      for (const q of QUERIES.slice(0, 3)) {
        const shown = await b.page.evaluate(async (q) => (await window.__glimpse!.search(q, 10)).map((r) => r.name), q);
        expect(shown.length).toBeGreaterThan(0);
        for (const n of shown) expect(names.has(n)).toBe(true);
      }
      expect(await storedRows(b.page)).toEqual([]);
    } finally {
      await b.context.close();
    }
  });

  it('without a save picker the export is downloaded, and that file imports', async () => {
    const c = await profile(dropSavePicker);
    const downloaded = path.join(dir, 'downloaded.glimpse');
    try {
      expect(await c.page.evaluate(() => 'showSaveFilePicker' in window)).toBe(false);
      expect(await importFile(c.page, picked)).toMatch(/: 20 photo\(s\) added/);
      expect(await exportByDownload(c.page, downloaded)).toMatch(/^Downloaded glimpse-library-\d{4}-\d\d-\d\d\.glimpse: 20 photo\(s\)/);
      expect(readFileSync(downloaded).subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    } finally {
      await c.context.close();
    }
    const d = await profile();
    try {
      expect(await importFile(d.page, downloaded)).toBe('Imported downloaded.glimpse: 20 photo(s) added, 0 already in your library.');
      expect(await storedRows(d.page)).toEqual(await storedRows(a.page));
    } finally {
      await d.context.close();
    }
  });

  it('a profile whose models cannot load imports the file and searches it by keywords', async () => {
    // Model files unreachable (and the hub off, as in test mode): no model can load in this profile.
    const e = await profile(async (c) => {
      await c.route('**/models/**', (r) => r.abort());
    });
    try {
      expect(await importFile(e.page, picked)).toMatch(/: 20 photo\(s\) added/);
      const rows = (await storedRows(e.page)) as { name: string; record: { captions: string[] } }[];
      // A word of one photo's caption: keyword search finds that photo without any model.
      const word = rows[0]!.record.captions[0]!.split(/\s+/).find((w) => /^[a-z]{4,}$/i.test(w))!;
      await e.page.getByTestId('nav-settings').evaluate(() => (location.hash = '#/'));
      await e.page.getByTestId('search-input').fill(word);
      await e.page.getByTestId('keyword-only').waitFor({ timeout: 60_000 });
      await e.page.getByTestId('result').first().waitFor({ timeout: 60_000 });
      const names = await e.page.getByTestId('result').evaluateAll((els) => els.map((el) => el.getAttribute('data-name')));
      expect(names).toContain(rows[0]!.name);
      // "More like this" needs no model either: the stored visual vectors answer it.
      const similar = await e.page.evaluate(async () => {
        const [item] = await window.__glimpse!.listLibrary();
        return (await window.__glimpse!.similarTo(item!.id)).length;
      });
      expect(similar).toBeGreaterThan(0);
      expect(await problems(e.page)).toEqual([]);
    } finally {
      await e.context.close();
    }
  });

  it('refuses each bad file with its message; the library is unchanged and the check finds 0 problems', async () => {
    const f = await profile();
    try {
      await importFile(f.page, picked);
      const before = await storedRows(f.page);
      const { bad } = await badLibraryFiles();
      expect(bad.length).toBeGreaterThanOrEqual(12);
      for (const b of bad) {
        const file = path.join(dir, b.name);
        writeFileSync(file, b.bytes);
        const refused = await importFile(f.page, file).then(
          (done) => `imported: ${done}`,
          (e: unknown) => (e instanceof ImportRefused ? e.message : `failed: ${String(e)}`),
        );
        expect(refused, b.kind).toMatch(b.message);
        expect(await stored(f.page), b.kind).toBe(20);
      }
      // Markup in a refused file is shown as text: no element is made from it.
      expect(await f.page.locator('[data-testid="import-error"] *').count()).toBe(0);
      expect(await storedRows(f.page)).toEqual(before);
      expect(await problems(f.page)).toEqual([]);
      expect(f.errors).toEqual([]);
    } finally {
      await f.context.close();
    }
  });

  it('photos described by other models: asks first; declined imports nothing; agreed imports them and re-analyses them from their thumbnails', async () => {
    const other = { captioner: FIXTURE_MODELS.captioner, embedder: 'Xenova/all-mpnet-base-v2' };
    const file = path.join(dir, 'other-models.glimpse');
    writeFileSync(file, await writeLibraryFile(await fixturePhotos({ n: 4, seed: 5, prefix: 'other', models: other })));
    const g = await profile();
    try {
      await openSettings(g.page);
      const consent = g.page.getByTestId('import-consent');
      let run = await importRun(g.page);
      await g.page.getByTestId('import-library').setInputFiles(file);
      await consent.waitFor({ timeout: 60_000 });
      expect(await consent.textContent()).toMatch(/4 of the 4 new photo\(s\) in other-models\.glimpse were described by other models \(.*Xenova\/all-mpnet-base-v2.*\)/);
      await g.page.getByTestId('import-decline').click();
      expect(await importOutcome(g.page, run + 1)).toBe('Nothing imported from other-models.glimpse.');
      expect(await stored(g.page)).toBe(0);

      run = await importRun(g.page);
      await g.page.getByTestId('import-library').setInputFiles(file);
      await g.page.getByTestId('import-agree').click({ timeout: 60_000 });
      expect(await importOutcome(g.page, run + 1)).toBe('Imported other-models.glimpse: 4 photo(s) added, 0 already in your library. 4 will be re-analysed with your models.');
      // The re-analysis runs from the thumbnails with the chosen (tiny test) models, then the library is consistent.
      await expect
        .poll(async () => ((await storedRows(g.page)) as { record: { models: { embedder: string } } }[]).map((r) => r.record.models.embedder), { timeout: 120_000 })
        .toEqual(new Array(4).fill(FIXTURE_MODELS.embedder));
      expect(await problems(g.page)).toEqual([]);
      expect(g.errors).toEqual([]);
    } finally {
      await g.context.close();
    }
  });

  it('includes the originals kept through file handles when asked (checkbox with their size), and that file imports', async () => {
    const h = await profile(stubSavePicker);
    const withOriginals = path.join(dir, 'with-originals.glimpse');
    const originals = photos.slice(0, 2);
    try {
      // Headless Chromium has no pickers: OPFS files give real handles, added the way the pickers add files.
      await h.page.evaluate(async (files) => {
        const root = await navigator.storage.getDirectory();
        const picked = [];
        for (const f of files) {
          const handle = await root.getFileHandle(f.name, { create: true });
          const w = await handle.createWritable();
          await w.write(Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0)));
          await w.close();
          picked.push({ file: await handle.getFile(), path: `device/${f.name}`, handle });
        }
        await window.__glimpse!.addPicked(picked);
      }, originals.map((p) => ({ name: path.basename(p), b64: readFileSync(p).toString('base64') })));
      await h.page.getByTestId('add-files').setInputFiles(photos[5]!);
      await expect.poll(() => stored(h.page), { timeout: 90_000 }).toBe(3);
      await waitIndexed(h.page);
      await openSettings(h.page);
      const bytes = originals.reduce((n, p) => n + readFileSync(p).byteLength, 0);
      const box = h.page.getByTestId('export-originals');
      await box.waitFor({ timeout: 60_000 });
      expect(await h.page.locator('label', { has: box }).textContent()).toContain(`Include the original files (2 photo(s), ${formatBytes(bytes)})`);
      await box.check();
      expect(await exportLibrary(h.page)).toMatch(/: 3 photo\(s\), 2 original\(s\),/);
      await savePickedFile(h.page, withOriginals);
    } finally {
      await h.context.close();
    }
    const entries = await new ZipReader(new BlobReader(new Blob([readFileSync(withOriginals)]))).getEntries();
    const kept = entries.filter((e) => e.filename.startsWith('originals/'));
    expect(kept.map((e) => e.filename.split('/').pop()).sort()).toEqual(originals.map((p) => path.basename(p)).sort());
    for (const e of kept) {
      if (e.directory) continue;
      const data = await e.getData(new Uint8ArrayWriter());
      expect(Buffer.from(data).equals(readFileSync(originals.find((p) => e.filename.endsWith(path.basename(p)))!))).toBe(true);
    }
    const i = await profile();
    try {
      expect(await importFile(i.page, withOriginals)).toBe('Imported with-originals.glimpse: 3 photo(s) added, 0 already in your library.');
      expect(await problems(i.page)).toEqual([]);
    } finally {
      await i.context.close();
    }
  });

  it('a .glimpse file dropped on the library page is imported (Settings shows it), not indexed as a photo', async () => {
    const j = await profile();
    try {
      await j.page.getByTestId('empty-library').waitFor({ timeout: 60_000 });
      const b64 = readFileSync(picked).toString('base64');
      await j.page.evaluate((data) => {
        const dt = new DataTransfer();
        dt.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], 'dropped.glimpse'));
        document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, b64);
      expect(await importOutcome(j.page, 1)).toBe('Imported dropped.glimpse: 20 photo(s) added, 0 already in your library.');
      expect(j.page.url()).toMatch(/#\/settings$/);
      expect(await j.page.evaluate(() => window.__glimpse!.queuedFiles().then((q) => q.length))).toBe(0);
    } finally {
      await j.context.close();
    }
  });
});
