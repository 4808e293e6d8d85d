// The engines the cross-engine tests run in, and one launch per engine per test file.
import { afterAll, beforeAll } from 'vitest';
import { ChromiumPage } from './chromium';
import type { EngineName, EnginePage } from './engine-page';
import { FirefoxPage } from './firefox';
import { WebKitPage } from './webkit';

export { EnginePage, type EngineName, type Target } from './engine-page';

const ALL: EngineName[] = ['chromium', 'firefox', 'webkit'];

/** All three, or those named in GLIMPSE_ENGINES (e.g. `GLIMPSE_ENGINES=firefox` to repeat one). */
export const ENGINES: EngineName[] = process.env.GLIMPSE_ENGINES ? (process.env.GLIMPSE_ENGINES.split(',').map((s) => s.trim()) as EngineName[]).filter((e) => ALL.includes(e)) : ALL;

export const ENGINE_LABEL: Record<EngineName, string> = { chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKit' };

export function launchEngine(name: EngineName): Promise<EnginePage> {
  if (name === 'chromium') return ChromiumPage.launch();
  if (name === 'firefox') return FirefoxPage.launch();
  return WebKitPage.launch();
}

/** Launches `name` before the describe block's tests and closes it after; `get()` gives the page. */
export function useEngine(name: EngineName): () => EnginePage {
  let page: EnginePage | undefined;
  beforeAll(async () => {
    page = await launchEngine(name);
  });
  afterAll(async () => {
    await page?.close();
  });
  return () => {
    if (!page) throw new Error(`${name} did not launch`);
    return page;
  };
}
