import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import manifestJson from '../../models/manifest.json';
import type { Manifest } from '../../src/core/models/manifest';
import { formatBytes } from '../../src/ui/errors';
import { imageCount, sharedImages, waitIndexed } from './helpers/app-page';
import { ARGS, CHROMIUM, openPage } from './helpers/browser';
import { CDN_HOST, HUB_HOST, startFakeHub, type FakeHub } from './helpers/fake-hub';

// Issue 13: a real person's first visit. The app's models/ folder holds none of the default models
// (the plain URL, no ?models=), the hub is allowed, and huggingface.co answers as it does: small
// files itself, weights by a 302 to its CDN, CORS headers on both (test/browser/helpers/fake-hub.ts,
// the tiny test models behind it). The real CSP, COEP and service worker are in force.
const TINY = path.resolve('models/test/tiny');
const MANIFEST = manifestJson as Manifest;
const DEFAULTS = MANIFEST.models.filter((m) => m.default);
const DECODER = 'onnx/decoder_model_merged_quantized.onnx';

interface Entry {
  cache: string;
  url: string;
  bytes: number;
}

/** Every Cache Storage entry of the origin with the length of its stored body. */
function cacheEntries(page: Page): Promise<Entry[]> {
  return page.evaluate(async () => {
    const out: Array<{ cache: string; url: string; bytes: number }> = [];
    for (const cache of await caches.keys()) {
      const c = await caches.open(cache);
      for (const req of await c.keys()) out.push({ cache, url: req.url, bytes: (await (await c.match(req))!.arrayBuffer()).byteLength });
    }
    return out;
  });
}

/** The test model file a hub URL stands for (`<org>/<name>/<file>`), or undefined for anything else. */
function modelFileOf(url: string): string | undefined {
  const u = new URL(url);
  const m = u.hostname === HUB_HOST ? /^\/([^/]+\/[^/]+)\/resolve\/[^/]+\/(.+)$/.exec(u.pathname) : null;
  return m ? `${m[1]}/${m[2]}` : undefined;
}

const diskBytes = (rel: string): number => statSync(path.join(TINY, rel)).size;

/** Model files in Cache Storage: each stored once, and whole (its length is the served file's). */
function modelCopies(entries: Entry[]): Map<string, Entry[]> {
  const copies = new Map<string, Entry[]>();
  for (const e of entries) {
    const rel = modelFileOf(e.url);
    if (rel) copies.set(rel, [...(copies.get(rel) ?? []), e]);
  }
  return copies;
}

/** The files the app fetched in full from the hub (not the one-byte range probes). */
const fullDownloads = (hub: FakeHub, from = 0): string[] =>
  hub.requests
    .slice(from)
    .filter((r) => r.host === HUB_HOST && r.method === 'GET' && !r.range && (r.status === 200 || r.status === 302))
    .map((r) => modelFileOf(`https://${HUB_HOST}${r.path}`)!)
    .filter(Boolean);

/** Records every text the download's byte counter shows (it is up for a moment with tiny models). */
async function recordProgress(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __progress: string[] }).__progress = seen;
    new MutationObserver(() => {
      const t = document.querySelector('[data-testid="download-bytes"]')?.textContent;
      if (t && seen.at(-1) !== t) seen.push(t);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { __progress: string[] }).__progress);
}

async function searchAnswered(page: Page, text: string): Promise<void> {
  await page.getByTestId('search-input').fill(text);
  await expect.poll(() => page.evaluate(() => document.querySelector('[data-testid="results-grid"]')?.getAttribute('data-query')), { timeout: 60_000 }).toBe(text);
}

describe('first visit: models from the hub, asked first, stored once, then offline', () => {
  let hub: FakeHub;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const url = inject('baseURL');
  const images = sharedImages(4);

  beforeAll(async () => {
    hub = await startFakeHub(TINY);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, ...hub.args], headless: true });
    context = await browser.newContext();
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('says how much it will download and asks before the first byte; then downloads with progress in bytes', async () => {
    ({ page } = await openPage(context, `${url}?testHooks`));
    // Back for a second visit (or launched as an installed app): the service worker controls the page.
    await page.evaluate(async () => navigator.serviceWorker.ready);
    await page.reload();
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

    await page.getByTestId('add-files').setInputFiles(images.slice(0, 2));
    const consent = page.getByTestId('download-consent');
    await consent.waitFor({ timeout: 60_000 });
    const expected = DEFAULTS.flatMap((m) => m.files).reduce((s, f) => s + (f.bytes ?? f.approxBytes ?? 0), 0);
    expect(await page.getByTestId('download-size').textContent()).toBe(`about ${formatBytes(expected)}`);
    expect(await consent.textContent()).toContain(DEFAULTS.map((m) => m.id).join(', '));
    expect(hub.requests).toEqual([]); // not a byte before the yes

    const progress = await recordProgress(page);
    await page.getByTestId('download-accept').click();
    await waitIndexed(page);
    expect(await imageCount(page)).toBe(2);

    // The weights came by the hub's 302 and from its CDN host, followed by the worker's fetch.
    const redirected = hub.requests.filter((r) => r.host === HUB_HOST && r.status === 302 && !r.range).length;
    expect(redirected).toBe(3);
    expect(hub.requests.filter((r) => r.host === CDN_HOST && r.status === 200).length).toBe(3);
    const shown = await progress();
    expect(shown.length).toBeGreaterThan(0);
    for (const t of shown) expect(t).toMatch(/^[\d.]+ (B|KB|MB) of [\d.]+ (B|KB|MB)$/);
  });

  it('keeps each model file once in Cache Storage, whole', async () => {
    const entries = await cacheEntries(page);
    const copies = modelCopies(entries);
    const fetched = [...new Set(fullDownloads(hub))].sort();
    const ort = entries.filter((e) => new URL(e.url).pathname.includes('/ort/'));
    const stored = [...copies.values()].flat().reduce((s, e) => s + e.bytes, 0);
    const onDisk = fetched.reduce((s, rel) => s + diskBytes(rel), 0);
    const byCache: Record<string, number> = {};
    for (const e of entries) byCache[e.cache] = (byCache[e.cache] ?? 0) + e.bytes;
    // The figures first, so a failing run shows them too.
    console.log(
      `first visit, Cache Storage: ${entries.length} entries, ${entries.reduce((s, e) => s + e.bytes, 0)} bytes (${JSON.stringify(byCache)}); ` +
        `model files ${stored} bytes stored for ${onDisk} bytes served (${fetched.length} files); ORT ${ort.reduce((s, e) => s + e.bytes, 0)} bytes in ${ort.length} entries`,
    );
    expect([...copies.keys()].sort()).toEqual(fetched);
    for (const [rel, list] of copies) {
      expect(list.map((e) => e.cache), rel).toHaveLength(1);
      expect(list[0]!.bytes, rel).toBe(diskBytes(rel));
    }
    // The ORT runtime too: one copy of each file.
    expect(ort.length).toBeGreaterThan(0);
    expect(new Set(ort.map((e) => e.url)).size).toBe(ort.length);
    expect(stored).toBe(onDisk);
  });

  it('offline: indexes another photo and searches, without a request to the hub', async () => {
    const before = hub.requests.length;
    hub.down = true;
    await context.setOffline(true);
    try {
      await page.reload();
      await expect.poll(() => imageCount(page), { timeout: 30_000 }).toBe(2);
      await page.getByTestId('add-files').setInputFiles(images[2]!);
      await expect.poll(() => imageCount(page), { timeout: 120_000 }).toBe(3);
      await waitIndexed(page);
      await searchAnswered(page, 'zebra xylophone quartz');
      expect(await page.getByTestId('keyword-only').count()).toBe(0); // the embedder ran: every photo is a vector hit
      expect(await page.getByTestId('result').count()).toBe(3);
    } finally {
      await context.setOffline(false);
      hub.down = false;
    }
    expect(hub.requests.length).toBe(before);
    expect(await page.getByTestId('download-consent').count()).toBe(0);
  });

  it('"Not now": nothing is downloaded, the photo waits, search says why; "Download models" then indexes it', async () => {
    const ctx = await browser.newContext();
    try {
      const { page: p } = await openPage(ctx, `${url}?testHooks`);
      const from = hub.requests.length;
      await p.getByTestId('add-files').setInputFiles(images[3]!);
      await p.getByTestId('download-consent').waitFor({ timeout: 60_000 });
      await p.getByTestId('download-decline').click();
      await expect.poll(() => p.getByTestId('index-notice').textContent()).toContain('wait until the models are downloaded');
      await p.getByTestId('download-declined').waitFor();
      // No photo is indexed yet: the search answers "nothing" by keywords and says why.
      await p.getByTestId('search-input').fill('a dog');
      await p.getByTestId('no-results').waitFor({ timeout: 60_000 });
      await expect.poll(() => p.getByTestId('keyword-only').textContent()).toContain('not on this device yet');
      expect(hub.requests.length).toBe(from);
      expect(await p.evaluate(() => window.__glimpse!.libraryStatus())).toEqual({ count: 0, pending: 1 });

      await p.getByTestId('download-accept').click();
      await waitIndexed(p);
      expect(await imageCount(p)).toBe(1);
      expect(fullDownloads(hub, from).length).toBeGreaterThan(0);
    } finally {
      await ctx.close();
    }
  });

  it('a download cut halfway: a clear message, no part kept; the next visit downloads it again and indexes', async () => {
    const ctx = await browser.newContext();
    try {
      const { page: p } = await openPage(ctx, `${url}?testHooks`);
      hub.cutNext(DECODER, 0.5);
      await p.getByTestId('add-files').setInputFiles(images[0]!);
      await p.getByTestId('download-consent').waitFor({ timeout: 60_000 });
      await p.getByTestId('download-accept').click();
      const notice = p.getByTestId('index-notice');
      await notice.waitFor({ timeout: 60_000 });
      const text = (await notice.textContent()) ?? '';
      expect(text).toContain('Xenova/vit-gpt2-image-captioning');
      expect(text).toContain('cut off');
      expect(text).toContain('starts again');
      // Nothing truncated is stored: the cut file is absent, every stored file is whole.
      const copies = modelCopies(await cacheEntries(p));
      expect(copies.has(`Xenova/vit-gpt2-image-captioning/${DECODER}`)).toBe(false);
      for (const [rel, list] of copies) for (const e of list) expect(e.bytes, rel).toBe(diskBytes(rel));
      expect(await imageCount(p)).toBe(0);

      // The next visit starts again by itself (the yes was kept) and indexes the waiting photo.
      await p.reload();
      await waitIndexed(p);
      expect(await imageCount(p)).toBe(1);
      expect(await p.getByTestId('download-consent').count()).toBe(0);
      const after = modelCopies(await cacheEntries(p));
      expect(after.get(`Xenova/vit-gpt2-image-captioning/${DECODER}`)?.map((e) => e.bytes)).toEqual([diskBytes(`Xenova/vit-gpt2-image-captioning/${DECODER}`)]);
    } finally {
      await ctx.close();
    }
  });

  // What a proxy or a service worker can hand over: half a body, its end reported as normal, while
  // Content-Length promised the whole file. (A dropped connection Chromium fails by itself.)
  it('a file that ends early without an error is never stored nor used: the load fails with a clear message and the next visit fetches it whole', async () => {
    const ctx = await browser.newContext();
    const file = 'Xenova/vit-gpt2-image-captioning/tokenizer.json';
    try {
      const whole = readFileSync(path.join(TINY, file));
      let cut = true;
      await ctx.route(`https://${HUB_HOST}/Xenova/vit-gpt2-image-captioning/resolve/main/tokenizer.json`, async (route) => {
        if (!cut || route.request().headers()['range']) return route.fallback();
        cut = false;
        await route.fulfill({ status: 200, headers: { 'access-control-allow-origin': '*', 'content-length': String(whole.length) }, body: whole.subarray(0, whole.length >> 1) });
      });
      const { page: p } = await openPage(ctx, `${url}?testHooks`);
      await p.getByTestId('add-files').setInputFiles(sharedImages(1));
      await p.getByTestId('download-consent').waitFor({ timeout: 60_000 });
      await p.getByTestId('download-accept').click();
      await expect.poll(() => p.getByTestId('index-notice').textContent(), { timeout: 60_000 }).toContain('cut off');
      expect(cut).toBe(false);
      const copies = modelCopies(await cacheEntries(p));
      expect(copies.has(file)).toBe(false);
      for (const [rel, list] of copies) for (const e of list) expect(e.bytes, rel).toBe(diskBytes(rel));
      await p.reload();
      await waitIndexed(p);
      expect(modelCopies(await cacheEntries(p)).get(file)?.map((e) => e.bytes)).toEqual([whole.length]);
    } finally {
      await ctx.close();
    }
  });
});
