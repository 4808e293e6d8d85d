import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { imageCount, openApp, searchText, sharedImages, waitIndexed } from './helpers/app-page';
import { importOutcome, importRun, openSettings, storedRows } from './helpers/transfer-page';
import { useBrowser } from './helpers/use-browser';

// Issue 15, last point: a `.glimpse` file picked from disk is searched in place, through the pack
// it carries (the same reader as a pack over HTTP): text search, keywords with no model at all,
// more like this, thumbnails; nothing is written to the person's own library, and closing the file
// shows that library again, as it was. An older file (no pack) says so and offers to import it.
// Fixtures: npm run fixtures:library-file (300 photos; records cycle over five captions).
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/library-file');
const format2 = path.join(FIXTURES, 'format2.glimpse');
const format1 = path.join(FIXTURES, 'format1.glimpse');
/** Photo k of the fixture is `trip-<k>.jpg`; its captions are caption set k % 5 (test/fixtures/library-file.ts). */
const captionSet = (name: string | null): number => Number(/trip-(\d+)\.jpg/.exec(name ?? '')?.[1]) % 5;
const BOAT = 3, CLIMBER = 4;

describe('a library file opened in place', () => {
  let browser: Browser;
  const url = inject('baseURL');

  useBrowser((b) => (browser = b));

  async function profile(init?: (c: BrowserContext) => Promise<unknown>): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    // One caption per photo and no background captions: the own rows stay as indexed, so any change is a write.
    await context.addInitScript(() => localStorage.setItem('glimpse.captions', JSON.stringify({ atOnce: 1, total: 1 })));
    if (init) await init(context);
    const { page } = await openApp(context, url);
    return { context, page };
  }

  async function openInPlace(page: Page, file: string): Promise<void> {
    await openSettings(page);
    await page.getByTestId('open-library-file').setInputFiles(file);
  }

  // Cards whose rows are read: a text search reads the first screenful's, the others as they scroll near (data-pending until then).
  const resultNames = (page: Page): Promise<(string | null)[]> => page.locator('[data-testid="result"]:not([data-pending])').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));

  it('text search, more like this and thumbnails from the file; the own library untouched, and back on close', async () => {
    const { context, page } = await profile();
    try {
      await page.getByTestId('add-files').setInputFiles(sharedImages(2));
      await waitIndexed(page);
      const own = await storedRows(page);
      expect(own.length).toBe(2);

      await openInPlace(page, format2);
      await expect.poll(() => page.getByTestId('pack-library').textContent(), { timeout: 60_000 }).toContain('Library file: 300 photos from format2.glimpse');
      // The grid's cards get their thumbnails from the file.
      await page.getByTestId('library-item').first().waitFor();
      await expect.poll(() => page.locator('[data-testid="library-item"] img').count()).toBeGreaterThan(10);
      // The first cards' thumbnails decoded (cards further down load as they scroll into view).
      await expect.poll(() => page.locator('[data-testid="library-item"] img').first().evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
      await expect.poll(() => page.getByTestId('add-files').count()).toBe(0);

      // Text search (the tiny embedder and the keyword index): the boat photos come first.
      await searchText(page, 'a red boat on a lake');
      await expect.poll(async () => (await resultNames(page)).slice(0, 10).map(captionSet)).toEqual(new Array(10).fill(BOAT));

      // More like this: the file's visual vectors, the photo itself left out.
      const first = page.getByTestId('result').first();
      const name = await first.getAttribute('data-name');
      await first.getByTestId('more-like-this').click();
      await expect.poll(() => page.getByTestId('results-grid').getAttribute('data-query'), { timeout: 30_000 }).toBe(`like:${name}`);
      await expect.poll(async () => (await resultNames(page)).length).toBeGreaterThan(0);
      expect(await resultNames(page)).not.toContain(name);

      // Nothing was written to the person's own library.
      expect(await storedRows(page)).toEqual(own);

      // Closing shows the own library again, as it was.
      await page.getByTestId('search-input').fill('');
      await page.getByTestId('pack-close-file').click();
      await expect.poll(() => page.getByTestId('pack-library').count()).toBe(0);
      await expect.poll(() => imageCount(page)).toBe(2);
      await page.getByTestId('add-files').waitFor({ state: 'attached' });
      expect(await storedRows(page)).toEqual(own);
    } finally {
      await context.close();
    }
  });

  it('keyword search with the models unavailable', async () => {
    const { context, page } = await profile((c) => c.route('**/models/**', (r) => r.abort()));
    try {
      await openInPlace(page, format2);
      await expect.poll(() => page.getByTestId('pack-library').textContent(), { timeout: 60_000 }).toContain('300 photos from format2.glimpse');
      await searchText(page, 'climber');
      await page.getByTestId('keyword-only').waitFor();
      await expect.poll(async () => new Set((await resultNames(page)).map(captionSet))).toEqual(new Set([CLIMBER]));
      // Scrolled to, the cards left pending get their rows: every result is then a climber photo.
      const pending = page.locator('[data-testid="result"][data-pending]');
      await expect
        .poll(async () => {
          const n = await pending.count();
          if (n > 0) await pending.first().scrollIntoViewIfNeeded();
          return n;
        })
        .toBe(0);
      const all = await resultNames(page);
      expect(all.length).toBe(await page.getByTestId('result').count());
      expect(new Set(all.map(captionSet))).toEqual(new Set([CLIMBER]));
      expect(await storedRows(page).catch(() => [])).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('an older file (no pack): the message names it, and importing it instead works', async () => {
    const { context, page } = await profile();
    try {
      await openInPlace(page, format1);
      const error = page.getByTestId('open-file-error');
      await error.waitFor({ timeout: 60_000 });
      expect(await error.textContent()).toMatch(/^format1\.glimpse was saved by an older Glimpse and cannot be searched in place\. Import it instead/);
      expect(await page.getByTestId('pack-library').count()).toBe(0);
      const run = await importRun(page);
      await page.getByTestId('open-file-import').click();
      expect(await importOutcome(page, run + 1)).toBe('Imported format1.glimpse: 300 photo(s) added, 0 already in your library.');
      expect((await storedRows(page)).length).toBe(300);
    } finally {
      await context.close();
    }
  });
});
