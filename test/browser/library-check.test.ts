import type { Browser } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { sharedImages, waitIndexed } from './helpers/app-page';
import { openPage } from './helpers/browser';
import { useBrowser } from './helpers/use-browser';

// The consistency check as the person reaches it: a button in Settings → Diagnostics.
describe('Settings → Diagnostics → Check library', () => {
  let browser: Browser;
  const url = inject('baseURL');

  useBrowser((b) => (browser = b));

  it('shows 0 problems for a healthy library, and lists a damaged thumbnail', async () => {
    const { page } = await openPage(await browser.newContext(), `${url}?models=test/tiny`);
    await page.getByTestId('add-files').setInputFiles(sharedImages(2));
    await waitIndexed(page);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('check-library').click();
    const result = page.getByTestId('check-library-result');
    await result.waitFor();
    expect(await result.getAttribute('data-problems')).toBe('0');
    expect(await result.textContent()).toContain('0 problems');
    expect(await result.textContent()).toContain('2 photo(s)');

    // Damage the stored library behind the app's back: one thumbnail goes.
    await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('glimpse');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const tx = db.transaction('thumbs', 'readwrite');
      tx.objectStore('thumbs').delete(1);
      await new Promise((resolve) => (tx.oncomplete = resolve));
      db.close();
    });
    await page.getByTestId('check-library').click();
    await expect.poll(() => result.getAttribute('data-problems')).toBe('1');
    expect(await page.getByTestId('library-problem').getAttribute('data-kind')).toBe('missing-thumb');
    expect(await page.getByTestId('library-problem').textContent()).toContain('has no thumbnail');
  });
});
