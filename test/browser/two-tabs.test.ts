import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { imageCount, openApp, sharedImages, waitIndexed } from './helpers/app-page';
import { launch } from './helpers/browser';
import { addInPage } from './helpers/library-page';

// Two tabs of the built app on one library (one browser context, so one IndexedDB 'glimpse').
// One tab at a time runs the shared indexing queue and one worker at a time writes; the other tab
// sees every change without a reload. Tiny random-weight models: identity checks only.
describe('two tabs on one library', () => {
  let browser: Browser;
  let context: BrowserContext;
  let a: { page: Page; errors: string[] };
  let b: { page: Page; errors: string[] };
  const url = inject('baseURL');
  const images = sharedImages(30);
  const base = (i: number): string => path.basename(images[i]!);
  /** Names the library must hold, each once. */
  const expected = new Set<string>();

  /** Rows, vectors and both stored forests hold the same ids; every file is there exactly once. */
  async function expectConsistent(page: Page): Promise<void> {
    const s = await page.evaluate(() => window.__glimpse!.storedIds());
    const ids = s.images.map((r) => r.id).sort((x, y) => x - y);
    expect(s.images.map((r) => r.name).sort()).toEqual([...expected].sort());
    expect(new Set(s.images.map((r) => r.sha256)).size).toBe(expected.size);
    expect(new Set(ids).size).toBe(expected.size);
    expect([...s.vectors].sort((x, y) => x - y)).toEqual(ids);
    expect(s.forests.text).toEqual({ live: expected.size, missing: [] });
    expect(s.forests.visual).toEqual({ live: expected.size, missing: [] });
  }

  const firstResult = (page: Page): Promise<string | null> => page.getByTestId('result').first().getAttribute('data-name', { timeout: 1000 }).catch(() => null);
  const resultNames = (page: Page): Promise<(string | null)[]> => page.getByTestId('result').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));

  beforeAll(async () => {
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1200, height: 850 } });
    a = await openApp(context, url, '&testHooks');
    b = await openApp(context, url, '&testHooks');
  });
  afterAll(async () => {
    await browser.close();
  });

  it('one tab runs the shared queue; files added in the other join it; both see every image once', async () => {
    await a.page.getByTestId('empty-library').waitFor();
    await b.page.getByTestId('empty-library').waitFor();
    await a.page.getByTestId('add-files').setInputFiles(images.slice(0, 8));
    await expect.poll(() => imageCount(a.page), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
    // B adds while A indexes: four new files and two that are in A's batch too.
    expect(await imageCount(a.page)).toBeLessThan(8);
    await b.page.getByTestId('add-files').setInputFiles(images.slice(6, 12));
    const elsewhere = b.page.getByTestId('index-elsewhere');
    await elsewhere.waitFor();
    expect(await elsewhere.textContent()).toContain('Indexing in another tab…');
    // B's pending number follows the shared queue while A works through it.
    await expect.poll(async () => Number((await elsewhere.textContent())?.match(/(\d+) photo/)?.[1])).toBeGreaterThan(0);
    for (let i = 0; i < 12; i++) expected.add(base(i));

    await expect.poll(() => imageCount(a.page), { timeout: 150_000 }).toBe(12);
    await expect.poll(() => imageCount(b.page), { timeout: 30_000 }).toBe(12);
    await waitIndexed(a.page);
    await waitIndexed(b.page);
    // B's grid shows them, newest first, without a reload.
    await expect.poll(() => b.page.getByTestId('library-item').count(), { timeout: 30_000 }).toBe(12);
    expect(await a.page.getByTestId('file-error').count()).toBe(0);
    await expectConsistent(b.page);
  });

  it('an open search in the other tab shows an image as soon as it is added', async () => {
    // B searches by a photo the library lacks, then A adds it.
    await b.page.getByTestId('search-image').setInputFiles(images[12]!);
    await expect.poll(() => b.page.getByTestId('result').count(), { timeout: 60_000 }).toBeGreaterThan(0);
    expect(await resultNames(b.page)).not.toContain(base(12));
    await a.page.getByTestId('add-files').setInputFiles(images[12]!);
    expected.add(base(12));
    await expect.poll(() => firstResult(b.page), { timeout: 90_000 }).toBe(base(12));
    await expect.poll(() => imageCount(b.page)).toBe(13);
    await waitIndexed(a.page);
  });

  it('a removal in one tab disappears from the other', async () => {
    // A removes it through its detail view.
    await a.page.getByTestId('search-image').setInputFiles(images[12]!);
    await expect.poll(() => firstResult(a.page), { timeout: 60_000 }).toBe(base(12));
    await a.page.getByTestId('result').first().getByRole('button', { name: /^Open / }).click();
    await expect.poll(() => a.page.getByTestId('detail-name').textContent()).toBe(base(12));
    await a.page.getByRole('button', { name: 'Remove from library' }).click();
    expected.delete(base(12));
    await expect.poll(() => imageCount(a.page)).toBe(12);
    // B: the count, the open search and the grid all drop it.
    await expect.poll(() => imageCount(b.page), { timeout: 30_000 }).toBe(12);
    await expect.poll(() => resultNames(b.page), { timeout: 30_000 }).not.toContain(base(12));
    await b.page.getByRole('button', { name: 'Clear photo search' }).click();
    await expect.poll(() => b.page.getByTestId('library-item').count(), { timeout: 30_000 }).toBe(12);
    expect(await b.page.getByTestId('library-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')))).not.toContain(base(12));
    await a.page.getByRole('button', { name: 'Clear photo search' }).click();
    await expectConsistent(a.page);
  });

  it('when the indexing tab closes, the other takes over the queue', async () => {
    // A indexes two photos and then holds the rest (the queue gate): A is still the indexing tab
    // when B is looked at and when A closes, on any machine. Without it a fast A could finish all
    // seven before B ever stood by (a CI failure: 'index-elsewhere' never showed).
    await a.page.evaluate(() => window.__glimpse!.holdQueue(2));
    await a.page.getByTestId('add-files').setInputFiles(images.slice(13, 20));
    for (let i = 13; i < 20; i++) expected.add(base(i));
    await expect.poll(() => imageCount(b.page), { timeout: 60_000 }).toBeGreaterThanOrEqual(14);
    // B did not add these, yet it stands by for the shared queue.
    await b.page.getByTestId('index-elsewhere').waitFor();
    expect(await imageCount(a.page)).toBeLessThan(19);
    await a.page.close();
    await expect.poll(() => b.page.getByTestId('index-elsewhere').count()).toBe(0);
    await expect.poll(() => imageCount(b.page), { timeout: 150_000 }).toBe(19);
    await waitIndexed(b.page);
    expect(await b.page.getByTestId('file-error').count()).toBe(0);
    // B's worker wrote after only reading so far: its state caught up first.
    await expectConsistent(b.page);
  });

  it('two workers writing at once never clash', async () => {
    a = await openApp(context, url, '&testHooks');
    await expect.poll(() => imageCount(a.page)).toBe(19);
    const add = async (page: Page, from: number, to: number): Promise<string[]> => {
      const statuses: string[] = [];
      for (let i = from; i < to; i++) statuses.push((await addInPage(page, base(i), readFileSync(images[i]!))).status);
      return statuses;
    };
    // Models loaded in both first, so that the two workers' analyses and writes interleave.
    await Promise.all([a.page.evaluate(() => window.__glimpse!.loadModels()), b.page.evaluate(() => window.__glimpse!.loadModels())]);
    const [fromA, fromB] = await Promise.all([add(a.page, 20, 25), add(b.page, 25, 30)]);
    expect([...fromA, ...fromB]).toEqual(Array(10).fill('indexed'));
    for (let i = 20; i < 30; i++) expected.add(base(i));
    await expect.poll(() => imageCount(a.page), { timeout: 30_000 }).toBe(29);
    await expect.poll(() => imageCount(b.page), { timeout: 30_000 }).toBe(29);
    await expectConsistent(a.page);
    await expectConsistent(b.page);
    expect([...a.errors, ...b.errors]).toEqual([]);
  });
});
