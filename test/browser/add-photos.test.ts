import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectStopped, imageCount, openApp, sharedImages, waitIndexed } from './helpers/app-page';
import { launch } from './helpers/browser';

// Every way a person adds photos: a folder (subfolders followed, non-images skipped and counted),
// drag and drop, paste; and the queue's pause, resume and cancel.

/** Drops or pastes files on the page the way the browser delivers them: a DataTransfer of Files. */
async function deliver(page: Page, how: 'drop' | 'paste', files: Array<{ name: string; bytes: Buffer }>): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, b64: f.bytes.toString('base64') }));
  await page.evaluate(
    ({ how, payload }) => {
      const dt = new DataTransfer();
      for (const f of payload) dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name, { type: 'image/jpeg' }));
      const event = how === 'drop' ? new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }) : new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true });
      document.body.dispatchEvent(event);
    },
    { how, payload },
  );
}

describe('adding photos', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let folder: string;
  const url = inject('baseURL');
  const images = sharedImages(31);
  const file = (i: number): { name: string; bytes: Buffer } => ({ name: path.basename(images[i]!), bytes: readFileSync(images[i]!) });

  beforeAll(async () => {
    // A temporary folder (outside the repo, removed after) with a subfolder, two photos and two non-images.
    // Copies, not symlinks: Playwright's folder upload skips symlinks.
    folder = mkdtempSync(path.join(tmpdir(), 'glimpse-folder-'));
    mkdirSync(path.join(folder, 'trip', 'day 2'), { recursive: true });
    copyFileSync(images[0]!, path.join(folder, 'trip', 'a.jpg'));
    copyFileSync(images[1]!, path.join(folder, 'trip', 'day 2', 'b.jpg'));
    writeFileSync(path.join(folder, 'trip', 'notes.txt'), 'not a photo');
    writeFileSync(path.join(folder, 'trip', 'day 2', 'clip.mp3'), 'not a photo either');
    browser = await launch();
    context = await browser.newContext();
    ({ page } = await openApp(context, url, '&testHooks'));
  });
  afterAll(async () => {
    await browser.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('adds a folder with its subfolders, skipping and counting non-images', async () => {
    await page.getByTestId('add-folder').setInputFiles(path.join(folder, 'trip'));
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'skipped' }).textContent()).toContain('2 file(s) skipped');
    await waitIndexed(page);
    expect(await imageCount(page)).toBe(2);
    // The path inside the folder is kept (shown in the detail view).
    const card = page.locator('[data-testid="library-item"][data-name="b.jpg"]');
    await card.getByRole('button', { name: /^Open / }).click();
    await expect.poll(() => page.getByTestId('detail').textContent()).toContain('trip/day 2/b.jpg');
    await page.keyboard.press('Escape');
  });

  it('adds dropped photos', async () => {
    await deliver(page, 'drop', [file(2), file(3)]);
    await expect.poll(() => imageCount(page), { timeout: 60_000 }).toBe(4);
    await waitIndexed(page);
  });

  it('adds a pasted photo', async () => {
    await deliver(page, 'paste', [file(4)]);
    await expect.poll(() => imageCount(page), { timeout: 60_000 }).toBe(5);
    await waitIndexed(page);
  });

  it('pauses, resumes and cancels the queue', async () => {
    // The queue may start one photo, then waits for the test (a state, not a race with a fast
    // machine that could finish six photos before the click lands).
    await page.evaluate(() => window.__glimpse!.holdQueue(1));
    await page.getByTestId('add-files').setInputFiles(images.slice(5, 11));
    await page.getByTestId('index-pause').click();
    await page.getByTestId('index-resume').waitFor();
    await page.evaluate(() => window.__glimpse!.releaseQueue());
    // Paused: the photo being analysed may finish, then nothing more is indexed.
    await expect.poll(() => page.locator('[aria-label="Indexing"]').textContent(), { timeout: 60_000 }).toContain('Paused');
    const paused = await imageCount(page);
    expect(paused).toBeGreaterThanOrEqual(5);
    expect(paused).toBeLessThanOrEqual(6);
    // Nothing more can be indexed: the run has stopped and the rest waits in the stored queue.
    await expectStopped(page, paused, 11);
    // Pause survives a reload: the queue is kept and stays paused.
    await page.reload();
    await page.getByTestId('index-resume').waitFor();
    expect(await imageCount(page)).toBe(paused);
    await page.getByTestId('index-resume').click();
    await waitIndexed(page);
    expect(await imageCount(page)).toBe(11);
    // Cancel empties the queue: what was not indexed yet is dropped, the library keeps the rest.
    // Two photos may start, then the queue waits: the click lands while they are indexed (the
    // second one's analysis is usually cut through its AbortSignal).
    await page.evaluate(() => window.__glimpse!.holdQueue(2));
    await page.getByTestId('add-files').setInputFiles(images.slice(11, 31));
    await page.getByTestId('index-cancel').click();
    await page.evaluate(() => window.__glimpse!.releaseQueue());
    await expect.poll(() => page.getByTestId('index-progress').count()).toBe(0);
    const after = await imageCount(page);
    expect(after).toBeGreaterThanOrEqual(11);
    expect(after).toBeLessThanOrEqual(13);
    await expectStopped(page, after, after);
  });
});
