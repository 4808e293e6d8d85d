import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { imageCount, openApp, sharedImages, waitIndexed } from './helpers/app-page';
import { launch } from './helpers/browser';
import { editRecords, storedRecords } from './helpers/idb-page';

// Re-analysis in the background: photos are indexed with one caption (searchable at once), then
// reach three while the queue is idle; after a model change the app offers a re-index and runs it.
const captionsOf = async (page: Page): Promise<Array<{ n: number; models: string }>> =>
  (await storedRecords(page)).map((r) => ({ n: r.captions.length, models: `${r.models.captioner}|${r.models.embedder}` }));

/** As if these photos had been indexed by an older embedder. */
const markOldEmbedder = (page: Page): Promise<void> => editRecords(page, { embedder: 'Xenova/an-older-embedder' });

describe('background captions and re-index', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const url = inject('baseURL');

  beforeAll(async () => {
    browser = await launch();
    context = await browser.newContext();
    ({ page } = await openApp(context, url, '&testHooks'));
  });
  afterAll(async () => {
    await browser.close();
  });

  it('indexes with one caption, then brings every photo to three in the background', async () => {
    await page.getByTestId('add-files').setInputFiles(sharedImages(3));
    await waitIndexed(page);
    expect(await imageCount(page)).toBe(3);
    await expect.poll(async () => (await captionsOf(page)).map((r) => r.n), { timeout: 90_000 }).toEqual([3, 3, 3]);
    await expect.poll(() => page.getByTestId('refresh-progress').count()).toBe(0);
  });

  it('offers a re-index after a model change and runs it when asked', async () => {
    await markOldEmbedder(page);
    await page.reload();
    const offer = page.getByTestId('reindex-offer');
    await expect.poll(() => offer.textContent(), { timeout: 30_000 }).toContain('3 photo(s) were described by other models');
    // Nothing happens without consent: the background pass that found them has ended without re-indexing.
    await expect.poll(() => page.evaluate(() => window.__glimpse!.activity().refreshing)).toBe(false);
    expect(new Set((await captionsOf(page)).map((r) => r.models))).toEqual(new Set(['Xenova/vit-gpt2-image-captioning|Xenova/an-older-embedder']));
    await page.getByTestId('reindex').click();
    await expect
      .poll(async () => new Set((await captionsOf(page)).map((r) => r.models)), { timeout: 90_000 })
      .toEqual(new Set(['Xenova/vit-gpt2-image-captioning|Xenova/all-MiniLM-L6-v2']));
    await expect.poll(() => offer.count()).toBe(0);
    expect(await imageCount(page)).toBe(3);
    // Still searchable, same photos.
    await page.getByTestId('search-input').fill('a photo');
    await page.getByTestId('result').first().waitFor({ timeout: 60_000 });
  });
});
