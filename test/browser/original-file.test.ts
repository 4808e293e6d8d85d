import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { imageCount, openApp, sharedImages, waitIndexed } from './helpers/app-page';
import { launch } from './helpers/browser';
import { editRecords } from './helpers/idb-page';

// "Open the original": a photo added with a file handle keeps it, and the detail view reads the
// full-size file through it. Headless Chromium has no native pickers, but the origin private file
// system gives real FileSystemFileHandles: the photo is written there and added with its handle
// the way the pickers add files (test hook → the real indexer and queue).
describe('open the original through a kept file handle', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const url = inject('baseURL');
  // The shared photos are 224 px, smaller than a 256-px thumbnail: the original here is a 2×2 mosaic
  // of four of them (448 px), made in the page, so the full-size image is larger than the thumbnail.
  const photos = sharedImages(8);
  const name = 'mosaic.jpg';
  const plain = photos[4]!;
  const MOSAIC = 448;
  const card = (n: string) => page.locator(`[data-testid="library-item"][data-name="${n}"]`);
  const openDetail = async (n: string): Promise<void> => {
    // The grid re-reads the library up to a second after indexing; the view opens by position, so
    // wait until every photo is listed (else the open view would move to the newcomer).
    await expect.poll(async () => (await page.getByTestId('library-item').count()) === (await imageCount(page)), { timeout: 30_000 }).toBe(true);
    await card(n).getByRole('button', { name: /^Open / }).click();
    await expect.poll(() => page.getByTestId('detail-name').textContent()).toBe(n);
  };
  const closeDetail = async (): Promise<void> => {
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('detail').count()).toBe(0);
  };
  /** Keys of the library's 'handles' store, read straight from IndexedDB. */
  const handleKeys = (): Promise<number[]> =>
    page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const r = indexedDB.open('glimpse');
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      const keys = await new Promise<IDBValidKey[]>((ok) => {
        const r = db.transaction('handles').objectStore('handles').getAllKeys();
        r.onsuccess = () => ok(r.result);
      });
      db.close();
      return keys.map(Number);
    });
  const problems = (): Promise<string[]> => page.evaluate(async () => (await window.__glimpse!.checkLibrary()).problems.map((p) => `${p.kind}: ${p.detail}`));
  const captionCounts = (): Promise<number[]> => page.evaluate(async () => (await Promise.all((await window.__glimpse!.listLibrary()).map((i) => window.__glimpse!.imageDetail(i.id)))).map((d) => d?.row.record.captions.length ?? 0));

  beforeAll(async () => {
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1200, height: 850 } });
    ({ page, errors } = await openApp(context, url, '&testHooks'));
    await page.waitForFunction(() => window.__glimpse !== undefined);
  });
  afterAll(async () => {
    await browser.close();
  });

  it('keeps the handle of a picked file and shows the full-size original', async () => {
    const parts = photos.slice(0, 4).map((p) => readFileSync(p).toString('base64'));
    const written = await page.evaluate(
      async ({ parts, name, size }) => {
        const canvas = new OffscreenCanvas(size, size);
        const ctx = canvas.getContext('2d')!;
        const half = size / 2;
        for (const [i, b64] of parts.entries()) {
          const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/jpeg' }));
          ctx.drawImage(bitmap, (i % 2) * half, Math.floor(i / 2) * half, half, half);
        }
        const jpeg = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 })).arrayBuffer());
        const root = await navigator.storage.getDirectory();
        const handle = await root.getFileHandle(name, { create: true });
        const w = await handle.createWritable();
        await w.write(jpeg);
        await w.close();
        await window.__glimpse!.addPicked([{ file: await handle.getFile(), path: `device/${name}`, handle }]);
        return Array.from(jpeg, (b) => String.fromCharCode(b)).join('');
      },
      { parts, name, size: MOSAIC },
    );
    // A file from the plain file input has no handle.
    await page.getByTestId('add-files').setInputFiles(plain);
    await expect.poll(() => imageCount(page), { timeout: 90_000 }).toBe(2);
    await waitIndexed(page);

    const [id] = await page.evaluate(async (n) => (await window.__glimpse!.listLibrary()).filter((i) => i.name === n).map((i) => i.id), name);
    expect(await handleKeys()).toEqual([id]);

    await openDetail(name);
    const thumb = page.locator('[data-testid="detail"] img');
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(256);
    await page.getByTestId('open-original').click();
    const original = page.getByTestId('original-image');
    await original.waitFor();
    await expect.poll(() => original.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(MOSAIC);
    expect(await original.evaluate((img: HTMLImageElement) => img.naturalHeight)).toBe(MOSAIC);
    // What is shown is the file on the device, byte for byte.
    const shown = await original.evaluate(async (img: HTMLImageElement) => Array.from(new Uint8Array(await (await fetch(img.src)).arrayBuffer()), (b) => String.fromCharCode(b)).join(''));
    expect(shown.length).toBe(written.length);
    expect(shown === written).toBe(true);
    // The object URL is revoked when the view closes.
    const src = (await original.getAttribute('src'))!;
    expect(src.startsWith('blob:')).toBe(true);
    await closeDetail();
    const logged = errors.length;
    expect(await page.evaluate((u) => fetch(u).then(() => 'readable', () => 'revoked'), src)).toBe('revoked');
    // That failed fetch is the console's only complaint here; any other error stays in `errors`.
    await expect.poll(() => errors.slice(logged)).toEqual(['Failed to load resource: net::ERR_FILE_NOT_FOUND']);
    errors.splice(logged, 1);

    // Without a handle there is nothing to open.
    await openDetail(path.basename(plain));
    expect(await page.getByTestId('open-original').count()).toBe(0);
    await closeDetail();
    expect(await problems()).toEqual([]);
  });

  it('re-analysis in the background works with the original in place', async () => {
    // Indexing gives one caption; the idle queue brings each photo to three (reading this one's original).
    await expect.poll(captionCounts, { timeout: 120_000 }).toEqual([3, 3]);
    await expect.poll(() => page.getByTestId('refresh-progress').count(), { timeout: 30_000 }).toBe(0);
    expect(await problems()).toEqual([]);
  });

  it('says the original was moved or deleted, and keeps the thumbnail and description', async () => {
    await page.evaluate(async (n) => (await navigator.storage.getDirectory()).removeEntry(n), name);
    await openDetail(name);
    await page.getByTestId('open-original').click();
    const note = page.getByTestId('original-error');
    await note.waitFor();
    expect(await note.textContent()).toBe(`The original of ${name} was moved or deleted; the thumbnail and description stay. Add the photo again from its new place to open it from here.`);
    expect(await page.getByTestId('original-image').count()).toBe(0);
    expect(await page.locator('[data-testid="detail"] img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="detail"] li').count()).toBeGreaterThan(0);
    await closeDetail();
    expect(await problems()).toEqual([]);
  });

  it('re-analysis falls back to the thumbnail when the original is gone', async () => {
    // As if both photos had been indexed by an older embedder: the app offers a re-index.
    await editRecords(page, { embedder: 'Xenova/an-older-embedder' });
    await page.reload();
    await page.waitForFunction(() => window.__glimpse !== undefined);
    await page.getByTestId('reindex').click({ timeout: 30_000 });
    const embedders = (): Promise<string[]> => page.evaluate(async () => (await Promise.all((await window.__glimpse!.listLibrary()).map((i) => window.__glimpse!.imageDetail(i.id)))).map((d) => d?.row.record.models.embedder ?? ''));
    await expect.poll(embedders, { timeout: 90_000 }).toEqual(['Xenova/all-MiniLM-L6-v2', 'Xenova/all-MiniLM-L6-v2']);
    expect(await handleKeys()).toHaveLength(1);
    expect(await problems()).toEqual([]);
  });

  it('removing the image removes its handle', async () => {
    await openDetail(name);
    await page.getByRole('button', { name: 'Remove from library' }).click();
    await expect.poll(() => imageCount(page)).toBe(1);
    expect(await handleKeys()).toEqual([]);
    expect(await problems()).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('the Add photos and Add folder buttons keep the handles the pickers give', async () => {
    // Stand-ins for the native pickers that return real handles: files in the origin private file system.
    const files = [5, 6, 7].map((i) => readFileSync(photos[i]!).toString('base64'));
    await page.evaluate(async (files) => {
      const root = await navigator.storage.getDirectory();
      const album = await root.getDirectoryHandle('album', { create: true });
      const sub = await album.getDirectoryHandle('day 2', { create: true });
      const write = async (dir: FileSystemDirectoryHandle, name: string, data: Uint8Array<ArrayBuffer>): Promise<FileSystemFileHandle> => {
        const h = await dir.getFileHandle(name, { create: true });
        const w = await h.createWritable();
        await w.write(data);
        await w.close();
        return h;
      };
      const bytes = (b64: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const single = await write(root, 'single.jpg', bytes(files[0]!));
      await write(album, 'a.jpg', bytes(files[1]!));
      await write(sub, 'b.jpg', bytes(files[2]!));
      await write(album, 'notes.txt', new TextEncoder().encode('not a photo'));
      Object.assign(window, { showOpenFilePicker: () => Promise.resolve([single]), showDirectoryPicker: () => Promise.resolve(album) });
    }, files);
    await page.getByRole('button', { name: 'Add photos' }).click();
    await expect.poll(() => imageCount(page), { timeout: 90_000 }).toBe(2);
    await page.getByRole('button', { name: 'Add folder' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'skipped' }).textContent()).toContain('1 file(s) skipped');
    await expect.poll(() => imageCount(page), { timeout: 90_000 }).toBe(4);
    await waitIndexed(page);
    const byName = await page.evaluate(async () => Object.fromEntries((await window.__glimpse!.listLibrary()).map((i) => [i.name, i.id])));
    expect((await handleKeys()).sort((a, b) => a - b)).toEqual([byName['single.jpg'], byName['a.jpg'], byName['b.jpg']].sort((a, b) => a! - b!));
    await openDetail('b.jpg');
    expect(await page.getByTestId('detail').textContent()).toContain('album/day 2/b.jpg');
    await page.getByTestId('open-original').click();
    await expect.poll(() => page.getByTestId('original-image').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(224);
    await closeDetail();
    expect(await problems()).toEqual([]);
    expect(errors).toEqual([]);
  });
});
