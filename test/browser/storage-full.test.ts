import { statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { imageCount, searchText, sharedImages, waitIndexed } from './helpers/app-page';
import { expectPausedFull, expectQueueingRefused, expectResumedAll } from './helpers/full-storage';
import { launch, openPage } from './helpers/browser';

// Storage runs out while photos are being indexed: the person is told, the queue pauses, nothing
// already stored is lost, and after space is freed Resume indexes the rest.
//
// How the quota is made to run out: this Chromium's DevTools override
// (Storage.overrideQuotaForOrigin) is accepted (Storage.getUsageAndQuota reports it active) but
// IndexedDB on the default bucket does not enforce it (1 MB puts commit under a 1,000-byte quota),
// so the worker's own writes charge a simulated quota instead (src/storage/fault-injection.ts): past
// it, the write's transaction is aborted and a QuotaExceededError DOMException thrown, as IndexedDB does.
describe('storage full', () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const url = inject('baseURL');
  const photos = sharedImages(60).slice(50);
  const names = photos.map((p) => path.basename(p));
  const quota = (bytes: number | undefined): Promise<void> => page.evaluate((b) => window.__glimpse!.simulateQuota(b ?? undefined), bytes ?? null);

  beforeAll(async () => {
    browser = await launch();
    const context = await browser.newContext();
    // One caption per photo and no background pass adding more: that pass writes too, and racing
    // the queue's write for the budget below, it made the queueing (not the indexing) hit the quota.
    await context.addInitScript(() => localStorage.setItem('glimpse.captions', JSON.stringify({ atOnce: 1, total: 1 })));
    ({ page, errors } = await openPage(context, `${url}?testHooks&models=test/tiny`));
    await page.waitForFunction(() => window.__glimpse !== undefined);
  });
  afterAll(async () => {
    await browser.close();
  });

  it('pauses with a clear message when a write hits the quota, and keeps what was stored', async () => {
    await page.getByTestId('add-files').setInputFiles(photos.slice(0, 3));
    await waitIndexed(page);
    expect(await imageCount(page)).toBe(3);

    // Room to queue the 7 files, then for about one more indexed photo (a 256 px thumbnail plus
    // forest blocks is ~10–40 KB).
    await quota(photos.slice(3).reduce((n, p) => n + statSync(p).size, 0) + 40_000);
    await page.getByTestId('add-files').setInputFiles(photos.slice(3));
    await expectPausedFull(page, names, 3);
  });

  it('still searches the photos already stored', async () => {
    const [first] = await page.evaluate(() => window.__glimpse!.listLibrary());
    const detail = await page.evaluate((id) => window.__glimpse!.imageDetail(id), first!.id);
    await searchText(page, detail!.row.record.captions[0]!);
    expect(await page.getByTestId('result').count()).toBeGreaterThan(0);
    await page.getByTestId('search-input').fill('');
  });

  it('tells the person when even queueing new photos fails', async () => {
    await quota(0);
    await expectQueueingRefused(page, sharedImages(62).slice(60));
  });

  it('resumes after space is freed and indexes the rest, each once', async () => {
    await quota(undefined);
    await expectResumedAll(page, names, errors);
  });
});
