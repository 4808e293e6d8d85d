import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, inject, it } from 'vitest';
import { openApp, sharedImages, waitIndexed } from './helpers/app-page';
import { storedRecords } from './helpers/idb-page';
import { isStopWord } from '../../src/core/text/stopwords';
import { useBrowser } from './helpers/use-browser';
import { resizeTo } from './helpers/phone-page';

// The Map tab on a real library (built app, real workers and IndexedDB, tiny random-weight
// models): the layout is checked for completeness, determinism and stability, never for quality.
/** A caption word that some photos hold and others do not, with how many hold it. */
function rareWord(records: { captions: string[] }[]): { word: string; count: number } | undefined {
  const counts = new Map<string, number>();
  for (const r of records) for (const w of new Set(r.captions.join(' ').toLowerCase().match(/\b[a-z]{4,}\b/g) ?? [])) counts.set(w, (counts.get(w) ?? 0) + 1);
  // Stop words are not in the keyword index: a search for one finds nothing (seen in CI, 0 hits).
  const [word, count] = [...counts.entries()].filter(([w, n]) => n < records.length && !isStopWord(w)).sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))[0] ?? [];
  return word === undefined ? undefined : { word, count: count! };
}

/** Deletes every cached model file (the service worker's and transformers.js's caches). */
function deleteCachedModels(page: Page): Promise<void> {
  return page.evaluate(async () => {
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) if (new URL(request.url).pathname.includes('/models/')) await cache.delete(request);
    }
  });
}

/**
 * Controls under `scope` a thumb cannot hit: any visible one under 44×44 CSS px (a checkbox or
 * radio measured by its label), and anything in it wider than the screen (the page would scroll
 * sideways). Scoped: the header and other settings are not the map's.
 */
function phoneProblemsIn(page: Page, scope: string): Promise<string[]> {
  return page.evaluate((scope) => {
    const out: string[] = [];
    const width = document.documentElement.clientWidth;
    // Anything in the scope reaching past the screen's right edge makes the page scroll sideways.
    for (const el of document.querySelectorAll(`${scope}, ${scope} *`)) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 0.5) out.push(`<${el.tagName.toLowerCase()}> reaches ${r.right.toFixed(0)} px on a ${width} px screen`);
    }
    for (const el of document.querySelectorAll(`${scope} :is(a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"]))`)) {
      if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      const target = el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio') ? (el.closest('label') ?? el) : el;
      const r = target.getBoundingClientRect();
      if (r.width < 43.99 || r.height < 43.99) out.push(`<${el.tagName.toLowerCase()} ${el.getAttribute('data-testid') ?? ''}> "${(el.textContent ?? '').trim().slice(0, 30)}" is ${r.width.toFixed(1)}×${r.height.toFixed(1)}`);
    }
    return out;
  }, scope);
}

/** How many visible controls are under `scope` (so a measurement is known to have measured something). */
function controlsIn(page: Page, scope: string): Promise<number> {
  return page.evaluate((scope) => Array.from(document.querySelectorAll(`${scope} :is(a[href], button, input, select)`)).filter((el) => el.checkVisibility({ visibilityProperty: true })).length, scope);
}

describe('Map', () => {
  let browser: Browser;
  const url = inject('baseURL');
  useBrowser((b) => (browser = b));

  const layoutOf = (page: Page) =>
    page.evaluate(async () => {
      const l = await window.__glimpse!.storedMapLayout('visual');
      return l && { ids: Array.from(l.ids), positions: Array.from(l.positions), laidOut: l.laidOut, placed: l.placed };
    });
  const mapView = (page: Page) => page.getByTestId('map-view');
  const status = (page: Page) => page.getByTestId('map-status');

  it('draws every photo, lays the same library out the same way, dims non-hits, opens a tapped photo, places a new one without a re-layout', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 850 } });
    const { page, errors } = await openApp(context, url, '&testHooks');
    const images = sharedImages(31);
    await page.getByTestId('add-files').setInputFiles(images.slice(0, 30));
    await waitIndexed(page);

    await page.getByTestId('nav-map').click();
    await expect.poll(() => mapView(page).getAttribute('data-count'), { timeout: 60_000 }).toBe('30');
    const first = await layoutOf(page);
    expect(first?.ids).toHaveLength(30);
    expect(new Set(first!.ids).size).toBe(30);
    // A real layout, not everyone on one spot.
    const xs = first!.positions.filter((_, i) => i % 2 === 0);
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(0.1);

    // "Re-arrange" lays out anew: same library, same positions. The stored layout is scrambled
    // first, so only a new layout brings the first positions back.
    await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const r = indexedDB.open('glimpse');
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      const tx = db.transaction('meta', 'readwrite');
      const store = tx.objectStore('meta');
      const row = await new Promise<{ key: string; value: { positions: Float32Array } }>((ok) => {
        const r = store.get('map-layout:visual');
        r.onsuccess = () => ok(r.result as { key: string; value: { positions: Float32Array } });
      });
      store.put({ ...row, value: { ...row.value, positions: row.value.positions.map((v) => v + 100) } });
      await new Promise((ok) => (tx.oncomplete = ok));
      db.close();
    });
    expect((await layoutOf(page))!.positions).not.toEqual(first!.positions);
    await page.getByTestId('map-rearrange').click();
    await expect.poll(() => layoutOf(page), { timeout: 120_000 }).toEqual(first);
    await expect.poll(() => page.getByTestId('map-rearrange').isEnabled(), { timeout: 60_000 }).toBe(true);

    // A click on a photo opens it in the detail view: the photo farthest from any other, so no tile covers it.
    const points = await page.evaluate(() => window.__glimpse!.mapPoints());
    expect(points).toHaveLength(30);
    const alone = points
      .map((p) => ({ p, gap: Math.min(...points.filter((q) => q !== p).map((q) => Math.hypot(q.x - p.x, q.y - p.y))) }))
      .sort((a, b) => b.gap - a.gap)[0]!.p;
    const box = (await mapView(page).boundingBox())!;
    await page.mouse.click(box.x + alone.x, box.y + alone.y);
    await page.getByTestId('detail').waitFor();
    const names = await page.evaluate(() => window.__glimpse!.listLibrary());
    expect(await page.getByTestId('detail-name').textContent()).toBe(names.find((n) => n.id === alone.id)!.name);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('detail').count(), { timeout: 30_000 }).toBe(0);

    // One more photo: placed near its neighbours, everyone else exactly where they were.
    await page.getByTestId('nav-map').evaluate(() => (location.hash = '#/'));
    await page.getByTestId('add-files').setInputFiles(images.slice(30));
    await expect.poll(() => page.getByTestId('image-count').textContent(), { timeout: 60_000 }).toBe('31');
    await waitIndexed(page);
    await page.getByTestId('nav-map').click();
    await expect.poll(() => mapView(page).getAttribute('data-count'), { timeout: 60_000 }).toBe('31');
    expect(await status(page).getAttribute('data-how')).toBe('stored');
    const after = await layoutOf(page);
    expect(after!.ids.slice(0, 30)).toEqual(first!.ids);
    expect(after!.positions.slice(0, 60)).toEqual(first!.positions);
    expect(after).toMatchObject({ laidOut: 30, placed: 1 });
    expect(after!.positions.slice(60).every(Number.isFinite)).toBe(true);
    // A search highlights its hits and dims the rest. The tiny embedder finds every photo alike,
    // so the search runs by keywords only (offline, model files gone: the app's own fallback), for
    // a word that the background pass's sampled captions gave some photos and not others.
    const word = await expect
      .poll(async () => rareWord(await storedRecords(page)), { timeout: 120_000 })
      .toBeDefined()
      .then(async () => rareWord(await storedRecords(page))!);
    await context.setOffline(true);
    await deleteCachedModels(page);
    await page.reload();
    await expect.poll(() => mapView(page).getAttribute('data-count'), { timeout: 60_000 }).toBe('31');
    await page.getByTestId('map-search').fill(word.word);
    // Lemmas may match a few more photos than the raw word count: never all of them, never none.
    await expect.poll(async () => Number(await mapView(page).getAttribute('data-hits')), { timeout: 60_000 }).toBeGreaterThanOrEqual(word.count);
    const hits = Number(await mapView(page).getAttribute('data-hits'));
    expect(hits).toBeLessThan(31);
    expect(await mapView(page).getAttribute('data-dimmed')).toBe(String(31 - hits));
    await page.getByTestId('map-search').fill('');
    await expect.poll(() => mapView(page).getAttribute('data-dimmed'), { timeout: 30_000 }).toBe('0');
    expect(errors.filter((e) => !/models|Failed to fetch|ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
    await context.close();
    // Indexes 31 photos twice over (three captions each): minutes on a loaded 2-core machine.
  }, 420_000);

  it('on a phone (360 and 390 px wide, touch): the map, its controls and Similar photos fit, every control ≥ 44 px, a tap opens a photo', async () => {
    const phones = [
      { width: 360, height: 740 },
      { width: 390, height: 844 },
    ];
    const context = await browser.newContext({ viewport: phones[0], isMobile: true, hasTouch: true, deviceScaleFactor: 3 });
    await context.addInitScript(() => localStorage.setItem('glimpse.captions', JSON.stringify({ atOnce: 1, total: 1 })));
    const { page, errors } = await openApp(context, url, '&testHooks');
    // Five photos and a recompressed, smaller copy of the first (so Similar photos shows a group).
    const five = sharedImages(5);
    const copy = await sharp(readFileSync(five[0]!)).resize(160).jpeg({ quality: 50 }).toBuffer();
    await page.getByTestId('add-files').setInputFiles([...five.map((f) => ({ name: path.basename(f), mimeType: 'image/jpeg', buffer: readFileSync(f) })), { name: 'copy.jpg', mimeType: 'image/jpeg', buffer: copy }]);
    await waitIndexed(page);
    await page.getByTestId('nav-map').tap();
    await expect.poll(() => mapView(page).getAttribute('data-count'), { timeout: 60_000 }).toBe('6');
    const fits = async (state: string): Promise<void> => {
      for (const size of phones) {
        await resizeTo(page, size);
        expect(await controlsIn(page, 'main'), `${state}: controls on screen`).toBeGreaterThan(3);
        expect(await phoneProblemsIn(page, 'main'), `${state} at ${size.width}×${size.height}`).toEqual([]);
      }
      await resizeTo(page, phones[0]!);
    };
    await fits('map');
    // The canvas spans the screen less the page margins.
    const box = (await mapView(page).boundingBox())!;
    expect(box.width).toBeGreaterThan(phones[0]!.width - 2 * 24);

    // A tap (touch) on a photo opens it.
    await expect.poll(async () => (await page.evaluate(() => window.__glimpse!.mapPoints())).length, { timeout: 30_000 }).toBe(6);
    const points = await page.evaluate(() => window.__glimpse!.mapPoints());
    const alone = points
      .map((p) => ({ p, gap: Math.min(...points.filter((q) => q !== p).map((q) => Math.hypot(q.x - p.x, q.y - p.y))) }))
      .sort((a, b) => b.gap - a.gap)[0]!.p;
    const at = (await mapView(page).boundingBox())!;
    await page.touchscreen.tap(at.x + alone.x, at.y + alone.y);
    await page.getByTestId('detail').waitFor({ timeout: 30_000 });
    // The tapped photo (a tap's own click, landing on the view it opened, used to close it at once).
    const names = await page.evaluate(() => window.__glimpse!.listLibrary());
    await expect.poll(() => page.getByTestId('detail-name').textContent(), { timeout: 30_000 }).toBe(names.find((n) => n.id === alone.id)!.name);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('detail').count(), { timeout: 30_000 }).toBe(0);

    // Similar photos (the copy and its original), then the threshold setting.
    await page.getByTestId('nav-similar').tap();
    await expect.poll(() => page.getByTestId('similar-summary').getAttribute('data-groups'), { timeout: 60_000 }).toBe('1');
    await fits('similar photos');
    await page.getByTestId('nav-settings').tap();
    await page.getByTestId('similar-threshold').waitFor();
    expect(await phoneProblemsIn(page, 'section:has([data-testid="similar-threshold"])')).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
