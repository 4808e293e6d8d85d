import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { partPath, type PackRow } from '../../src/core/pack/format';
import { blockAt, packRows, photoFolder, rareWord, readManifest, runPack, serveDir } from '../fixtures/pack';
import { openApp, searchText, startupMarks, waitThumbs } from './helpers/app-page';
import { ownImageCount } from './helpers/idb-page';
import { useBrowser } from './helpers/use-browser';
import { SEARCH_DEBOUNCE_MS } from '../../src/ui/search-debounce';
import { WorkFolder } from '../../scripts/pack/work';
import { installDemoPack } from '../../scripts/vite/demo-pack';
import { preview } from 'vite';

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
  let slow: Awaited<ReturnType<typeof serveDir>>;
  let slowForest: Awaited<ReturnType<typeof serveDir>>;

  useBrowser((b) => (browser = b));

  beforeAll(async () => {
    runPack(photoFolder(path.join(dir, 'photos'), 12), out);
    rows = packRows(out);
    host = await serveDir(out, true);
    noCors = await serveDir(out, false);
    // One flipped byte in a part the text forest reads at open (its meta block).
    const bad = path.join(dir, 'broken');
    cpSync(out, bad, { recursive: true });
    const meta = blockAt(bad, 'text', 'meta');
    const part = path.join(bad, partPath(meta.part));
    const bytes = readFileSync(part);
    bytes[meta.end - 1] ^= 1;
    writeFileSync(part, bytes);
    broken = await serveDir(bad, true);
    slow = await serveDir(out, true, 3000);
    // Every read of the text forest's blocks (its open, each descent round) answers 4 s late.
    const forestPart = `/${partPath(readManifest(out).forests.text.blocks.part)}`;
    slowForest = await serveDir(out, true, 4000, (p) => p === forestPart);
  });
  afterAll(() => {
    for (const s of [host, noCors, broken, slow, slowForest]) s?.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Images in the person's own library database (0 when it does not exist). */
  const ownImages = (page: Page): Promise<number> => page.evaluate(ownImageCount);

  async function open(packUrl: string, init?: (c: BrowserContext) => Promise<unknown>, query = ''): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext();
    if (init) await init(context);
    const { page, errors } = await openApp(context, url, `&pack=${encodeURIComponent(packUrl)}${query}`);
    return { context, page, errors };
  }

  /**
   * Offline (the context set so by the caller): the page reloaded opens the pack and answers `word`
   * with the `online` results, each with its thumbnail, and no pack error.
   */
  async function searchedOffline(page: Page, word: string, online: (string | null)[]): Promise<void> {
    const names = (): Promise<(string | null)[]> => page.locator('[data-testid="result"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
    await page.reload();
    await expect.poll(() => page.getByTestId('pack-library').textContent()).toContain('12 photos');
    await searchText(page, word);
    await expect.poll(names).toEqual(online);
    await waitThumbs(page);
    const widths = await page.locator('[data-testid="result"] img').evaluateAll((els) => els.map((e) => (e as HTMLImageElement).naturalWidth));
    expect(widths.length).toBe(online.length);
    expect(widths.every((w) => w > 0)).toBe(true);
    expect(await page.getByTestId('pack-error').count()).toBe(0);
  }

  it('text search, more like this and thumbnails, read from the pack', async () => {
    const { context, page } = await open(host.url);
    try {
      await expect.poll(() => page.getByTestId('pack-library').textContent()).toContain(`12 photos from ${host.url}`);
      // Browsing: the grid's cards get their thumbnails from the pack's parts.
      await page.getByTestId('library-item').first().waitFor();
      // Each card's image appears once its thumbnail part has arrived: wait for all 12, then decoded.
      await expect.poll(() => page.locator('[data-testid="library-item"] img').count()).toBe(12);
      await waitThumbs(page);
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
      // The grid answers the photo (not the words searched before): wait on its state, not on names
      // that the text results may hold too.
      await expect.poll(() => page.getByTestId('results-grid').getAttribute('data-query'), { timeout: 30_000 }).toBe(`like:${name}`);
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

  it("starts the pack's embedder as soon as the pack names it, while the rest of the pack is read", async () => {
    const { context, page } = await open(host.url, undefined, '&testHooks');
    try {
      const at = await startupMarks(page, ['library-ready', 'embedder-ready']);
      // Not after the open (it used to wait for the forest and the keyword head first).
      expect(at('library-start')).toBeLessThan(at('embedder-start'));
      expect(at('embedder-start')).toBeLessThan(at('library-ready'));
    } finally {
      await context.close();
    }
  });

  it('a query typed while the pack opens runs once (opening the pack does not run it again)', async () => {
    const { context, page } = await open(slow.url, undefined, '&testHooks');
    try {
      const { word, row } = rareWord(rows);
      await page.getByTestId('search-input').fill(word);
      // Past the search box's debounce, the search has been sent; the pack (its pack.json 3 s late) is still opening.
      await page.waitForTimeout(SEARCH_DEBOUNCE_MS + 400);
      expect(await page.getByTestId('pack-library').count()).toBe(0);
      // The search's answer (its keyword preview may come before: that is no answer, and files no steps).
      await expect.poll(() => page.getByTestId('results-grid').getAttribute('data-query'), { timeout: 60_000 }).toBe(word);
      expect(await page.locator('[data-testid="result"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')))).toContain(row.name);
      // The open's version bump used to re-run it 300 ms later (a second search at once, on the first visit).
      await page.waitForTimeout(1500);
      const steps = await page.evaluate(() => window.__glimpse!.searchSteps());
      expect(steps).toHaveLength(1);
      // Its vector came from the query worker (src/bridge/query-link.ts), beside the keyword ranking.
      expect(steps[0]!.queryWorker).toBe(1);
    } finally {
      await context.close();
    }
  });

  it('shows the keyword results first while the text forest is still being read, then the answer', async () => {
    const { context, page } = await open(slowForest.url);
    try {
      await expect.poll(() => page.getByTestId('search-input').count()).toBe(1);
      const { word, row } = rareWord(rows);
      await page.getByTestId('search-input').fill(word);
      const grid = page.getByTestId('results-grid');
      // The keyword half answers from its own parts; the forest's blocks are seconds away.
      await expect.poll(() => grid.getAttribute('data-preview'), { timeout: 30_000 }).toBe(word);
      const names = (): Promise<(string | null)[]> => page.locator('[data-testid="result"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
      expect(await names()).toContain(row.name);
      expect(await grid.getAttribute('data-query')).not.toBe(word);
      await expect.poll(() => page.getByTestId('refining').count()).toBe(1);
      // Then the answer, with the forest's half, replaces it.
      await expect.poll(() => grid.getAttribute('data-query'), { timeout: 60_000 }).toBe(word);
      expect(await grid.getAttribute('data-preview')).toBe('');
      expect(await page.getByTestId('refining').count()).toBe(0);
      expect(await names()).toContain(row.name);
      expect(slowForest.requests.filter((p) => p.endsWith(partPath(readManifest(out).forests.text.blocks.part))).length).toBeGreaterThan(1);
    } finally {
      await context.close();
    }
  });

  it('"Add to my library" imports the pack: searchable in the own library once the pack is closed', async () => {
    const { context, page } = await open(host.url);
    try {
      await expect.poll(() => page.getByTestId('pack-library').textContent()).toContain('12 photos');
      await page.getByTestId('pack-add').click();
      const added = page.getByTestId('pack-added');
      await added.waitFor({ timeout: 60_000 });
      expect(await added.textContent()).toContain('12 photo(s) added to your library, 0 already there.');
      expect(await ownImages(page)).toBe(12);
      // Closing the pack: the own library, now holding the pack's photos, searched by their words.
      await page.getByTestId('pack-close').click();
      await page.getByTestId('image-count').waitFor();
      await expect.poll(() => page.getByTestId('pack-library').count()).toBe(0);
      await expect.poll(() => page.getByTestId('image-count').textContent()).toBe('12');
      const { word, row } = rareWord(rows);
      await searchText(page, word);
      await expect.poll(() => page.locator('[data-testid="result"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')))).toContain(row.name);
    } finally {
      await context.close();
    }
  });

  it('offline after one visit: the same search and its thumbnails, from the cached parts', async () => {
    const { context, page } = await open(host.url);
    try {
      await expect.poll(() => page.getByTestId('pack-library').textContent()).toContain('12 photos');
      const { word, row } = rareWord(rows);
      await searchText(page, word);
      const names = (): Promise<(string | null)[]> => page.locator('[data-testid="result"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
      await expect.poll(names).toContain(row.name);
      await waitThumbs(page);
      const online = await names();
      // The first visit was not controlled by the service worker (it installs meanwhile): the reader kept what it read.
      await page.evaluate(async () => navigator.serviceWorker.ready);
      // Once it controls the page, parts not read yet (more like this: visual vectors) go through it and it keeps them
      // (this pack is on another origin: same-origin reads are kept by the reader, pack-parts.ts READER_MISSED).
      await page.reload();
      await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
      await searchText(page, word);
      const first = await page.getByTestId('result').first().getAttribute('data-name');
      await page.getByTestId('result').first().getByTestId('more-like-this').click();
      // The grid answers the photo query (not the text results still shown): its parts have been read.
      await expect.poll(() => page.getByTestId('results-grid').getAttribute('data-query'), { timeout: 30_000 }).toBe(`like:${first}`);
      const keptBySw = (): Promise<number> =>
        page.evaluate(async () => {
          const cache = await caches.open('glimpse-pack-parts-v1');
          const kept = await Promise.all((await cache.keys()).map((k) => cache.match(k)));
          return kept.filter((r) => r?.headers.get('x-glimpse-pack-cache') === 'sw').length;
        });
      // The service worker keeps a part after answering with it: wait until its cache holds some.
      await expect.poll(keptBySw).toBeGreaterThan(0);
      await page.getByRole('button', { name: 'Clear photo search' }).click();
      const seen = host.requests.length;
      await context.setOffline(true);
      try {
        await searchedOffline(page, word, online);
        expect(host.requests.length).toBe(seen); // nothing reached the host
      } finally {
        await context.setOffline(false);
      }
    } finally {
      await context.close();
    }
  });

  it('"Try the demo": only a site built with PACK= offers it, and it opens the pack; same origin, it is searched offline from what the reader kept', async () => {
    // The shared dist/ was built without PACK: no button.
    const plain = await open(`${host.url}nothing-here/`);
    try {
      await plain.page.getByTestId('empty-library').waitFor();
      expect(await plain.page.getByTestId('try-demo').count()).toBe(0);
    } finally {
      await plain.context.close();
    }
    // A second site beside it, as PACK=<pack> npm run build leaves it (dist/ linked, not built again).
    const site = path.join(dir, 'site');
    mkdirSync(site);
    const dist = path.resolve(import.meta.dirname, '../../dist');
    for (const f of readdirSync(dist)) if (f !== 'index.html') symlinkSync(path.join(dist, f), path.join(site, f));
    cpSync(path.join(dist, 'index.html'), path.join(site, 'index.html'));
    installDemoPack(out, site);
    const server = await preview({ build: { outDir: site }, preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
    const context = await browser.newContext();
    try {
      const { page } = await openApp(context, server.resolvedUrls!.local[0]!);
      await page.getByTestId('try-demo').click();
      await expect.poll(() => page.getByTestId('pack-library').textContent()).toContain('12 photos');
      expect(new URL(page.url()).searchParams.get('pack')).toBe('demo/');
      const { word, row } = rareWord(rows);
      const names = (): Promise<(string | null)[]> => page.locator('[data-testid="result"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
      await searchText(page, word);
      await expect.poll(names).toContain(row.name);
      // A pack on the app's own origin: once the service worker controls the page, it leaves the
      // reader's own misses alone (READER_MISSED) and the reader keeps them. The visual forest is
      // read only now (more like this), so its parts take that path.
      await page.evaluate(async () => navigator.serviceWorker.ready);
      await page.reload();
      await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
      await searchText(page, word);
      await expect.poll(names).toContain(row.name);
      await waitThumbs(page);
      const online = await names();
      const first = await page.getByTestId('result').first().getAttribute('data-name');
      await page.getByTestId('result').first().getByTestId('more-like-this').click();
      await expect.poll(() => page.getByTestId('results-grid').getAttribute('data-query'), { timeout: 30_000 }).toBe(`like:${first}`);
      const like = await names();
      expect(like.length).toBeGreaterThan(0);
      const kept = await page.evaluate(async () => {
        const cache = await caches.open('glimpse-pack-parts-v1');
        const all = await Promise.all((await cache.keys()).map((k) => cache.match(k)));
        return { all: all.length, bySw: all.filter((r) => r?.headers.get('x-glimpse-pack-cache') === 'sw').length };
      });
      expect(kept.all).toBeGreaterThan(0);
      expect(kept.bySw).toBe(0);
      // Offline: the same search, its thumbnails and the same photos like it, from what the reader kept.
      await page.getByRole('button', { name: 'Clear photo search' }).click();
      await context.setOffline(true);
      await searchedOffline(page, word, online);
      await page.getByTestId('result').first().getByTestId('more-like-this').click();
      await expect.poll(() => page.getByTestId('results-grid').getAttribute('data-query'), { timeout: 30_000 }).toBe(`like:${first}`);
      await expect.poll(names).toEqual(like);
      expect(await page.getByTestId('pack-error').count()).toBe(0);
    } finally {
      await context.close();
      await server.close();
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
