import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CSP } from '../../scripts/vite/csp';
import { imageCount, openApp, sharedImages, waitIndexed } from './helpers/app-page';
import { launch } from './helpers/browser';
import { editRecords } from './helpers/idb-page';

// User data is text: a hostile file name and a caption full of HTML must render as text, and the
// built page's Content-Security-Policy must stop an inline script even if one got in.
const EVIL_NAME = '<img src=x onerror=alert(1)>.jpg';
const EVIL_CAPTION = '<b>bold</b><img src=y onerror=alert(2)><script>alert(3)</script>';

/** Puts a hostile caption (and tag) first in every stored record, as a hostile model could write it. */
const poisonCaptions = (page: Page, caption: string): Promise<void> => editRecords(page, { prependCaption: caption });

describe('injection: names and captions render as text', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  const url = inject('baseURL');

  beforeAll(async () => {
    browser = await launch();
    context = await browser.newContext();
    context.on('page', (p) => p.on('dialog', (d) => void d.dismiss().then(() => dialogs.push(d.message()))));
    ({ page } = await openApp(context, url));
  });
  afterAll(async () => {
    await browser.close();
  });

  it('indexes a file named like an HTML tag and shows the name as text', async () => {
    const bytes = readFileSync(sharedImages(1)[0]!);
    await page.getByTestId('add-files').setInputFiles({ name: EVIL_NAME, mimeType: 'image/jpeg', buffer: bytes });
    await waitIndexed(page);
    expect(await imageCount(page)).toBe(1);
    const card = page.getByTestId('library-item').first();
    expect(await card.getAttribute('data-name')).toBe(EVIL_NAME);
    await card.getByRole('button', { name: /^Open / }).click();
    expect(await page.getByTestId('detail-name').textContent()).toBe(EVIL_NAME);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    await page.keyboard.press('Escape');
  });

  it('shows a caption and tag full of HTML as text, in the grid and the detail view', async () => {
    await poisonCaptions(page, EVIL_CAPTION);
    await page.reload();
    const card = page.getByTestId('library-item').first();
    await expect.poll(() => card.locator('.caption').textContent()).toBe(EVIL_CAPTION);
    expect(await card.locator('img').getAttribute('alt')).toBe(EVIL_CAPTION);
    await card.getByRole('button', { name: /^Open / }).click();
    await page.getByTestId('detail-name').waitFor();
    expect(await page.getByTestId('detail').getByText(EVIL_CAPTION, { exact: true }).count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('b, img[src="y"], [data-testid="detail"] script').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('serves a CSP that allows only what the app needs and blocks inline script', async () => {
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(meta).toBe(CSP);
    const directives = new Map(CSP.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));
    expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", 'blob:']);
    expect(directives.get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(directives.get('img-src')).toContain('blob:');
    expect(directives.get('object-src')).toEqual(["'none'"]);
    for (const [, values] of directives) expect(values).not.toContain("'unsafe-eval'");
    // An inline script injected at runtime must not run, and the browser reports the violation.
    const outcome = await page.evaluate(async () => {
      const violation = new Promise<string>((ok) => document.addEventListener('securitypolicyviolation', (e) => ok(e.violatedDirective), { once: true }));
      const s = document.createElement('script');
      s.textContent = 'window.__ran = true';
      document.body.append(s);
      // The report is the state waited for (no clock: a missing one fails the test by its timeout).
      const directive = await violation;
      return { ran: (window as unknown as { __ran?: boolean }).__ran === true, directive };
    });
    expect(outcome).toEqual({ ran: false, directive: expect.stringMatching(/^script-src/) as unknown });
  });
});
