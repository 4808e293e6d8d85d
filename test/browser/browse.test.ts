import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { imageCount, openApp, sharedImages, waitIndexed } from './helpers/app-page';
import { launch } from './helpers/browser';

// Browsing a library bigger than one page (120): the grid reads a page at a time (scrolling near
// the end or "Show more"), follows another tab's additions without re-listing, and "Clear all"
// empties everything in the worker. Tiny random-weight models: identity checks only.
describe('browsing a library page by page', () => {
  let browser: Browser;
  let context: BrowserContext;
  let a: { page: Page; errors: string[] };
  const url = inject('baseURL');
  const N = 130;
  const images = sharedImages(N + 1);
  const names = images.slice(0, N).map((f) => path.basename(f));

  const cardIds = (page: Page): Promise<number[]> => page.getByTestId('library-item').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-image-id'))));
  const cardNames = (page: Page): Promise<string[]> => page.getByTestId('library-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-name') ?? ''));
  /** Items each list call of this page load returned (the 'glimpse:list' measures). */
  const listed = (page: Page): Promise<number[]> => page.evaluate(() => performance.getEntriesByName('glimpse:list').map((m) => (m as PerformanceMeasure).detail.items as number));
  const descending = (ids: number[]): boolean => ids.every((id, i) => i === 0 || ids[i - 1]! > id);

  beforeAll(async () => {
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1200, height: 850 } });
    // One caption per photo and no background pass for more: not what is tested here, and slow.
    await context.addInitScript(() => localStorage.setItem('glimpse.captions', JSON.stringify({ atOnce: 1, total: 1 })));
    context.on('page', (p) => p.on('dialog', (d) => void d.accept()));
    a = await openApp(context, url, '&testHooks');
  });
  afterAll(async () => {
    await browser.close();
  });

  it(`indexes ${N} photos`, async () => {
    await a.page.getByTestId('empty-library').waitFor();
    await a.page.getByTestId('add-files').setInputFiles(images.slice(0, N));
    await expect.poll(() => imageCount(a.page), { timeout: 170_000 }).toBe(N);
    await waitIndexed(a.page);
    // Shown while indexing: each added photo was put in the grid as it came.
    await expect.poll(() => a.page.getByTestId('library-item').count()).toBe(N);
    expect(new Set(await cardNames(a.page))).toEqual(new Set(names));
  });

  it('opens on the first page, newest first; "Show more" (keyboard) loads the rest', async () => {
    // A page where the end of the grid is never reported in view: only the button loads more.
    const page = await context.newPage();
    await page.addInitScript(() => {
      window.IntersectionObserver = function () {
        return { observe() {}, unobserve() {}, disconnect() {}, takeRecords: () => [] };
      } as unknown as typeof IntersectionObserver;
    });
    await page.goto(`${url}?models=test/tiny&testHooks`);
    await expect.poll(() => page.getByTestId('library-item').count()).toBe(120);
    const first = await cardIds(page);
    expect(descending(first)).toBe(true);
    const stored = await page.evaluate(() => window.__glimpse!.storedIds());
    expect(first[0]).toBe(Math.max(...stored.images.map((r) => r.id)));
    const more = page.getByTestId('show-more');
    expect(await more.textContent()).toContain('10 left');
    // Settled: no page is being read, and the first one was the only read.
    await expect.poll(() => page.evaluate(() => window.__glimpse!.activity().browsing)).toBe(false);
    expect(await listed(page)).toEqual([120]);
    expect(await page.getByTestId('library-item').count()).toBe(120);
    await more.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('library-item').count()).toBe(N);
    expect(await more.count()).toBe(0);
    expect(descending(await cardIds(page))).toBe(true);
    expect(new Set(await cardNames(page))).toEqual(new Set(names));
    // No call ever shipped more than a page.
    expect(await listed(page)).toEqual([120, 10]);
    await page.close();
  });

  it('scrolling near the end loads the next page; a photo added in another tab shows first', async () => {
    await a.page.reload();
    await expect.poll(() => a.page.getByTestId('library-item').count()).toBe(120);
    await a.page.getByTestId('library-item').nth(110).scrollIntoViewIfNeeded();
    await expect.poll(() => a.page.getByTestId('library-item').count()).toBe(N);
    expect(await listed(a.page)).toEqual([120, 10]);

    const b = await openApp(context, url, '&testHooks');
    await b.page.getByTestId('add-files').setInputFiles(images[N]!);
    await waitIndexed(b.page);
    await expect.poll(() => a.page.getByTestId('library-item').first().getAttribute('data-name'), { timeout: 30_000 }).toBe(path.basename(images[N]!));
    expect(await a.page.getByTestId('library-item').count()).toBe(N + 1);
    expect(descending(await cardIds(a.page))).toBe(true);
    // Taken in by id, not by listing again.
    expect(await listed(a.page)).toEqual([120, 10]);
    // B opened on the first page, then took in its own photo; the older ten wait for "Show more".
    expect(await b.page.getByTestId('library-item').count()).toBe(121);
    expect(await b.page.getByTestId('show-more').textContent()).toContain('10 left');
    await b.page.close();
  });

  it('"Clear all" empties rows, vectors and forests in the worker; adding afterwards works', async () => {
    await a.page.getByTestId('clear-all').click();
    await a.page.getByTestId('empty-library').waitFor({ timeout: 60_000 });
    expect(await imageCount(a.page)).toBe(0);
    const stored = await a.page.evaluate(() => window.__glimpse!.storedIds());
    expect(stored).toEqual({ images: [], vectors: [], forests: { text: { live: 0, missing: [] }, visual: { live: 0, missing: [] } } });
    expect((await a.page.evaluate(() => window.__glimpse!.checkLibrary())).problems).toEqual([]);

    await a.page.getByTestId('add-files').setInputFiles(images.slice(0, 2));
    await waitIndexed(a.page);
    await expect.poll(() => cardNames(a.page)).toEqual([names[1], names[0]]);
    const after = await a.page.evaluate(() => window.__glimpse!.storedIds());
    expect(after.images.map((r) => r.name).sort()).toEqual([names[0], names[1]].sort());
    expect(after.forests.text).toEqual({ live: 2, missing: [] });
    expect(after.forests.visual).toEqual({ live: 2, missing: [] });
    expect((await a.page.evaluate(() => window.__glimpse!.checkLibrary())).problems).toEqual([]);
    expect(a.errors).toEqual([]);
  });
});
