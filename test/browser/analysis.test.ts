import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startupMarks } from './helpers/app-page';
import { launch } from './helpers/browser';
import { addInPage, captionedEntries, imageBytes, openLibraryPage } from './helpers/library-page';

// The analysis worker end to end in Chromium with the tiny random-weight models: real
// transformers.js pipelines, real IndexedDB, real forests. Random weights: no quality claims.
describe('analysis worker in Chromium', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const url = inject('baseURL');
  const entries = captionedEntries().slice(0, 20);

  beforeAll(async () => {
    browser = await launch();
    context = await browser.newContext();
    page = await context.newPage();
    await openLibraryPage(page, url);
  });
  afterAll(async () => {
    await browser.close();
  });

  it('loads both models on WASM from the app’s own models/ folder', async () => {
    const info = await page.evaluate(() => window.__glimpse!.loadModels());
    expect(info.backend).toBe('wasm');
    expect(info.captioner).toBe('Xenova/vit-gpt2-image-captioning');
    expect(info.threads).toBeGreaterThanOrEqual(1);
  });

  it('indexes 20 photos, each once, and skips an exact duplicate', async () => {
    const ids: number[] = [];
    for (const e of entries) {
      const r = await addInPage(page, e.file.split('/').pop()!, imageBytes(e.file));
      expect(r.status, JSON.stringify(r)).toBe('indexed');
      if (r.status === 'indexed') ids.push(r.id);
    }
    expect(new Set(ids).size).toBe(20);
    const again = await addInPage(page, 'copy.jpg', imageBytes(entries[0]!.file));
    expect(again.status).toBe('duplicate');
    expect((await page.evaluate(() => window.__glimpse!.openLibrary())).count).toBe(20);
  });

  it('answers a text query with ranked rows that say why they matched', async () => {
    const rows = await page.evaluate(() => window.__glimpse!.search('a dog running on grass', 10));
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(typeof r.name).toBe('string');
      expect(r.summary.text.length).toBeGreaterThan(0);
    }
  });

  it('query by image returns the same image first', async () => {
    const b64 = Buffer.from(imageBytes(entries[3]!.file)).toString('base64');
    const rows = await page.evaluate(async (b64) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      return window.__glimpse!.searchByImage(new File([data], 'query.jpg', { type: 'image/jpeg' }), 5);
    }, b64);
    expect(rows[0]?.name).toBe(entries[3]!.file.split('/').pop());
    const similar = await page.evaluate((id) => window.__glimpse!.similarTo(id, 5), rows[0]!.id);
    expect(similar.map((r) => r.id)).not.toContain(rows[0]!.id);
  });

  it('keeps the library across a reload', async () => {
    await page.reload();
    await page.waitForFunction(() => window.__glimpse !== undefined);
    expect((await page.evaluate(() => window.__glimpse!.openLibrary())).count).toBe(20);
  });

  it('starts the embedder while the library is still being read (cold start)', async () => {
    await page.reload();
    await page.waitForFunction(() => window.__glimpse !== undefined);
    // The page opens the library by itself; wait until both loads have ended.
    const at = await startupMarks(page, ['library-ready', 'embedder-ready']);
    expect(at('embedder-start')).toBeLessThan(at('library-ready'));
    expect(at('library-start')).toBeLessThan(at('library-ready'));
  });
});
