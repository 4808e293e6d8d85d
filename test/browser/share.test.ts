import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { imageCount, openApp, sharedImages, waitIndexed } from './helpers/app-page';
import { launch } from './helpers/browser';

// "Share to Glimpse" (the manifest's share_target, answered by the service worker) and "Open with
// Glimpse" (file_handlers + launchQueue), in Chromium, against the built app.
describe('share to Glimpse and open with Glimpse', () => {
  let browser: Browser;
  let context: BrowserContext;
  const url = inject('baseURL');
  const images = sharedImages(2);
  const names = images.map((p) => path.basename(p)).sort();

  const shownNames = async (page: Page): Promise<string[]> => (await page.getByTestId('library-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-name') ?? ''))).sort();

  beforeAll(async () => {
    browser = await launch();
    context = await browser.newContext();
  });
  afterAll(async () => {
    await browser.close();
  });

  it('the manifest offers a share target for images and file handlers for image types', async () => {
    const manifest = (await (await fetch(new URL('manifest.webmanifest', url))).json()) as {
      share_target?: unknown;
      file_handlers?: { action: string; accept: Record<string, string[]> }[];
    };
    expect(manifest.share_target).toEqual({ action: 'share', method: 'POST', enctype: 'multipart/form-data', params: { files: [{ name: 'photos', accept: ['image/*'] }] } });
    expect(manifest.file_handlers).toHaveLength(1);
    expect(manifest.file_handlers![0]!.action).toBe('.');
    expect(manifest.file_handlers![0]!.accept).toMatchObject({ 'image/jpeg': ['.jpg', '.jpeg'], 'image/png': ['.png'], 'image/webp': ['.webp'] });
  });

  it('a share sheet’s multipart POST of 2 photos to the share URL opens the library, indexing them', async () => {
    const { page, errors } = await openApp(context, url);
    await page.getByTestId('empty-library').waitFor();
    await page.evaluate(async () => navigator.serviceWorker.ready);
    await page.reload();
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 30_000 }).toBe(true);
    // Two shares no page took: one a day old (its tab closed), one just made (another tab's, in flight).
    await page.evaluate(async () => {
      const inbox = await caches.open('glimpse-share');
      await inbox.put(new URL('share-inbox/stale/0', location.href), new Response('x', { headers: { 'x-glimpse-received': String(Date.now() - 25 * 3600 * 1000) } }));
      await inbox.put(new URL('share-inbox/fresh/0', location.href), new Response('x', { headers: { 'x-glimpse-received': String(Date.now()) } }));
    });
    expect(errors).toEqual([]);
    await page.close();

    // The share sheet: a page outside the app submits a real multipart form to the share URL, as
    // Android does on "Share → Glimpse" (the app's own CSP forbids forms, so not from inside it).
    // `models=test/tiny` rides along on the share URL; the service worker keeps it for the app.
    const sheet = await context.newPage();
    const sheetErrors: string[] = [];
    sheet.on('pageerror', (e) => sheetErrors.push(String(e)));
    await sheet.setContent(
      `<form method="post" enctype="multipart/form-data" action="${url}share?models=test/tiny"><input type="file" name="photos" multiple accept="image/*"><button>Share</button></form>`,
    );
    await sheet.locator('input[type=file]').setInputFiles(images);
    await sheet.getByRole('button', { name: 'Share' }).click();
    await sheet.getByTestId('image-count').waitFor();
    expect(new URL(sheet.url()).pathname).toBe(new URL(url).pathname);
    await expect.poll(() => imageCount(sheet), { timeout: 120_000 }).toBe(2);
    await waitIndexed(sheet);
    expect(await shownNames(sheet)).toEqual(names);
    // The key is out of the URL; the share's files and the stale share are gone from the inbox.
    expect(new URL(sheet.url()).searchParams.has('share')).toBe(false);
    expect(new URL(sheet.url()).searchParams.get('models')).toBe('test/tiny');
    const left = await sheet.evaluate(async () => (await (await caches.open('glimpse-share')).keys()).map((r) => new URL(r.url).pathname));
    expect(left).toEqual(['/share-inbox/fresh/0']);
    expect(await sheet.getByTestId('file-error').count()).toBe(0);
    expect(sheetErrors).toEqual([]);
  });

  it('launchQueue, stubbed (headless Chromium cannot launch an installed app with files): the launched file handles are added from Settings, originals included', async () => {
    const ctx = await browser.newContext();
    try {
      // A stand-in for the browser's launchQueue, in place before the app's script runs.
      await ctx.addInitScript(() => {
        Object.defineProperty(window, 'launchQueue', {
          configurable: true,
          value: { setConsumer: (consumer: unknown) => Object.assign(window, { __launchConsumer: consumer }) },
        });
      });
      const { page, errors } = await openApp(ctx, url, '#/settings');
      await page.waitForFunction(() => typeof (window as { __launchConsumer?: unknown }).__launchConsumer === 'function');
      // Real FileSystemFileHandles (from the origin-private file system), as a launch hands over.
      const files = images.map((p) => ({ name: path.basename(p), b64: readFileSync(p).toString('base64') }));
      await page.evaluate(async (files) => {
        const dir = await navigator.storage.getDirectory();
        const handles: FileSystemFileHandle[] = [];
        for (const f of files) {
          const handle = await dir.getFileHandle(f.name, { create: true });
          const writable = await handle.createWritable();
          await writable.write(Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0)));
          await writable.close();
          handles.push(handle);
        }
        (window as unknown as { __launchConsumer: (p: { files: FileSystemHandle[]; targetURL: string }) => void }).__launchConsumer({ files: handles, targetURL: location.href });
      }, files);
      // The app goes to the library and indexes them.
      await page.getByTestId('image-count').waitFor();
      await expect.poll(() => imageCount(page), { timeout: 120_000 }).toBe(2);
      await waitIndexed(page);
      expect(await shownNames(page)).toEqual(names);
      // Each photo kept its handle: the detail view opens the original.
      await page.getByTestId('library-item').first().getByRole('button', { name: /^Open / }).click();
      await page.getByTestId('open-original').click();
      await page.getByTestId('original-image').waitFor();
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
