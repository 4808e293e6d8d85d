import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launch, openPage } from './helpers/browser';

const PROBE_FAILED = 'Failed to load resource: net::ERR_INTERNET_DISCONNECTED';

/** A path the service worker has not cached, so it goes to the network: 'offline' when that fails. */
function probeNetwork(page: Page): Promise<'online' | 'offline'> {
  return page.evaluate(() => fetch(`/offline-probe-${Date.now()}.txt`, { cache: 'no-store' }).then(() => 'online' as const, () => 'offline' as const));
}

describe('built app smoke test', () => {
  let browser: Browser;
  let context: BrowserContext;
  const url = inject('baseURL');

  beforeAll(async () => {
    browser = await launch();
    context = await browser.newContext();
  });
  afterAll(async () => {
    await browser.close();
  });

  it('loads the shell with no console errors and is cross-origin isolated', async () => {
    const { page, errors } = await openPage(context, url);
    await expect.poll(() => page.getByTestId('search-input').isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('empty-library').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Add photos' }).isVisible()).toBe(true);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(csp).toContain("'wasm-unsafe-eval'");
    expect(errors).toEqual([]);
    await page.close();
  });

  it('registers a service worker and reloads offline', async () => {
    const { page, errors } = await openPage(context, url);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(url);
    // The first load is not yet controlled; reload once so the worker serves the page.
    await page.reload();
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    expect(await probeNetwork(page)).toBe('online');
    await context.setOffline(true);
    try {
      await page.reload();
      await expect.poll(() => page.getByTestId('search-input').isVisible()).toBe(true);
      // Chromium 150 keeps navigator.onLine true in this reloaded document though the context is
      // offline (on a plain page it turns false; which difference matters was not narrowed down):
      // a request the service worker passes on shows the network is cut.
      expect(await probeNetwork(page)).toBe('offline');
      // The probe's own failed request is logged once; anything else the page logged stays.
      await expect.poll(() => errors.indexOf(PROBE_FAILED)).toBeGreaterThanOrEqual(0);
      errors.splice(errors.indexOf(PROBE_FAILED), 1);
    } finally {
      await context.setOffline(false);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it.each(['ort-wasm-simd-threaded.asyncify.wasm', 'ort-wasm-simd-threaded.wasm'])('serves the ORT wasm %s from our own origin', async (name) => {
    const res = await fetch(new URL(`ort/${name}`, url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('wasm');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(Array.from(bytes.slice(0, 4))).toEqual([0x00, 0x61, 0x73, 0x6d]);
  });

  it('round-trips the worker: transfer, cancel, named error', async () => {
    const { page, errors } = await openPage(context, `${url}#/settings`);
    await page.getByTestId('run-self-check').click();
    await page.getByTestId('self-check-done').waitFor();
    for (const id of ['transfer', 'cancel', 'error']) {
      const row = page.getByTestId(`check-${id}`);
      expect(await row.getAttribute('data-status'), await row.textContent() ?? '').toBe('pass');
    }
    expect(await page.getByTestId('check-error').textContent()).toContain('ProbeFailureError');
    expect(await page.getByTestId('check-cancel').textContent()).toContain('AbortError');
    expect(errors).toEqual([]);
    await page.close();
  });
});
