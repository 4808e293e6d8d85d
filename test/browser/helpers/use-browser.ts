import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launch } from './browser';

/** One Chromium for a test file: launched before its tests, handed to `set`, closed after them. */
export function useBrowser(set: (browser: Browser) => void): void {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch();
    set(browser);
  });
  afterAll(async () => {
    await browser?.close();
  });
}
