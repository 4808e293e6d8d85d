import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectStopped, imageCount, sharedImages, waitIndexed } from './helpers/app-page';
import { ARGS, CHROMIUM } from './helpers/browser';
import { dropDatabase, fillQuota } from './helpers/quota-filler';
import { mountRefusal, SmallDisk } from './helpers/small-disk';

// Storage runs out for real: Chromium runs with its profile on a 128 MB tmpfs made for this test.
// Chromium gives an origin about 60 % of the volume (measured: a 32, 64 and 128 MB tmpfs each
// refused writes at 61–63 % with QuotaExceededError; navigator.storage.estimate() meanwhile reports
// usage + 1 GiB, so the app cannot see it coming). The test fills most of that quota with a
// database of its own, then indexing fills the rest. Where a tmpfs cannot be mounted (not root, a
// container without CAP_SYS_ADMIN) the suite is skipped under a title that says why.
const refusal = mountRefusal();
const title = refusal ? `a real full disk — SKIPPED, cannot mount a tmpfs here: ${refusal}` : 'a real full disk (Chromium profile on a 128 MB tmpfs)';

describe.skipIf(refusal !== '')(title, () => {
  let disk: SmallDisk;
  let cacheDir: string;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  const url = inject('baseURL');
  const photos = sharedImages(82).slice(70);
  const names = photos.slice(0, 10).map((p) => path.basename(p));

  beforeAll(async () => {
    disk = new SmallDisk(128);
    // The HTTP cache (model files) elsewhere: only the profile's own storage is on the small volume.
    cacheDir = mkdtempSync(path.join(tmpdir(), 'glimpse-disk-cache-'));
    context = await chromium.launchPersistentContext(path.join(disk.dir, 'profile'), {
      executablePath: CHROMIUM,
      args: [...ARGS, `--disk-cache-dir=${cacheDir}`],
      headless: true,
      serviceWorkers: 'block',
    });
    // One caption per photo: no background pass writing more while the quota is full.
    await context.addInitScript(() => localStorage.setItem('glimpse.captions', JSON.stringify({ atOnce: 1, total: 1 })));
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${url}?testHooks&models=test/tiny`);
    await page.waitForFunction(() => window.__glimpse !== undefined);
  });
  afterAll(async () => {
    await context?.close();
    disk?.remove();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });

  it('indexing into a full quota: a named message, the queue paused, nothing stored lost, 0 problems', async () => {
    await page.getByTestId('add-files').setInputFiles(photos.slice(0, 3));
    await waitIndexed(page);
    // Seven more queued while there is room (paused, so none is indexed yet).
    await page.evaluate(() => localStorage.setItem('glimpse.queue.paused', '1'));
    await page.getByTestId('add-files').setInputFiles(photos.slice(3, 10));
    await page.getByTestId('index-resume').waitFor();
    expect(await page.evaluate(() => window.__glimpse!.libraryStatus())).toEqual({ count: 3, pending: 7 });
    // Then other data of the site takes the rest of the quota, to the last 16 KB Chromium accepts.
    const filled = await fillQuota(page, 'test-bulk');
    expect(filled.refusal).toMatch(/^QuotaExceededError/);
    expect(filled.bytes).toBeGreaterThan(40 << 20);

    await page.getByTestId('index-resume').click();
    const notice = page.getByRole('alert').filter({ hasText: 'storage is full' });
    await notice.waitFor({ timeout: 120_000 });
    expect(await notice.textContent()).toMatch(/^The device storage is full while adding .+\.jpg\. Free some space or remove images, then press Resume\.$/);
    const stored = await imageCount(page);
    expect(stored).toBeGreaterThanOrEqual(3);
    expect(stored).toBeLessThan(10);
    await expectStopped(page, stored, 10);
    const state = await page.evaluate(async () => {
      const g = window.__glimpse!;
      const [items, queue, report] = await Promise.all([g.listLibrary(), g.queuedFiles(), g.checkLibrary()]);
      return { stored: items.map((i) => i.name), queued: queue.map((q) => q.name), problems: report.problems };
    });
    expect(state.stored).toEqual(expect.arrayContaining(names.slice(0, 3)));
    expect([...state.stored, ...state.queued].sort()).toEqual([...names].sort());
    expect(state.problems).toEqual([]);
  });

  it('queueing more under the full quota says so and keeps the queue as it was', async () => {
    await page.getByTestId('add-files').setInputFiles(photos.slice(10, 12));
    await page.getByRole('alert').filter({ hasText: 'add the photos again' }).waitFor({ timeout: 60_000 });
    expect((await page.evaluate(() => window.__glimpse!.libraryStatus())).pending).toBe(10 - (await imageCount(page)));
  });

  it('after space is freed, Resume indexes the rest, each once, with 0 problems', async () => {
    await dropDatabase(page, 'test-bulk');
    await page.getByTestId('index-resume').click();
    await waitIndexed(page);
    expect(await imageCount(page)).toBe(10);
    const { stored, report } = await page.evaluate(async () => {
      const g = window.__glimpse!;
      return { stored: (await g.listLibrary()).map((i) => i.name), report: await g.checkLibrary() };
    });
    expect(stored.sort()).toEqual([...names].sort());
    expect(report.problems).toEqual([]);
    expect(report.counts.queue).toBe(0);
    expect(errors).toEqual([]);
  });
});
