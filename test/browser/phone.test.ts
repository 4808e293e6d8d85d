import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { imageCount, openApp, screenshot, searchText, sharedImages, waitIndexed, waitThumbs } from './helpers/app-page';
import { launch } from './helpers/browser';
import { PHONES, phoneContext, phoneProblems, reachable, resizeTo, swipe, visibleControls } from './helpers/phone-page';

// The app held in one hand: a 360×740 and a 390×844 phone (touch, mobile viewport, 3× pixels). In
// every state the test visits, at both sizes, nothing may scroll sideways and every visible control
// must be at least 44×44 CSS px. Random-weight test models: results are checked for shape only.
describe('phone screens: 360×740 and 390×844, touch', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const url = inject('baseURL');
  const images = sharedImages(10);

  /** Measures the current state at both phone sizes (then goes back to 360×740). */
  async function expectFits(state: string): Promise<void> {
    for (const size of PHONES) {
      await resizeTo(page, size);
      expect(await visibleControls(page), `${state}: controls on screen`).toBeGreaterThan(2);
      expect(await phoneProblems(page), `${state} at ${size.width}×${size.height}`).toEqual([]);
    }
    await resizeTo(page, PHONES[0]);
  }
  const addButton = (): ReturnType<Page['getByRole']> => page.getByRole('button', { name: 'Add photos' });

  beforeAll(async () => {
    browser = await launch();
    context = await phoneContext(browser);
    // One caption per photo, none added in the background: a background pass re-ranks the open
    // results, and the swipe checks below need the order to hold still.
    await context.addInitScript(() => localStorage.setItem('glimpse.captions', JSON.stringify({ atOnce: 1, total: 1 })));
    ({ page, errors } = await openApp(context, url));
  });
  afterAll(async () => {
    await browser.close();
  });

  it('empty library: fits, and the search box and Add photos are at hand', async () => {
    await page.getByTestId('empty-library').waitFor();
    await expectFits('empty library');
    expect(await reachable(page.getByTestId('search-input'))).toBe(true);
    expect(await reachable(addButton())).toBe(true);
    await screenshot(page, 'phone-empty');
  });

  it('library and indexing: the grid uses the width; search, Add photos and the progress with its button stay in view while scrolling', async () => {
    await page.getByTestId('add-files').setInputFiles(images.slice(0, 6));
    await waitIndexed(page);
    expect(await imageCount(page)).toBe(6);
    await waitThumbs(page);
    await expectFits('library with photos');
    for (const size of PHONES) {
      await resizeTo(page, size);
      const grid = await page.getByTestId('results-grid').boundingBox();
      const card = await page.getByTestId('library-item').nth(1).boundingBox();
      // Two columns edge to edge: the grid spans the screen less the page margins (12 px a side).
      expect(grid!.width).toBeGreaterThanOrEqual(size.width - 2 * 16);
      expect(card!.x + card!.width).toBeCloseTo(grid!.x + grid!.width, 0);
    }
    await resizeTo(page, PHONES[0]);

    // A paused queue keeps its progress up (deterministically): paused before the photos are added.
    await page.evaluate(() => localStorage.setItem('glimpse.queue.paused', '1'));
    await page.reload();
    await expect.poll(() => imageCount(page), { timeout: 30_000 }).toBe(6);
    await page.getByTestId('add-files').setInputFiles(images.slice(6));
    const resume = page.getByTestId('index-resume');
    await resume.waitFor();
    await expectFits('indexing, paused');
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expect.poll(() => page.evaluate(() => scrollY), { timeout: 10_000 }).toBeGreaterThan(200);
    for (const target of [resume, page.getByTestId('index-progress'), page.getByTestId('search-input'), addButton()]) {
      expect(await reachable(target)).toBe(true);
    }
    await resume.tap();
    await page.evaluate(() => window.scrollTo(0, 0));
    const bar = page.getByTestId('index-progress');
    // While it runs (if the tiny models have not finished already), the running state fits too.
    await expect.poll(async () => (await bar.count()) === 0 || Number(await bar.getAttribute('aria-valuenow')) >= 1, { timeout: 120_000 }).toBe(true);
    await screenshot(page, 'phone-indexing');
    expect(await phoneProblems(page), 'indexing, running').toEqual([]);
    await waitIndexed(page);
    expect(await imageCount(page)).toBe(10);
  });

  it('results and "More like this": fit', async () => {
    await searchText(page, 'a dog running on grass');
    await waitThumbs(page);
    await expectFits('results');
    await screenshot(page, 'phone-results');
    await page.getByTestId('result').first().getByTestId('more-like-this').tap();
    await page.getByRole('button', { name: 'Clear photo search' }).waitFor();
    await expectFits('more like this');
    await page.getByRole('button', { name: 'Clear photo search' }).tap();
    // The text query's results are back (the grid says which query it shows).
    await expect.poll(() => page.getByTestId('results-grid').getAttribute('data-query'), { timeout: 30_000 }).toBe('a dog running on grass');
  });

  it('detail view: fits, swipes to the next and previous photo, closes with back and pops its entry when closed otherwise', async () => {
    const before = page.url();
    await page.getByTestId('result').first().getByRole('button', { name: /^Open / }).tap();
    const name = page.getByTestId('detail-name');
    await name.waitFor();
    await page.waitForFunction(() => (document.querySelector('[data-testid="detail"] img') as HTMLImageElement | null)?.complete === true);
    await expectFits('detail');
    await screenshot(page, 'phone-detail');

    const first = await name.textContent();
    const position = page.locator('[data-testid="detail"] .pos');
    expect(await position.textContent()).toMatch(/^1 \//);
    const picture = page.locator('[data-testid="detail"] img');
    await swipe(page, picture, -200);
    await expect.poll(() => name.textContent(), { timeout: 30_000 }).not.toBe(first);
    expect(await position.textContent()).toMatch(/^2 \//);
    await swipe(page, picture, 200);
    await expect.poll(() => name.textContent(), { timeout: 30_000 }).toBe(first);
    // A short sideways touch (a tap that slid) moves nothing (the position changes at once on a move).
    await swipe(page, picture, -20);
    expect(await position.textContent()).toMatch(/^1 \//);

    // Back (the phone's back gesture) closes the view and stays in the app.
    expect(await page.evaluate(() => (history.state as { glimpseOverlay?: boolean } | null)?.glimpseOverlay)).toBe(true);
    await page.evaluate(() => history.back());
    await expect.poll(() => page.getByTestId('detail').count(), { timeout: 10_000 }).toBe(0);
    expect(page.url()).toBe(before);
    expect(await page.getByTestId('result').count()).toBeGreaterThan(0);

    // Closed with ✕: its history entry goes too, so the next back does not land on a closed view.
    await page.getByTestId('result').first().getByRole('button', { name: /^Open / }).tap();
    await name.waitFor();
    await page.getByRole('button', { name: 'Close' }).tap();
    await expect.poll(() => page.getByTestId('detail').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => page.evaluate(() => (history.state as { glimpseOverlay?: boolean } | null)?.glimpseOverlay ?? false), { timeout: 10_000 }).toBe(false);
  });

  it('settings: fit', async () => {
    await page.getByTestId('nav-settings').tap();
    await page.getByTestId('captioner').waitFor();
    await expectFits('settings');
    expect(errors).toEqual([]);
  });

  it('desktop keeps Add photos in the toolbar at its usual size', async () => {
    const desktop = await browser.newContext({ viewport: { width: 1200, height: 850 } });
    try {
      const { page: wide } = await openApp(desktop, url);
      const add = wide.getByRole('button', { name: 'Add photos' });
      await add.waitFor();
      const [addBox, searchBox] = [await add.boundingBox(), await wide.getByTestId('search-input').boundingBox()];
      // One row at the top: Add photos beside the search box, not a bar along the bottom edge.
      expect(Math.abs(addBox!.y + addBox!.height / 2 - (searchBox!.y + searchBox!.height / 2))).toBeLessThan(4);
      expect(addBox!.height).toBeLessThan(44);
    } finally {
      await desktop.close();
    }
  });
});
