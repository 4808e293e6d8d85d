// Drives the built app as a person would (file inputs, typing, clicks), through the stable
// data-testid hooks. Images are read in place from the shared data set; nothing is copied.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { openPage } from './browser';
import { captionedEntries, SHARED_IMAGES } from './library-page';

export const ARTIFACTS = path.resolve(import.meta.dirname, '../../artifacts');

/** Absolute paths of the first `n` captioned images. */
export function sharedImages(n: number): string[] {
  return captionedEntries()
    .slice(0, n)
    .map((e) => path.join(SHARED_IMAGES, '..', e.file));
}

/** The app with the tiny test models; records console errors. */
export async function openApp(context: BrowserContext, baseURL: string, hash = ''): Promise<{ page: Page; errors: string[] }> {
  return openPage(context, `${baseURL}?models=test/tiny${hash}`);
}

export async function imageCount(page: Page): Promise<number> {
  return Number(await page.getByTestId('image-count').textContent());
}

/**
 * The queue has stopped (paused, cancelled or full): no photo is being indexed, the count shown is
 * the stored one, and the rest of `total` waits in the stored queue. Nothing more can be indexed
 * until the queue runs again, so this is the state to check instead of watching the count for a while.
 * Needs `&testHooks`.
 */
export async function expectStopped(page: Page, count: number, total: number): Promise<void> {
  await expect.poll(() => page.evaluate(() => window.__glimpse!.activity().indexing)).toBe(false);
  const status = await page.evaluate(() => window.__glimpse!.libraryStatus());
  expect(status.count).toBe(count);
  expect(status.count + status.pending).toBe(total);
  expect(await imageCount(page)).toBe(count);
}

/**
 * In the page: the background pass after indexing (extra captions, text in photos) has described
 * every photo. It changes the library, so an open query runs again and its results may move: a test
 * that relies on their order waits for this first. Needs `&testHooks`; sent as source, so it uses
 * page globals only.
 */
export async function settledInPage(): Promise<boolean> {
  const a = window.__glimpse!.activity();
  if (a.indexing || a.pending > 0 || a.refreshing) return false;
  const stale = await window.__glimpse!.staleImages();
  return stale.captions === 0 && stale.text === 0;
}

export async function waitSettled(page: Page, timeout = 150_000): Promise<void> {
  await expect.poll(() => page.evaluate(settledInPage), { timeout }).toBe(true);
}

export async function waitIndexed(page: Page, timeout = 150_000): Promise<void> {
  await page.getByTestId('index-done').waitFor({ state: 'attached', timeout });
}

/** Waits until every thumbnail in view has loaded (so screenshots show pictures). */
export async function waitThumbs(page: Page): Promise<void> {
  await expect
    .poll(() => page.evaluate(() => Array.from(document.querySelectorAll('[data-testid="result"] img, [data-testid="library-item"] img')).every((i) => (i as HTMLImageElement).complete)))
    .toBe(true);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
}

export async function searchText(page: Page, text: string): Promise<void> {
  await page.getByTestId('search-input').fill(text);
  await page.getByTestId('result').first().waitFor({ timeout: 60_000 });
  // A pack may show its keyword results first (data-preview): wait for the search's answer itself.
  await expect.poll(() => page.getByTestId('results-grid').getAttribute('data-query'), { timeout: 60_000 }).toBe(text.trim());
}

/**
 * The analysis worker's startup marks (needs `&testHooks`) once all of `names` are there: the time
 * of each, since the worker started (NaN for a mark it never made).
 */
export async function startupMarks(page: Page, names: string[]): Promise<(name: string) => number> {
  const trace = () => page.evaluate(() => window.__glimpse!.startupTrace());
  await expect.poll(async () => (await trace()).map((m) => m.name), { timeout: 60_000 }).toEqual(expect.arrayContaining(names));
  const marks = await trace();
  return (name) => marks.find((m) => m.name === name)?.at ?? NaN;
}
