import type { Browser, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { openApp, sharedImages, waitIndexed } from './helpers/app-page';
import { storedRecords } from './helpers/idb-page';
import { useBrowser } from './helpers/use-browser';

// The Map tab on a real library (built app, real workers and IndexedDB, tiny random-weight
// models): the layout is checked for completeness, determinism and stability, never for quality.
/** A caption word that some photos hold and others do not, with how many hold it. */
function rareWord(records: { captions: string[] }[]): { word: string; count: number } | undefined {
  const counts = new Map<string, number>();
  for (const r of records) for (const w of new Set(r.captions.join(' ').toLowerCase().match(/\b[a-z]{4,}\b/g) ?? [])) counts.set(w, (counts.get(w) ?? 0) + 1);
  const [word, count] = [...counts.entries()].filter(([, n]) => n < records.length).sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))[0] ?? [];
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

    // Reopening the tab reads the stored layout back; "Re-arrange" lays out anew: same library, same positions.
    await page.getByTestId('map-rearrange').click();
    await expect.poll(() => page.getByTestId('map-rearrange').isEnabled()).toBe(true);
    expect(await layoutOf(page)).toEqual(first);

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
    await expect.poll(() => page.getByTestId('detail').count()).toBe(0);

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
    await expect.poll(() => mapView(page).getAttribute('data-dimmed')).toBe('0');
    expect(errors.filter((e) => !/models|Failed to fetch|ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
    await context.close();
  });
});
