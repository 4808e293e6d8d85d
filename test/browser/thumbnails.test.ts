import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openApp, sharedImages, waitIndexed } from './helpers/app-page';
import { launch } from './helpers/browser';

// Thumbnails are data: URLs made in the browse worker. They were object URLs of stored Blobs: at
// phone size most cards start below the fold, and their lazy <img> fetches its URL only when
// scrolled near, so a URL revoked before that failed (net::ERR_FILE_NOT_FOUND, a card that never
// showed its picture); a data: URL cannot be revoked. An open search runs again whenever
// the library changes, handing every card a new but equal-id item: that must keep its picture.
describe('thumbnails', () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const url = inject('baseURL');
  const images = sharedImages(17);
  const added = path.basename(images[16]!);

  /** Each card's image id and its <img> src ('' while it shows the placeholder). */
  const cards = (): Promise<Array<[string, string]>> =>
    page.getByTestId('result').evaluateAll((els) => els.map((e) => [e.getAttribute('data-image-id') ?? '', e.querySelector('img')?.getAttribute('src') ?? '']));

  beforeAll(async () => {
    browser = await launch();
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    // One caption per photo: no background pass re-describing them (not what is tested here).
    await context.addInitScript(() => localStorage.setItem('glimpse.captions', JSON.stringify({ atOnce: 1, total: 1 })));
    ({ page, errors } = await openApp(context, url));
  });
  afterAll(async () => {
    await browser.close();
  });

  it('a search that runs again keeps every card’s picture, and every picture loads', async () => {
    await page.getByTestId('empty-library').waitFor();
    await page.getByTestId('add-files').setInputFiles(images.slice(0, 16));
    await waitIndexed(page);
    // By a photo the library lacks; adding it re-runs the open search, which then shows it first.
    await page.getByTestId('search-image').setInputFiles(images[16]!);
    await expect.poll(async () => (await cards()).length, { timeout: 60_000 }).toBeGreaterThan(4);
    await expect.poll(async () => (await cards()).every(([, src]) => src.startsWith('data:image/'))).toBe(true);
    const before = new Map(await cards());
    await page.getByTestId('add-files').setInputFiles(images[16]!);
    await expect.poll(() => page.getByTestId('result').first().getAttribute('data-name'), { timeout: 60_000 }).toBe(added);
    await waitIndexed(page);
    const after = new Map(await cards());
    for (const [id, src] of before) if (after.has(id)) expect(after.get(id), `card ${id}`).toBe(src);

    // Every card scrolled into view loads its picture (a broken URL loads as a broken image).
    for (const card of await page.getByTestId('result').all()) await card.scrollIntoViewIfNeeded();
    const loaded = (): Promise<Array<{ complete: boolean; width: number }>> =>
      page.getByTestId('result').evaluateAll((els) => els.map((e) => e.querySelector('img')).map((i) => ({ complete: i?.complete ?? false, width: i?.naturalWidth ?? 0 })));
    await expect.poll(async () => (await loaded()).every((i) => i.complete)).toBe(true);
    expect((await loaded()).filter((i) => i.width === 0)).toEqual([]);

    // The detail view, moved through quickly: each move drops one picture for the next.
    await page.getByTestId('result').first().getByRole('button', { name: /^Open / }).click();
    await page.getByTestId('detail-name').waitFor();
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid="detail"] img');
      return img?.complete === true && img.naturalWidth > 0;
    });
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
  });
});
