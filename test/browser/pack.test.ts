import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { partPath, type PackRow } from '../../src/core/pack/format';
import { packRows, photoFolder, rareWord, readManifest, runPack, serveDir } from '../fixtures/pack';
import { openApp, searchText, waitThumbs } from './helpers/app-page';
import { useBrowser } from './helpers/use-browser';
import { WorkFolder } from '../../scripts/pack/work';

// Issue 15: the built app opens a static pack by URL (?pack=, here from another origin with CORS)
// and searches it in place: text, keywords with no model at all, more like this, thumbnails as the
// grid shows them. A missing, damaged or CORS-refused pack gets a message naming its URL, and the
// person's own library is shown unchanged.
describe('a pack opened by URL', () => {
  let browser: Browser;
  const url = inject('baseURL');
  const dir = mkdtempSync(path.join(tmpdir(), 'glimpse-pack-browser-'));
  const out = path.join(dir, 'pack');
  let rows: PackRow[] = [];
  let host: Awaited<ReturnType<typeof serveDir>>;
  let noCors: Awaited<ReturnType<typeof serveDir>>;
  let broken: Awaited<ReturnType<typeof serveDir>>;

  useBrowser((b) => (browser = b));

  beforeAll(async () => {
    runPack(photoFolder(path.join(dir, 'photos'), 12), out);
    rows = packRows(out);
    host = await serveDir(out, true);
    noCors = await serveDir(out, false);
    // One flipped byte in a part the text forest reads at open (its meta block).
    const bad = path.join(dir, 'broken');
    cpSync(out, bad, { recursive: true });
    const part = path.join(bad, partPath(readManifest(bad).forests.text.blocks['meta']!));
    const bytes = readFileSync(part);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(part, bytes);
    broken = await serveDir(bad, true);
  });
  afterAll(() => {
    for (const s of [host, noCors, broken]) s?.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Images in the person's own library database (0 when it does not exist). */
  const ownImages = (page: Page): Promise<number> =>
    page.evaluate(async () => {
      if (!(await indexedDB.databases()).some((d) => d.name === 'glimpse')) return 0;
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const r = indexedDB.open('glimpse');
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      const n = await new Promise<number>((ok, fail) => {
        const r = db.transaction('images').objectStore('images').count();
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      db.close();
      return n;
    });

  async function open(packUrl: string, init?: (c: BrowserContext) => Promise<unknown>): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext();
    if (init) await init(context);
    const { page, errors } = await openApp(context, url, `&pack=${encodeURIComponent(packUrl)}`);
    return { context, page, errors };
  }

  it('text search, more like this and thumbnails, read from the pack', async () => {
    const { context, page } = await open(host.url);
    try {
      await expect.poll(() => page.getByTestId('pack-library').textContent()).toContain(`12 photos from ${host.url}`);
      // Browsing: the grid's cards get their thumbnails from the pack's parts.
      await page.getByTestId('library-item').first().waitFor();
      await waitThumbs(page);
      expect(await page.locator('[data-testid="library-item"] img').count()).toBe(12);
      expect(host.requests.filter((r) => r.startsWith('/p/')).length).toBeGreaterThan(12);
      await expect.poll(() => page.getByTestId('add-files').count()).toBe(0);
      const { word, row } = rareWord(rows);
      await searchText(page, word);
      await expect.poll(() => page.locator('[data-testid="result"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')))).toContain(row.name);
      expect(await page.getByTestId('keyword-only').count()).toBe(0);
      // More like this: the pack's visual vectors, the photo itself left out.
      const first = page.getByTestId('result').first();
      const name = await first.getAttribute('data-name');
      await first.getByTestId('more-like-this').click();
      // Against exact cosines of the analysed float vectors (the work folder): clear neighbours
      // shown, photos pointing the other way not (rankSimilar drops cosine < 0), the photo itself left out.
      const work = new WorkFolder(`${out}.work`).items();
      const q = work.find((w) => w.name === name)!.visual;
      const cos = (v: Float32Array): number => {
        let d = 0, a = 0, b = 0;
        for (let i = 0; i < v.length; i++) {
          d += v[i]! * q[i]!;
          a += v[i]! * v[i]!;
          b += q[i]! * q[i]!;
        }
        return d / Math.sqrt(a * b);
      };
      const others = work.filter((w) => w.name !== name).map((w) => ({ name: w.name, cos: cos(w.visual) }));
      const shownNames = (): Promise<(string | null)[]> => page.locator('[data-testid="result"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
      await page.getByText('Photos like').waitFor();
      for (const o of others.filter((o) => o.cos > 0.05)) await expect.poll(shownNames).toContain(o.name);
      const shown = await shownNames();
      expect(shown).not.toContain(name);
      for (const o of others.filter((o) => o.cos < -0.05)) expect(shown).not.toContain(o.name);
      // The person's own library was never written.
      expect(await ownImages(page)).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('keyword search with no model to be had', async () => {
    const { context, page } = await open(host.url, (c) => c.route('**/models/**', (r) => r.abort()));
    try {
      await expect.poll(() => page.getByTestId('pack-library').textContent()).toContain('12 photos');
      const { word, row } = rareWord(rows);
      await searchText(page, word);
      await page.getByTestId('keyword-only').waitFor();
      expect(await page.locator('[data-testid="result"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')))).toContain(row.name);
    } finally {
      await context.close();
    }
  });

  for (const [what, packUrl, says] of [
    ['missing', () => `${host.url}nothing-here/`, () => 'answered HTTP 404'],
    ['refused by CORS', () => noCors.url, () => 'CORS'],
    ['damaged', () => broken.url, () => `fails its checksum`],
  ] as const) {
    it(`a ${what} pack: a message naming its URL; the own library is shown`, async () => {
      const { context, page } = await open(packUrl());
      try {
        const error = page.getByTestId('pack-error');
        await error.waitFor();
        const text = await error.textContent();
        expect(text).toContain(`The photo pack at ${packUrl()} cannot be opened`);
        expect(text).toContain(says());
        await page.getByTestId('empty-library').waitFor();
        expect(await page.getByTestId('pack-library').count()).toBe(0);
      } finally {
        await context.close();
      }
    });
  }
});
