import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { imageCount, openApp, screenshot, searchText, sharedImages, waitIndexed, waitSettled, waitThumbs } from './helpers/app-page';
import { launch } from './helpers/browser';

// The PWA as a person uses it: the built app, real workers and IndexedDB, the tiny random-weight
// test models. Random weights: results are checked for shape and identity, never for quality.
describe('Glimpse end to end', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const url = inject('baseURL');
  const images = sharedImages(20);

  beforeAll(async () => {
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1200, height: 850 } });
    ({ page, errors } = await openApp(context, url, '&testHooks'));
  });
  afterAll(async () => {
    await browser.close();
  });

  it('shows the empty state first', async () => {
    await page.getByTestId('empty-library').waitFor();
    expect(await imageCount(page)).toBe(0);
    await screenshot(page, 'empty');
  });

  it('adds 20 photos with the file picker and indexes each once', async () => {
    await page.getByTestId('add-files').setInputFiles(images);
    const bar = page.getByTestId('index-progress');
    await bar.waitFor();
    expect(await bar.getAttribute('aria-valuemax')).toBe('20');
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 60_000 }).toBeGreaterThan(0);
    await screenshot(page, 'indexing');
    await waitIndexed(page);
    // Results stay in place for the detail view's arrow keys (waitSettled).
    await waitSettled(page);
    expect(await imageCount(page)).toBe(20);
    expect(await page.getByTestId('file-error').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('searches as you type and shows thumbnails, scores and captions', async () => {
    await searchText(page, 'a dog running on grass');
    const grid = page.getByTestId('results-grid');
    await expect.poll(() => grid.getAttribute('data-query')).toBe('a dog running on grass');
    // Typing on answers the new query (the previous one is cancelled).
    await page.getByTestId('search-input').fill('people on a street');
    await expect.poll(() => grid.getAttribute('data-query'), { timeout: 30_000 }).toBe('people on a street');
    await page.getByTestId('search-input').fill('a dog running on grass');
    await expect.poll(() => grid.getAttribute('data-query'), { timeout: 30_000 }).toBe('a dog running on grass');
    const results = page.getByTestId('result');
    expect(await results.count()).toBeGreaterThan(0);
    expect(Number(await results.first().getAttribute('data-image-id'))).toBeGreaterThan(0);
    await waitThumbs(page);
    await screenshot(page, 'results');
    // The same results at phone width.
    await page.setViewportSize({ width: 360, height: 740 });
    await screenshot(page, 'results-360');
    await page.setViewportSize({ width: 1200, height: 850 });
  });

  it('opens the detail view, moves with the arrow keys and closes with Esc', async () => {
    await page.getByTestId('result').first().getByRole('button', { name: /^Open / }).click();
    const name = page.getByTestId('detail-name');
    await name.waitFor();
    const first = await name.textContent();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => name.textContent()).not.toBe(first);
    await page.waitForFunction(() => (document.querySelector('[data-testid="detail"] img') as HTMLImageElement | null)?.complete === true);
    await screenshot(page, 'detail');
    await page.setViewportSize({ width: 360, height: 740 });
    await screenshot(page, 'detail-360');
    await page.setViewportSize({ width: 1200, height: 850 });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('detail').count()).toBe(0);
  });

  it('query by image returns the same image first', async () => {
    await page.getByTestId('search-input').fill('');
    await page.getByTestId('search-image').setInputFiles(images[3]!);
    await expect.poll(() => page.getByTestId('result').first().getAttribute('data-name'), { timeout: 60_000 }).toBe(path.basename(images[3]!));
  });

  it('keeps the library across a reload', async () => {
    await page.reload();
    await expect.poll(() => imageCount(page)).toBe(20);
    await waitIndexed(page);
  });

  it('works offline: the app, the library and search', async () => {
    await page.evaluate(async () => navigator.serviceWorker.ready);
    await page.reload();
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    // One search while online and controlled: the service worker caches the ORT runtime and model files.
    await searchText(page, 'people on a street');
    await context.setOffline(true);
    try {
      await page.reload();
      await expect.poll(() => imageCount(page)).toBe(20);
      await searchText(page, 'a dog running on grass');
      await page.getByTestId('search-input').fill('');
      await page.getByTestId('search-image').setInputFiles(images[5]!);
      await expect.poll(() => page.getByTestId('result').first().getAttribute('data-name'), { timeout: 60_000 }).toBe(path.basename(images[5]!));
    } finally {
      await context.setOffline(false);
    }
  });

  it('skips non-images (counted) and shows a bad photo’s error with its name', async () => {
    await page.getByTestId('add-files').setInputFiles([
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') },
      { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 6, 7, 8]) },
    ]);
    await page.getByTestId('file-error').first().waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('file-error').first().textContent()).toContain('broken.jpg');
    expect(await page.getByRole('status').filter({ hasText: 'skipped' }).textContent()).toContain('1 file(s) skipped');
    await waitIndexed(page);
    expect(await imageCount(page)).toBe(20);
  });

  it('resumes indexing after the page was closed mid-way, with no duplicates', async () => {
    const ctx = await browser.newContext();
    try {
      const first = await openApp(ctx, url);
      await first.page.getByTestId('empty-library').waitFor();
      await first.page.getByTestId('add-files').setInputFiles(images);
      await expect.poll(() => imageCount(first.page), { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
      await first.page.close();
      const again = await openApp(ctx, url);
      await waitIndexed(again.page);
      expect(await imageCount(again.page)).toBe(20);
      expect(await again.page.getByTestId('file-error').count()).toBe(0);
    } finally {
      await ctx.close();
    }
  });
});
