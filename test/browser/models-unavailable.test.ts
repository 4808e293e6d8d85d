import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { imageCount, openApp, sharedImages, waitIndexed } from './helpers/app-page';
import { launch } from './helpers/browser';

// Issue 6: the models vanish for real (offline, their cached files deleted, the hub off as in
// test mode). Search keeps working by keywords and says so, photos added meanwhile wait in the
// queue, nothing stored is lost, and once the network is back vector search returns.
const EMBEDDER = 'Xenova/all-MiniLM-L6-v2';
/** Words in no caption: only the vector side can answer them (the tiny models match anything). */
const NO_CAPTION_WORDS = 'zebra xylophone quartz';

interface StoredRow {
  id: number;
  name: string;
  captions: string[];
}

/** Every stored image's id, name and captions, read straight from IndexedDB. */
function storedRows(page: Page): Promise<StoredRow[]> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const r = indexedDB.open('glimpse');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    const rows = await new Promise<Array<{ id: number; name: string; record: { captions: string[] } }>>((ok, fail) => {
      const r = db.transaction('images').objectStore('images').getAll();
      r.onsuccess = () => ok(r.result as Array<{ id: number; name: string; record: { captions: string[] } }>);
      r.onerror = () => fail(r.error);
    });
    db.close();
    return rows.map((r) => ({ id: r.id, name: r.name, captions: r.record.captions }));
  });
}

/** A word of one image's captions that few other images have (random-weight captions repeat words). */
function rareKeyword(rows: StoredRow[]): { word: string; row: StoredRow } {
  const wordsOf = (r: StoredRow): Set<string> => new Set(r.captions.join(' ').toLowerCase().match(/\b[a-z]{4,}\b/g) ?? []);
  let best: { word: string; row: StoredRow; df: number } | undefined;
  for (const row of rows) {
    for (const word of wordsOf(row)) {
      const df = rows.filter((r) => wordsOf(r).has(word)).length;
      if (!best || df < best.df) best = { word, row, df };
    }
  }
  if (!best) throw new Error(`no word of 4+ letters in the stored captions: ${JSON.stringify(rows.map((r) => r.captions))}`);
  return best;
}

/** Deletes every Cache Storage entry for a model file (the service worker's and transformers.js's). */
function deleteCachedModels(page: Page): Promise<number> {
  return page.evaluate(async () => {
    let deleted = 0;
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        if (new URL(request.url).pathname.includes('/models/') && (await cache.delete(request))) deleted++;
      }
    }
    return deleted;
  });
}

function cachedModelFiles(page: Page): Promise<number> {
  return page.evaluate(async () => {
    let n = 0;
    for (const name of await caches.keys()) n += (await (await caches.open(name)).keys()).filter((r) => new URL(r.url).pathname.includes('/models/')).length;
    return n;
  });
}

const check = (page: Page) => page.evaluate(() => window.__glimpse!.checkLibrary());

async function search(page: Page, text: string): Promise<void> {
  await page.getByTestId('search-input').fill(text);
  const answered = (): Promise<string | undefined> => page.evaluate(() => document.querySelector('[data-testid="results-grid"]')?.getAttribute('data-query') ?? undefined);
  await expect.poll(answered, { timeout: 60_000 }).toBe(text);
}

describe('models unavailable: keyword search with a clear notice, nothing lost', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const url = inject('baseURL');
  const images = sharedImages(5);
  let keyword: { word: string; row: StoredRow };

  beforeAll(async () => {
    browser = await launch();
    context = await browser.newContext();
    ({ page } = await openApp(context, url, '&testHooks'));
  });
  afterAll(async () => {
    await browser.close();
  });

  it('indexes four photos online; searches have their vector side (no notice)', async () => {
    await page.getByTestId('add-files').setInputFiles(images.slice(0, 4));
    await waitIndexed(page);
    expect(await imageCount(page)).toBe(4);
    // Controlled by the service worker, which caches the model files as they are fetched.
    await page.evaluate(async () => navigator.serviceWorker.ready);
    await page.reload();
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    const rows = await storedRows(page);
    keyword = rareKeyword(rows);
    expect(rows.flatMap((r) => r.captions).join(' ').toLowerCase()).not.toMatch(new RegExp(NO_CAPTION_WORDS.replaceAll(' ', '|')));
    await search(page, keyword.word);
    expect(await page.getByTestId('keyword-only').count()).toBe(0);
    await search(page, NO_CAPTION_WORDS);
    expect(await page.getByTestId('result').count()).toBe(4);
    expect(await cachedModelFiles(page)).toBeGreaterThan(0);
  });

  it('offline with the cached model files gone: says keywords only, names the model, still finds a caption word', async () => {
    await context.setOffline(true);
    expect(await deleteCachedModels(page)).toBeGreaterThan(0);
    expect(await cachedModelFiles(page)).toBe(0);
    await page.reload();
    await expect.poll(() => imageCount(page)).toBe(4);
    await search(page, keyword.word);
    const notice = page.getByTestId('keyword-only');
    await notice.waitFor();
    expect(await notice.getAttribute('role')).toBe('status');
    const text = (await notice.textContent()) ?? '';
    expect(text).toMatch(/^Searching by keywords only: /);
    expect(text).toContain(EMBEDDER);
    expect(text).toContain('could not be loaded');
    expect(text).toContain('allow the Hugging Face hub in Settings'); // the hub is off in test mode
    expect(text).toContain('Load models from a folder');
    const hits = await page.getByTestId('result').evaluateAll((cards) => cards.map((c) => Number(c.getAttribute('data-image-id'))));
    expect(hits).toContain(keyword.row.id);
    // The notice stays while the person keeps searching; words in no caption find nothing now.
    await page.getByTestId('search-input').fill(NO_CAPTION_WORDS);
    const empty = page.getByTestId('no-results');
    await empty.waitFor({ timeout: 60_000 });
    expect(await empty.textContent()).toContain(`No photo’s captions hold the words “${NO_CAPTION_WORDS}”`);
    expect(await notice.isVisible()).toBe(true);
    expect(await imageCount(page)).toBe(4);
    expect((await check(page)).problems).toEqual([]);
  });

  it('search by photo names the model error; more like this still works from stored vectors', async () => {
    await page.getByTestId('search-input').fill('');
    await page.getByTestId('search-image').setInputFiles(images[0]!);
    const alert = page.getByRole('alert').filter({ hasText: 'Search by photo needs the models' });
    await alert.waitFor({ timeout: 60_000 });
    expect(await alert.textContent()).toContain('could not be loaded');
    await page.reload();
    await page.getByTestId('library-item').first().getByTestId('more-like-this').click();
    await expect.poll(() => page.getByTestId('result').count(), { timeout: 60_000 }).toBeGreaterThan(0);
  });

  it('a photo added meanwhile waits in the queue with the message; nothing is lost', async () => {
    await page.reload();
    await page.getByTestId('add-files').setInputFiles(images[4]!);
    const stopped = page.getByTestId('index-notice');
    await stopped.waitFor({ timeout: 60_000 });
    expect(await stopped.textContent()).toContain('could not be loaded');
    await page.getByTestId('index-resume').waitFor();
    const queued = await page.evaluate(() => window.__glimpse!.queuedFiles());
    expect(queued.map((q) => q.name)).toEqual([path.basename(images[4]!)]);
    expect(await page.evaluate(() => window.__glimpse!.libraryStatus())).toEqual({ count: 4, pending: 1 });
    expect(await imageCount(page)).toBe(4);
    const report = await check(page);
    expect(report.problems).toEqual([]);
    expect(report.counts).toMatchObject({ images: 4, vectors: 4, queue: 1 });
  });

  it('network back: vector search returns, the notice goes, the queued photo is indexed', async () => {
    await context.setOffline(false);
    await search(page, NO_CAPTION_WORDS);
    expect(await page.getByTestId('keyword-only').count()).toBe(0);
    expect(await page.getByTestId('result').count()).toBe(4);
    await search(page, keyword.word);
    expect(await page.getByTestId('keyword-only').count()).toBe(0);
    expect(await page.getByTestId('result').evaluateAll((cards) => cards.map((c) => Number(c.getAttribute('data-image-id'))))).toContain(keyword.row.id);
    await page.getByTestId('index-resume').click();
    await waitIndexed(page);
    expect(await imageCount(page)).toBe(5);
    expect((await check(page)).problems).toEqual([]);
  });
});
