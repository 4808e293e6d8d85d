import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openApp, searchText, sharedImages, waitIndexed } from './helpers/app-page';
import { launch } from './helpers/browser';

// Privacy: a whole session (index, search by text, by image, "more like this", the detail view)
// while every request of the pages, their workers and the service worker is recorded. Nothing may
// leave with image bytes or words: only GETs of the app's own files and model/runtime files.

/** Every file of the built app, as URL paths ('/assets/x.js'). */
function distPaths(dir = 'dist', base = ''): Set<string> {
  const out = new Set<string>();
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) for (const p of distPaths(full, `${base}/${name}`)) out.add(p);
    else out.add(`${base}/${name}`);
  }
  return out;
}

describe('privacy: nothing but model and app files is fetched', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const url = inject('baseURL');
  const origin = new URL(url).origin;
  const images = sharedImages(4);
  const requests: Request[] = [];
  const sockets: string[] = [];
  // blob: and data: URLs are the page reading its own memory (thumbnails), not the network.
  const network = (): Request[] => requests.filter((r) => /^https?:/.test(r.url()));

  beforeAll(async () => {
    browser = await launch();
    context = await browser.newContext();
    // Context-level: pages, their dedicated workers and the service worker.
    context.on('request', (r) => requests.push(r));
    context.on('page', (p) => p.on('websocket', (ws) => sockets.push(ws.url())));
    ({ page } = await openApp(context, url));
  });
  afterAll(async () => {
    await browser.close();
  });

  it('records a whole session: index, text query, image query, more like this, detail', async () => {
    await page.getByTestId('add-files').setInputFiles(images);
    await waitIndexed(page);
    await searchText(page, 'two dogs playing in the snow');
    await page.getByTestId('result').first().getByTestId('more-like-this').click();
    await page.getByTestId('result').first().waitFor();
    await page.getByTestId('search-input').fill('');
    await page.getByTestId('search-image').setInputFiles(images[1]!);
    await expect.poll(() => page.getByTestId('result').first().getAttribute('data-name'), { timeout: 60_000 }).toBe(path.basename(images[1]!));
    await page.getByTestId('result').first().getByRole('button', { name: /^Open / }).click();
    await page.getByTestId('detail-name').waitFor();
    expect(requests.length).toBeGreaterThan(0);
  });

  it('sent no request body, no foreign origin, no socket', () => {
    const offenders = network().filter((r) => new URL(r.url()).origin !== origin || !['GET', 'HEAD'].includes(r.method()) || r.postDataBuffer() !== null);
    expect(offenders.map((r) => `${r.method()} ${r.url()}`)).toEqual([]);
    expect(sockets).toEqual([]);
  });

  it('fetched only the app’s own files, the ORT runtime and model files', () => {
    const shell = distPaths();
    const fetched = network()
      .map((r) => new URL(r.url()))
      .filter((u) => u.origin === origin);
    const other = fetched.filter((u) => !(u.pathname === '/' || shell.has(u.pathname) || u.pathname.startsWith('/models/') || u.pathname.startsWith('/ort/')));
    expect(other.map((u) => u.href)).toEqual([]);
    expect(fetched.some((u) => u.pathname.startsWith('/models/test/tiny/'))).toBe(true);
    // Headless with --disable-gpu has no WebGPU adapter: the plain (WASM-only) runtime, never asyncify.
    const ort = fetched.filter((u) => u.pathname.startsWith('/ort/')).map((u) => u.pathname);
    expect(ort).toContain('/ort/ort-wasm-simd-threaded.wasm');
    expect(ort.filter((p) => p.includes('asyncify'))).toEqual([]);
    // The page's own query string carries settings only (never a query, a name or a caption).
    for (const u of fetched) expect(u.search === '' || u.search === '?models=test/tiny' || u.pathname !== '/', u.href).toBe(true);
  });

  it('never put a file name, a query or image bytes into a URL', () => {
    const words = ['dogs', 'snow', ...images.map((f) => path.basename(f, '.jpg'))];
    for (const r of network()) for (const w of words) expect(decodeURIComponent(r.url()).includes(w), `${r.url()} contains ${w}`).toBe(false);
  });
});
