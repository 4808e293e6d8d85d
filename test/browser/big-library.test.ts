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
    await page.reload();
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

  it('keeps only the rows near the viewport in the DOM as the grid grows past a few pages', async () => {
    const loaded = (): Promise<number> => page.evaluate(() => Number(document.querySelector('[data-testid="results-grid"]')?.getAttribute('data-cards') ?? 0));
    await expect.poll(loaded).toBeGreaterThanOrEqual(120);
    const ids = (): Promise<number[]> => page.getByTestId('library-item').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-image-id'))));
    // Scrolled to the end, again and again: the next pages load (near the end, as before).
    while ((await loaded()) < 600) {
      const before = await loaded();
      await page.evaluate(() => window.scrollTo({ top: document.documentElement.scrollHeight }));
      await expect.poll(loaded).toBeGreaterThan(before);
    }
    const total = await loaded();
    // Halfway down: the cards in view are there (no blank screen), a short contiguous run of them.
    const inView = (): Promise<number | undefined> =>
      page.evaluate(() => {
        // Inside the first column, at mid-height or just below (a row gap is 12 px).
        const x = document.querySelector('[data-testid="results-grid"]')!.getBoundingClientRect().left + 20;
        const at = (y: number): Element | null | undefined => document.elementFromPoint(x, y)?.closest('[data-testid="library-item"]');
        const card = at(innerHeight / 2) ?? at(innerHeight / 2 + 30);
        return card ? Number(card.getAttribute('data-image-id')) : undefined;
      });
    await page.evaluate(() => window.scrollTo({ top: document.documentElement.scrollHeight / 2 }));
    await expect.poll(async () => (await inView()) !== undefined && (await ids()).includes((await inView())!)).toBe(true);
    const middle = await ids();
    expect(middle).not.toContain(N);
    expect(middle.length).toBeLessThan(200);
    expect(middle.every((id, i) => i === 0 || middle[i - 1]! === id + 1)).toBe(true);
    // Back at the top: the newest again, and the card count shown is still every loaded one.
    await page.evaluate(() => window.scrollTo({ top: 0 }));
    await expect.poll(async () => (await ids())[0]).toBe(N);
    expect((await ids()).length).toBeLessThan(200);
    expect(await loaded()).toBeGreaterThanOrEqual(total);
  });

  it('typing on while a search waits never ends the analysis worker (the library would load again)', async () => {
    // The embedder's weights are held back (and not yet cached), so every search waits on them.
    await page.evaluate(() => caches.delete('transformers-cache'));
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    let asked = false;
    await context.route(/all-MiniLM-L6-v2\/onnx\/[^/]*\.onnx$/, async (route) => {
      asked = true;
      await held;
      await route.continue();
    });
    await page.close();
    page = await context.newPage();
    let spawned = 0;
    page.on('worker', (w) => void (/analysis\.worker/.test(w.url()) && spawned++));
    // The page's timers are driven by the test: the search debounce and the bridge's cancel grace
    // (after which a worker that has not stopped is ended) run only when the clock is moved on.
    await page.clock.install();
    await page.goto(`${url}?models=test/tiny`);
    await expect.poll(() => page.getByTestId('library-item').count()).toBe(120);
    const input = page.getByTestId('search-input');
    await input.fill('dog');
    await page.clock.runFor(500);
    await expect.poll(() => asked).toBe(true);
    // The next keystroke cancels the waiting search; well past the grace, the worker must still be the first one.
    await input.fill('dogs');
    await page.clock.runFor(5000);
    expect(spawned).toBe(1);
    release();
    // Answered: its hits, or none (the tiny models' captions are random words); 'dog' never answers.
    const answered = (): Promise<boolean> =>
      page.evaluate(() => document.querySelector('[data-testid="results-grid"]')?.getAttribute('data-query') === 'dogs' || document.querySelector('[data-testid="no-results"]') !== null);
    await expect.poll(async () => (await page.clock.runFor(100), await answered())).toBe(true);
    expect(spawned).toBe(1);
  });
});
