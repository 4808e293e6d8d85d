import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fixturePhotos, writeLibraryFile } from '../fixtures/library-file';
import { killPage, openWithHooks, seededRandom } from './helpers/interrupt';
import { ImportRefused, importFile, importRun, openSettings } from './helpers/transfer-page';
import { useBrowser } from './helpers/use-browser';

// An import cut off anywhere leaves every photo wholly there or absent: a 2,000-photo library file
// (generated: records, vectors, small thumbnails) is imported, and 10 times the page is closed or
// its renderer crashed (CDP Page.crash) at a seeded point while the import writes, then
// reopened and the same file picked again. In the end every photo is in the library exactly once
// and the consistency check finds 0 problems.
describe('interrupted import', () => {
  let browser: Browser;
  const url = inject('baseURL');
  useBrowser((b) => (browser = b));

  async function open(context: BrowserContext): Promise<Page> {
    const page = await openWithHooks(context, url, '#/settings');
    await openSettings(page);
    return page;
  }

  const dir = mkdtempSync(path.join(tmpdir(), 'glimpse-import-kills-'));
  const N = 2000;
  const file = path.join(dir, 'library.glimpse');
  let photos: Awaited<ReturnType<typeof fixturePhotos>>;
  beforeAll(async () => {
    photos = await fixturePhotos({ n: N, seed: 11, prefix: 'kill' });
    writeFileSync(file, await writeLibraryFile(photos));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const report = (page: Page) =>
    page.evaluate(async () => {
      const g = window.__glimpse!;
      const [items, report] = await Promise.all([g.listLibrary(), g.checkLibrary()]);
      return { names: items.map((i) => i.name), report };
    });

  it('10 closes and crashes while importing: each photo once, 0 problems', async () => {
    const context = await browser.newContext();
    const random = seededRandom(14);
    const log = process.env.VERBOSE ? console.log : () => {};
    let crashes = 0, closes = 0, midImport = 0;
    try {
      let page = await open(context);
      for (let k = 0; k < 10; k++) {
        // Small transactions (25 photos) so the import is many batches long, and a kill at a seeded
        // state: once `target` photos are written, while the next batch is under way. A state, not a
        // clock: on a fast machine a timed kill could land after the import is done.
        await page.evaluate(() => window.__glimpse!.setImportBatch(25));
        const target = 25 * (1 + Math.floor(random() * 6));
        const run = await importRun(page);
        await page.getByTestId('import-library').setInputFiles(file);
        await page.waitForFunction(
          ({ target, run }) => {
            const m = /, (\d+) added/.exec(document.querySelector('[data-testid="import-progress"]')?.textContent ?? '');
            return (m !== null && Number(m[1]) >= target) || document.querySelector(`[data-testid="import-done"][data-run="${run}"]`) !== null;
          },
          { target, run: run + 1 },
          { timeout: 60_000 },
        );
        const writing = page.locator('[data-testid="import-progress"]', { hasText: 'Importing' });
        if (await writing.count()) midImport++;
        const said = (await page.getByTestId('import-progress').textContent().catch(() => null)) ?? 'done';
        const crash = random() < 0.5;
        await killPage(context, page, crash, 60_000);
        if (crash) crashes++;
        else closes++;
        log(`kill ${k + 1}: ${crash ? 'crash' : 'close'} once ${target} were written (${said.trim()})`);
        page = await open(context);
      }
      const final = await importFile(page, file);
      log(final);
      const { names, report: check } = await report(page);
      expect(crashes + closes).toBe(10);
      expect(crashes).toBeGreaterThan(0);
      expect(closes).toBeGreaterThan(0);
      // The kills must land while photos are being written, or the loop tests little.
      expect(midImport).toBeGreaterThanOrEqual(8);
      expect(names.length).toBe(N);
      expect(new Set(names).size).toBe(N);
      expect([...names].sort()).toEqual(photos.map((p) => p.name).sort());
      expect(check.problems).toEqual([]);
      expect(check.counts).toMatchObject({ images: N, thumbs: N, vectors: N, text: N, visual: N });
    } finally {
      await context.close();
    }
  }, 300_000);

  it('a cancel, and a full disk, stop the import between whole photos: 0 problems', async () => {
    const context = await browser.newContext();
    try {
      const page = await open(context);
      // Many small transactions: the cancel lands while the import runs, also on a fast machine.
      await page.evaluate(() => window.__glimpse!.setImportBatch(25));
      await page.getByTestId('import-library').setInputFiles(file);
      await page.locator('[data-testid="import-progress"]', { hasText: /Importing .*, [1-9]\d* added/ }).waitFor({ timeout: 60_000 });
      await page.getByTestId('import-cancel').click();
      // A state, not a clock: the cancel lands between batches, whenever the loaded worker gets there.
      await page.locator('[data-testid="import-error"]', { hasText: /^Import of library\.glimpse cancelled\. Photos imported until then stay/ }).waitFor({ timeout: 60_000 });
      const cancelled = await report(page);
      expect(cancelled.names.length).toBeGreaterThan(0);
      expect(cancelled.names.length).toBeLessThan(N);
      expect(cancelled.report.problems).toEqual([]);
      // Storage runs out (simulated quota) during the next batch: refused, nothing half-written.
      await page.evaluate(() => window.__glimpse!.simulateQuota(1_000));
      const full = await importFile(page, file).then((x) => `imported: ${x}`, (e: unknown) => (e instanceof ImportRefused ? e.message : String(e)));
      expect(full).toMatch(/^Import of library\.glimpse stopped: this device's storage is full\. Photos imported until then stay/);
      await page.evaluate(() => window.__glimpse!.simulateQuota(undefined));
      const afterFull = await report(page);
      expect(afterFull.names.length).toBe(cancelled.names.length);
      expect(afterFull.report.problems).toEqual([]);
      // Importing again adds exactly the rest.
      expect(await importFile(page, file)).toBe(`Imported library.glimpse: ${N - cancelled.names.length} photo(s) added, ${cancelled.names.length} already in your library.`);
      expect((await report(page)).report.problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);
});
