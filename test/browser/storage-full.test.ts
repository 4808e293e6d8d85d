import { statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectStopped, imageCount, searchText, sharedImages, waitIndexed } from './helpers/app-page';
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
    const notice = page.getByRole('alert').filter({ hasText: 'storage is full' });
    await notice.waitFor({ timeout: 120_000 });
    expect(await notice.textContent()).toMatch(/storage is full while adding .+\.jpg\. Free some space or remove images, then press Resume\./);
    await page.getByTestId('index-resume').waitFor();
    const stored = await imageCount(page);
    expect(stored).toBeGreaterThanOrEqual(3);
    expect(stored).toBeLessThan(10);
    // Paused: the run has stopped and the rest waits in the stored queue.
    await expectStopped(page, stored, 10);

    const state = await page.evaluate(async () => {
      const g = window.__glimpse!;
      const [items, queue, report] = await Promise.all([g.listLibrary(), g.queuedFiles(), g.checkLibrary()]);
      return { names: items.map((i) => i.name), queued: queue.map((q) => q.name), report };
    });
    expect(state.names).toHaveLength(stored);
    expect(state.names).toEqual(expect.arrayContaining(names.slice(0, 3)));
    expect([...state.names, ...state.queued].sort()).toEqual([...names].sort());
    expect(state.report.problems).toEqual([]);
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
    const before = await page.evaluate(async () => (await window.__glimpse!.queuedFiles()).length);
    await page.getByTestId('add-files').setInputFiles(sharedImages(62).slice(60));
    await page.getByRole('alert').filter({ hasText: 'add the photos again' }).waitFor({ timeout: 30_000 });
    expect(await page.evaluate(async () => (await window.__glimpse!.queuedFiles()).length)).toBe(before);
  });

  it('resumes after space is freed and indexes the rest, each once', async () => {
    await quota(undefined);
    await page.getByTestId('index-resume').click();
    await waitIndexed(page);
    expect(await imageCount(page)).toBe(10);
    expect(await page.getByRole('alert').count()).toBe(0);
    const { indexed, report } = await page.evaluate(async () => {
      const g = window.__glimpse!;
      return { indexed: (await g.listLibrary()).map((i) => i.name), report: await g.checkLibrary() };
    });
    expect(indexed.sort()).toEqual([...names].sort());
    expect(report.problems).toEqual([]);
    expect(report.counts.queue).toBe(0);
    expect(errors).toEqual([]);
  });
});
