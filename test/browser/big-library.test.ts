import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openApp, sharedImages, waitIndexed } from './helpers/app-page';
import { launch } from './helpers/browser';

// A library of 2,000 photos, browsed. Three photos are indexed for real, then their rows and
// thumbnails are copied in the page up to 2,000 (browsing reads rows and thumbnails only; nothing
// here searches). bench:ui --grow times the same at 100,000 with a complete library.
describe('browsing a big library', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const url = inject('baseURL');
  const N = 2000;

  /** Copies the stored rows and thumbnails under new ids until the library holds `n` rows. */
  const copyRows = (n: number): Promise<number> =>
    page.evaluate(async (n) => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const r = indexedDB.open('glimpse');
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      const all = (store: string): Promise<unknown[]> =>
        new Promise((ok, fail) => {
          const r = db.transaction(store).objectStore(store).getAll();
          r.onsuccess = () => ok(r.result);
          r.onerror = () => fail(r.error);
        });
      const rows = (await all('images')) as { id: number; sha256: string; name: string }[];
      const thumbs = await all('thumbs');
      const tx = db.transaction(['images', 'thumbs'], 'readwrite');
      for (let id = rows.length + 1; id <= n; id++) {
        const k = id % rows.length;
        tx.objectStore('images').put({ ...rows[k], id, sha256: `${rows[k]!.sha256}-${id}`, name: `copy-${id}.jpg` });
        tx.objectStore('thumbs').put(thumbs[k], id);
      }
      await new Promise((ok, fail) => ((tx.oncomplete = ok), (tx.onerror = () => fail(tx.error))));
      db.close();
      return n;
    }, n);

  beforeAll(async () => {
    browser = await launch();
    // No service worker: it would serve the app's scripts itself, out of reach of the route below.
    context = await browser.newContext({ viewport: { width: 1200, height: 850 }, serviceWorkers: 'block' });
    await context.addInitScript(() => localStorage.setItem('glimpse.captions', JSON.stringify({ atOnce: 1, total: 1 })));
    ({ page } = await openApp(context, url));
    await page.getByTestId('add-files').setInputFiles(sharedImages(3));
    await waitIndexed(page);
    await copyRows(N);
  });
  afterAll(async () => {
    await browser.close();
  });

  it('shows the first cards, with thumbnails, while the analysis worker has not even started', async () => {
    // The analysis worker's script is held back: the library (forests, keyword index) cannot load.
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    let asked = false;
    const hold = async (route: Route): Promise<void> => {
      asked = true;
      await held;
      await route.continue();
    };
    await context.route(/analysis\.worker-[^/]*\.js$/, hold);
    // A new page (a reload could take the worker's script from the page's memory cache, unrouted).
    await page.close();
    ({ page } = await openApp(context, url));
    await expect.poll(() => page.getByTestId('library-item').count()).toBe(120);
    await expect.poll(() => page.locator('[data-testid="library-item"] img').count()).toBeGreaterThan(0);
    expect(asked).toBe(true);
    expect(await page.getByTestId('library-item').first().getAttribute('data-image-id')).toBe(String(N));
    release();
    await expect.poll(() => page.getByTestId('image-count').textContent()).toBe(String(N));
  });
});
