import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, inject, it } from 'vitest';
import { openApp, sharedImages, waitIndexed } from './helpers/app-page';
import { useBrowser } from './helpers/use-browser';

// Similar photos on a real library (built app, real decode and hashes, tiny models): an edited
// copy lands in one group with its original, removing it leaves the original searchable and the
// library consistent, and rows from before hashes get theirs in the background.
describe('Similar photos', () => {
  let browser: Browser;
  const url = inject('baseURL');
  useBrowser((b) => (browser = b));

  it('groups an edited copy with its original; removing the copy keeps the original searchable and the library consistent', async () => {
    const [original, other1, other2] = sharedImages(3);
    const bytes = readFileSync(original!);
    // A crop (5 % of each side), resized, brighter and recompressed: the kind of copy a phone keeps.
    const copy = await sharp(bytes).extract({ left: 6, top: 6, width: 214, height: 212 }).resize(180).modulate({ brightness: 1.1 }).jpeg({ quality: 60 }).toBuffer();
    const context = await browser.newContext({ viewport: { width: 1200, height: 850 } });
    const { page, errors } = await openApp(context, url, '&testHooks');
    await page.getByTestId('add-files').setInputFiles([
      { name: 'a-original.jpg', mimeType: 'image/jpeg', buffer: bytes },
      { name: 'b-edited-copy.jpg', mimeType: 'image/jpeg', buffer: copy },
      ...[other1!, other2!].map((f) => ({ name: path.basename(f), mimeType: 'image/jpeg', buffer: readFileSync(f) })),
    ]);
    await waitIndexed(page);
    const items = await page.evaluate(() => window.__glimpse!.listLibrary());
    const idOf = (name: string): number => items.find((i) => i.name === name)!.id;
    const [origId, copyId] = [idOf('a-original.jpg'), idOf('b-edited-copy.jpg')];

    await page.getByTestId('nav-map').click();
    await page.getByTestId('nav-similar').click();
    const groups = page.getByTestId('similar-group');
    await expect.poll(() => page.getByTestId('similar-summary').getAttribute('data-groups'), { timeout: 60_000 }).toBe('1');
    expect(await groups.getAttribute('data-ids')).toBe([origId, copyId].sort((a, b) => a - b).join(','));

    // Keep the original, remove the copy (from the library; files on disk are never touched).
    const keepBox = (id: number) => page.locator(`[data-testid="similar-keep"][data-id="${id}"]`);
    if (!(await keepBox(origId).isChecked())) await keepBox(origId).check();
    if (await keepBox(copyId).isChecked()) await keepBox(copyId).uncheck();
    await page.getByTestId('similar-remove').click();
    await expect.poll(() => page.evaluate(async () => (await window.__glimpse!.libraryStatus()).count), { timeout: 30_000 }).toBe(3);
    await expect.poll(() => page.getByTestId('similar-summary').getAttribute('data-groups'), { timeout: 60_000 }).toBe('0');

    const after = await page.evaluate(async () => {
      const g = window.__glimpse!;
      const [ids, report, hits] = await Promise.all([g.storedIds(), g.checkLibrary(), g.search('a photo', 60)]);
      return { ids, problems: report.problems, hits: hits.map((h) => h.id) };
    });
    expect(after.problems).toEqual([]);
    expect(after.hits).toContain(origId);
    expect(after.hits).not.toContain(copyId);
    // The original's row, vectors and place in both forests are all still there; the copy's are gone.
    expect(after.ids.images.map((i) => i.id).sort()).toEqual(items.map((i) => i.id).filter((id) => id !== copyId).sort());
    expect(after.ids.vectors).toContain(origId);
    expect(after.ids.vectors).not.toContain(copyId);
    expect(after.ids.forests).toEqual({ text: { live: 3, missing: [] }, visual: { live: 3, missing: [] } });

    // Rows from before hashes (their hash taken away behind the app's back) get one again in the
    // background pass, from the stored thumbnail, close to the one the full decode made.
    const stripped = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const r = indexedDB.open('glimpse');
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      const tx = db.transaction('images', 'readwrite');
      const rows = await new Promise<Array<{ id: number; phash?: string }>>((ok) => {
        const r = tx.objectStore('images').getAll();
        r.onsuccess = () => ok(r.result as Array<{ id: number; phash?: string }>);
      });
      for (const row of rows) tx.objectStore('images').put({ ...row, phash: undefined });
      await new Promise((ok) => (tx.oncomplete = ok));
      db.close();
      return Object.fromEntries(rows.map((r) => [r.id, r.phash!]));
    });
    // Three rows had a hash and lost it (the pass below must give each one back).
    expect(Object.values(stripped).filter((h) => typeof h === 'string')).toHaveLength(3);
    // The Library page, where the background pass runs once the queue is idle.
    await page.evaluate(() => (location.hash = '#/'));
    await page.reload();
    await expect.poll(() => page.evaluate(() => window.__glimpse!.unhashedCount()), { timeout: 120_000 }).toBe(0);
    const restored = await page.evaluate(() => window.__glimpse!.similarCandidates());
    expect(restored).toMatchObject({ hashed: 3, unhashed: 0 });
    const rows = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const r = indexedDB.open('glimpse');
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      const all = await new Promise<Array<{ id: number; phash?: string }>>((ok) => {
        const r = db.transaction('images').objectStore('images').getAll();
        r.onsuccess = () => ok(r.result as Array<{ id: number; phash?: string }>);
      });
      db.close();
      return all.map((r) => ({ id: r.id, phash: r.phash }));
    });
    for (const row of rows) {
      const before = stripped[row.id]!;
      // The whole-photo hash from the 256-px WebP thumbnail against the one from the decoded file.
      let bits = 0;
      for (let i = 0; i < 16; i++) bits += [...((parseInt(before[i]!, 16) ^ parseInt(row.phash![i]!, 16)) >>> 0).toString(2)].filter((b) => b === '1').length;
      expect(bits, `photo ${row.id}: ${before.slice(0, 16)} vs ${row.phash!.slice(0, 16)}`).toBeLessThanOrEqual(6);
    }
    expect(errors).toEqual([]);
    await context.close();
  });
});
