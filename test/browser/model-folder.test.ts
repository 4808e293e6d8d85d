import path from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { useBrowser } from './helpers/use-browser';

// Air-gapped use: no models on the server, hub off. The person is told how to provide them,
// picks a folder holding Xenova/..., and the models load from it.
describe('models from a folder the person picks', () => {
  let browser: Browser;
  const url = inject('baseURL');

  useBrowser((b) => (browser = b));

  it('explains a missing model, then loads both models from the picked folder', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${url}?models=absent#/settings`);
    await page.getByTestId('load-models').click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const message = await alert.textContent();
    expect(message).toContain('could not be loaded');
    expect(message).toContain('Load models from a folder');
    await page.getByTestId('model-folder').setInputFiles(path.resolve('models/test/tiny'));
    await expect.poll(() => page.getByTestId('runtime').textContent(), { timeout: 60_000 }).toContain('Running on WASM');
  });
});
