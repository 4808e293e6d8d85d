import type { Browser, Page, Worker } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { imageCount, sharedImages, waitIndexed } from './helpers/app-page';
import { openPage } from './helpers/browser';
import { useBrowser } from './helpers/use-browser';

// Low-memory mode (issue 13, phones): once nothing waits to be described, the captioner goes with
// the analysis worker (a WASM heap never shrinks); a search then starts a worker holding the
// embedder alone. Figures: npm run bench:memory.
const isAnalysis = (w: Worker): boolean => w.url().includes('analysis.worker');
const analysisWorkers = (page: Page): number => page.workers().filter(isAnalysis).length;

describe('low-memory mode', () => {
  let browser: Browser;
  const url = inject('baseURL');
  useBrowser((b) => (browser = b));

  it('is a switch in Settings → Models, kept across visits', async () => {
    const context = await browser.newContext();
    const { page } = await openPage(context, `${url}#/settings`);
    const box = page.getByTestId('low-memory');
    expect(await box.isChecked()).toBe(false);
    await box.check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.reload();
    expect(await page.getByTestId('low-memory').isChecked()).toBe(true);
    await context.close();
  });

  it('releases the analysis worker once the photos are indexed; search still works (embedder alone)', async () => {
    const context = await browser.newContext();
    // One caption per photo: no background pass, so the queue's end is the release point.
    await context.addInitScript(() => localStorage.setItem('glimpse.captions', JSON.stringify({ atOnce: 1, total: 1 })));
    const { page, errors } = await openPage(context, `${url}?models=test/tiny&lowMemory`);
    // The worker that opened the library indexes the photos; watch it end.
    await expect.poll(() => analysisWorkers(page)).toBe(1);
    const indexing = page.workers().find(isAnalysis)!;
    let ended = false;
    indexing.on('close', () => (ended = true));
    await page.getByTestId('add-files').setInputFiles(sharedImages(2));
    await waitIndexed(page);
    expect(await imageCount(page)).toBe(2);
    // The worker that indexed ends. A status read may start a fresh, model-free one afterwards (the
    // design: the next call loads only what it needs), so the check is on that worker, not a count.
    await expect.poll(() => ended, { timeout: 60_000 }).toBe(true);
    await page.getByTestId('search-input').fill('zebra xylophone quartz');
    await expect.poll(() => page.getByTestId('result').count(), { timeout: 60_000 }).toBe(2);
    expect(await page.getByTestId('keyword-only').count()).toBe(0); // vector hits: the embedder loaded in the new worker
    expect(analysisWorkers(page)).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });
});
