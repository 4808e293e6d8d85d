// bench:ui — what a person feels, measured in the built app in headless Chromium with the tiny
// test models: main-thread long tasks while 100 photos are indexed through the UI, then the
// keystroke → results-painted latency with N photos indexed (default 1,000: the 500 shared photos
// plus mirrored copies, which have other bytes and so are not skipped as duplicates); then opening
// the app with that library. Then a grown library of --grow photos (default 10,000; bench/ui-grow.ts:
// seeded once by the app's storage code with both forests built over every photo, kept in /tmp
// between runs): app open → first grid card, keystroke → results painted, scrolling the grid,
// Settings → "Check library" and "Clear all", each with its main-thread long tasks (count and
// longest, from a PerformanceObserver). Then the map (bench/ui-map.ts): layout time at 1,000 and
// 10,000 photos, frame time panning and zooming 10,000.
// Usage: npm run build && npm run bench:ui [-- --n 1000 --first 100 --queries 40 --grow 10000 --opens 5 --scrolls 5 | --map-only]
//        npm run bench:ui -- --grow 100000 --grown-only [--dist DIR] [--port 47319] [--skip check,clear]
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { preview } from 'vite';
import { generateTestModels } from '../scripts/onnx/generate.ts';
import { launch } from '../test/browser/helpers/browser.ts';
import { captionedEntries, SHARED_IMAGES } from '../test/browser/helpers/library-page.ts';
import { SEARCH_DEBOUNCE_MS } from '../src/ui/search-debounce.ts';
import { benchMap } from './ui-map.ts';
import { grownProfile, profileContext, seedRoute } from './ui-grow.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('n', 1000);
const FIRST = arg('first', 100);
const QUERIES = arg('queries', 40);
const GROW = arg('grow', 10_000);
const OPENS = arg('opens', 5);
const SCROLLS = arg('scrolls', 5);
// --grown-only: only the grown library's phases; --dist DIR: serve another build (before/after runs).
const GROWN_ONLY = process.argv.includes('--grown-only');
const GROWN = GROW > 0 && !process.argv.includes('--map-only');
const PORT = arg('port', 47_319);
// --skip check,clear: leave those phases out of the grown library's run (a quick before/after of opening and searching).
const SKIP = new Set(process.argv.includes('--skip') ? process.argv[process.argv.indexOf('--skip') + 1]!.split(',') : []);
const DIST = process.argv.includes('--dist') ? process.argv[process.argv.indexOf('--dist') + 1]! : 'dist';
const median = (xs: number[]): number => pct([...xs].sort((a, b) => a - b), 50);
const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

/** N image paths: the shared photos first, then mirrored copies kept in bench/out (git-ignored). */
async function imagePaths(n: number): Promise<string[]> {
  const originals = captionedEntries().map((e) => path.join(SHARED_IMAGES, '..', e.file));
  const out = originals.slice(0, n);
  const dir = path.resolve(import.meta.dirname, 'out/ui-mirrored');
  mkdirSync(dir, { recursive: true });
  for (let i = 0; out.length < n && i < originals.length; i++) {
    const target = path.join(dir, `m-${path.basename(originals[i]!)}`);
    if (!existsSync(target)) writeFileSync(target, await sharp(readFileSync(originals[i]!)).flop().jpeg({ quality: 85 }).toBuffer());
    out.push(target);
  }
  return out;
}

/** Reloads the app `OPENS` times: ms from navigation to the first painted grid card, and the
 *  page's list call (the 'glimpse:list' measure: request → answer on the main thread). */
async function openTimes(page: Page, label: string): Promise<void> {
  const paint: number[] = [];
  const list: number[] = [];
  let items = 0;
  for (let i = 0; i < OPENS; i++) {
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { __firstCard?: number }).__firstCard !== undefined && performance.getEntriesByName('glimpse:list').length > 0, undefined, { timeout: 120_000 });
    const r = await page.evaluate(() => {
      const m = performance.getEntriesByName('glimpse:list')[0] as PerformanceMeasure;
      return { paint: (window as unknown as { __firstCard: number }).__firstCard, list: m.duration, items: (m.detail as { items: number }).items };
    });
    paint.push(r.paint);
    list.push(r.list);
    items = r.items;
  }
  const each = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(', ');
  console.log(`open with ${label}: first grid card painted, median ${median(paint).toFixed(0)} ms (${each(paint)})`);
  console.log(`  list call: median ${median(list).toFixed(1)} ms (${each(list)}), ${items} item(s) returned`);
  // The next page once the app has settled: the first call also starts the worker and opens the
  // database, and right after it the worker is busy opening the library (forests, lexical index).
  const more = page.getByTestId('show-more');
  if ((await more.count()) === 0) return;
  await page.getByTestId('index-done').waitFor({ state: 'attached' });
  await page.waitForTimeout(2000);
  const nextMs: number[] = [];
  for (let i = 0; i < OPENS && (await more.count()) > 0; i++) {
    // As a person looks before scrolling on: every card's thumbnail read from the worker (each
    // card reads its own, and a page asked for meanwhile would wait behind those reads).
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="library-item"] img').length === document.querySelectorAll('[data-testid="library-item"]').length);
    const before = await page.evaluate(() => performance.getEntriesByName('glimpse:list').length);
    // A DOM click: no scrolling, so the grid's own near-the-end loading stays out of it.
    await more.evaluate((b) => (b as HTMLButtonElement).click());
    await page.waitForFunction((n) => performance.getEntriesByName('glimpse:list').length > n, before);
    nextMs.push(await page.evaluate(() => performance.getEntriesByName('glimpse:list').at(-1)!.duration));
  }
  console.log(`  next page ("Show more", app settled, thumbnails in): median ${median(nextMs).toFixed(1)} ms (${each(nextMs)})`);
}

/** Keystroke → results painted for QUERIES queries: the last keystroke of each, then the grid answering it and two frames. */
async function keystrokes(page: Page, count: string): Promise<void> {
  const words = captionedEntries().flatMap((e) => e.captions).slice(0, QUERIES);
  const input = page.getByTestId('search-input');
  const ms: number[] = [];
  for (const [i, caption] of words.entries()) {
    const q = `${caption.split(' ').slice(0, 4).join(' ')} ${i}`;
    await input.fill(q.slice(0, -1));
    await page.waitForTimeout(250);
    const took = await page.evaluate(async (q) => {
      const el = document.querySelector('[data-testid="search-input"]') as HTMLInputElement;
      const t0 = performance.now();
      el.value = q;
      el.dispatchEvent(new InputEvent('input', { bubbles: true, data: q.slice(-1) }));
      const sel = `[data-testid="results-grid"][data-query="${CSS.escape(q.trim())}"]`;
      while (!document.querySelector(sel) && performance.now() - t0 < 10_000) await new Promise((r) => requestAnimationFrame(r));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const grid = document.querySelector('[data-testid="results-grid"]');
      return { ms: performance.now() - t0, shown: grid?.getAttribute('data-query') ?? null, value: el.value };
    }, q);
    ms.push(took.ms);
    if (process.env.BENCH_VERBOSE) {
      // The worker's part alone (the same query again, called through the test hook: no debounce, no render).
      const worker = await page.evaluate(async (q) => {
        const t0 = performance.now();
        await window.__glimpse!.search(q, 60);
        return performance.now() - t0;
      }, `${q} `);
      console.log(`  ${JSON.stringify(q)}: ${took.ms.toFixed(0)} ms (grid shows ${JSON.stringify(took.shown)}); the search alone again ${worker.toFixed(0)} ms`);
    }
  }
  ms.sort((a, b) => a - b);
  if (ms.length) console.log(`keystroke → results painted, ${ms.length} queries on ${count} photos (includes the search box's ${SEARCH_DEBOUNCE_MS} ms debounce): p50 ${pct(ms, 50).toFixed(0)} ms, p95 ${pct(ms, 95).toFixed(0)} ms, max ${ms.at(-1)!.toFixed(0)} ms`);
  await input.fill('');
}

const longTasks = (page: Page): Promise<number[]> => page.evaluate(() => (window as unknown as { __longtasks: number[] }).__longtasks.splice(0));
const longest = (xs: number[]): string => `${xs.length} long task(s), longest ${xs.length ? Math.max(...xs).toFixed(0) : 0} ms`;

/** Scrolls the library grid to its end `SCROLLS` times: ms from the scroll to the next page's cards
 *  in the grid (its data-cards count: a windowed grid keeps only the rows in view in the DOM). */
async function scrollGrid(page: Page): Promise<void> {
  await page.getByTestId('index-done').waitFor({ state: 'attached' });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="library-item"] img').length === document.querySelectorAll('[data-testid="library-item"]').length);
  await longTasks(page);
  // (A build from before the windowed grid has no data-cards: its cards are all in the DOM.)
  const loaded = (): Promise<number> => page.evaluate(() => Number(document.querySelector('[data-testid="results-grid"]')?.getAttribute('data-cards') ?? document.querySelectorAll('[data-testid="library-item"]').length));
  const ms: number[] = [];
  for (let i = 0; i < SCROLLS; i++) {
    const before = await loaded();
    const t0 = await page.evaluate(() => {
      window.scrollTo({ top: document.documentElement.scrollHeight });
      return performance.now();
    });
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="results-grid"]')?.getAttribute('data-cards') ?? document.querySelectorAll('[data-testid="library-item"]').length) > n, before, { timeout: 120_000 });
    ms.push((await page.evaluate(() => performance.now())) - t0);
  }
  const dom = await page.getByTestId('library-item').count();
  console.log(`  grid scrolled to its end ${SCROLLS} times: next page in the grid median ${median(ms).toFixed(0)} ms, max ${Math.max(...ms).toFixed(0)} ms (${await loaded()} cards loaded, ${dom} in the DOM); ${longest(await longTasks(page))}`);
  await page.evaluate(() => window.scrollTo({ top: 0 }));
}

/** Settings → "Check library": ms from the click to its result, with the problems it found. */
async function checkLibraryTime(page: Page): Promise<void> {
  await page.getByTestId('nav-settings').click();
  await longTasks(page);
  const t0 = Date.now();
  await page.getByTestId('check-library').click();
  const result = page.getByTestId('check-library-result');
  await result.waitFor({ timeout: 60 * 60_000 });
  const s = (Date.now() - t0) / 1000;
  console.log(`  Check library: ${s.toFixed(1)} s, ${await result.getAttribute('data-problems')} problem(s): ${(await result.textContent())?.replace(/\s+/g, ' ').trim().slice(0, 160)}; ${longest(await longTasks(page))}`);
  await page.goto(page.url().replace(/#.*$/, '#/'));
}

/** "Clear all" (confirmed): ms from the click to the empty library shown. */
async function clearAllTime(page: Page): Promise<void> {
  await page.getByTestId('clear-all').waitFor();
  page.once('dialog', (d) => void d.accept());
  await longTasks(page);
  const t0 = Date.now();
  await page.getByTestId('clear-all').click();
  await page.getByTestId('empty-library').waitFor({ timeout: 60 * 60_000 });
  console.log(`  Clear all: ${((Date.now() - t0) / 1000).toFixed(1)} s to the empty library; ${longest(await longTasks(page))}`);
}

const longTaskObserver = (): void => {
  const w = window as unknown as { __longtasks: number[] };
  w.__longtasks = [];
  new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__longtasks.push(e.duration))).observe({ type: 'longtask', buffered: true });
  // One caption per photo and no background pass adding more: it would compete with what is timed.
  localStorage.setItem('glimpse.captions', JSON.stringify({ atOnce: 1, total: 1 }));
  // The first card in the DOM, then two frames: the second starts once the frame holding it was
  // painted. (No named functions in here: tsx would wrap them in a helper the page lacks.)
  new MutationObserver((_, observer) => {
    if (!document.querySelector('[data-testid="library-item"]')) return;
    observer.disconnect();
    requestAnimationFrame(() => requestAnimationFrame(() => ((window as unknown as { __firstCard: number }).__firstCard = performance.now())));
  }).observe(document, { childList: true, subtree: true });
};

/** The phases at a grown library of `n` real photos (bench/ui-grow.ts): open, search, scroll, check, clear. */
async function grown(n: number, url: string): Promise<void> {
  const t = Date.now();
  const { dir, seeded } = await grownProfile(n, url);
  console.log(`library of ${n} photos: ${seeded} (ready in ${((Date.now() - t) / 1000).toFixed(0)} s)`);
  const context = await profileContext(dir);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.addInitScript(longTaskObserver);
    if (process.env.BENCH_VERBOSE) page.on('console', (m) => void (m.text().startsWith('[prof]') && console.log(`  ${m.text()}`)));
    await page.goto(`${url}?models=test/tiny${process.env.BENCH_VERBOSE ? '&testHooks' : ''}`);
    await page.getByTestId('library-item').first().waitFor({ timeout: 30 * 60_000 });
    // The first open after the copy may convert or upgrade; let it settle before timing opens.
    await page.getByTestId('index-done').waitFor({ state: 'attached', timeout: 30 * 60_000 });
    await page.waitForTimeout(2000);
    const count = await page.getByTestId('image-count').textContent();
    await longTasks(page);
    await openTimes(page, `${count} photos`);
    console.log(`  while opening (${OPENS} opens): ${longest(await longTasks(page))}`);
    await page.getByTestId('index-done').waitFor({ state: 'attached', timeout: 30 * 60_000 });
    await longTasks(page);
    await keystrokes(page, `${count}`);
    console.log(`  while searching: ${longest(await longTasks(page))}`);
    await scrollGrid(page);
    if (!SKIP.has('check')) await checkLibraryTime(page);
    if (!SKIP.has('clear')) await clearAllTime(page);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const dist = path.resolve(DIST);
  if (!existsSync(path.join(dist, 'index.html'))) throw new Error(`${dist} is missing: run \`npm run build\` first.`);
  generateTestModels({ size: 'tiny' });
  // A kept grown profile is served on a fixed port: IndexedDB belongs to the origin.
  const server = await preview({ build: { outDir: dist }, preview: { port: GROWN ? PORT : 0, host: '127.0.0.1', strictPort: GROWN }, logLevel: 'warn', plugins: [seedRoute()] });
  const url = server.resolvedUrls!.local[0]!;
  const browser = await launch();
  try {
    // The map's figures (bench/ui-map.ts): --map-only runs just those.
    if (process.argv.includes('--map-only')) return await benchMap(browser, url);
    if (GROWN_ONLY) return await grown(GROW, url);
    const files = await imagePaths(N);
    const page = await (await browser.newContext({ viewport: { width: 1200, height: 850 } })).newPage();
    await page.addInitScript(longTaskObserver);
    await page.goto(`${url}?models=test/tiny`);
    await page.getByTestId('empty-library').waitFor();
    const done = () => page.getByTestId('index-done').waitFor({ state: 'attached', timeout: 30 * 60_000 });

    // 1. Long tasks on the main thread while the first photos are indexed.
    await page.evaluate(() => ((window as unknown as { __longtasks: number[] }).__longtasks = []));
    let t = Date.now();
    await page.getByTestId('add-files').setInputFiles(files.slice(0, FIRST));
    await done();
    const firstS = (Date.now() - t) / 1000;
    const tasks = await page.evaluate(() => (window as unknown as { __longtasks: number[] }).__longtasks);
    console.log(`indexing ${FIRST} photos (UI, tiny models): ${firstS.toFixed(1)} s, ${(FIRST / firstS).toFixed(2)} images/s`);
    console.log(`  main-thread long tasks: ${tasks.length}, longest ${tasks.length ? Math.max(...tasks).toFixed(0) : 0} ms`);

    // 2. The rest, then keystroke → painted results.
    t = Date.now();
    if (files.length > FIRST) {
      await page.getByTestId('add-files').setInputFiles(files.slice(FIRST));
      await page.getByTestId('index-progress').waitFor();
      await done();
    }
    const count = await page.getByTestId('image-count').textContent();
    console.log(`indexing ${files.length - FIRST} more: ${((Date.now() - t) / 1000).toFixed(1)} s; library holds ${count} photos`);
    await keystrokes(page, count ?? '?');

    // 3. Opening the app with that library: first page of the grid.
    await openTimes(page, `${count} photos`);
    await page.context().close();
    // 4. A grown library (seeded, kept between runs): every phase at its size.
    if (GROW > 0) await grown(GROW, url);
    await benchMap(browser, url);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
