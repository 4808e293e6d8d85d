// bench:ui — what a person feels, measured in the built app in headless Chromium with the tiny
// test models: main-thread long tasks while 100 photos are indexed through the UI, then the
// keystroke → results-painted latency with N photos indexed (default 1,000: the 500 shared photos
// plus mirrored copies, which have other bytes and so are not skipped as duplicates).
// Usage: npm run build && npm run bench:ui [-- --n 1000 --first 100 --queries 40]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { preview } from 'vite';
import { generateTestModels } from '../scripts/onnx/generate.ts';
import { launch } from '../test/browser/helpers/browser.ts';
import { captionedEntries, SHARED_IMAGES } from '../test/browser/helpers/library-page.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('n', 1000);
const FIRST = arg('first', 100);
const QUERIES = arg('queries', 40);
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

async function main(): Promise<void> {
  if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run `npm run build` first.');
  generateTestModels({ size: 'tiny' });
  const files = await imagePaths(N);
  const server = await preview({ preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
  const url = server.resolvedUrls?.local[0];
  const browser = await launch();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1200, height: 850 } })).newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { __longtasks: number[] };
      w.__longtasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__longtasks.push(e.duration))).observe({ type: 'longtask', buffered: true });
    });
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
    const words = captionedEntries().flatMap((e) => e.captions).slice(0, QUERIES);
    const input = page.getByTestId('search-input');
    const ms: number[] = [];
    for (const [i, caption] of words.entries()) {
      const q = `${caption.split(' ').slice(0, 4).join(' ')} ${i}`;
      await input.fill(q.slice(0, -1));
      await page.waitForTimeout(250);
      // The last keystroke, then wait for the grid to answer this query and for two frames (painted).
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
      if (process.env.BENCH_VERBOSE) console.log(`  ${JSON.stringify(q)}: ${took.ms.toFixed(0)} ms (grid shows ${JSON.stringify(took.shown)})`);
    }
    ms.sort((a, b) => a - b);
    console.log(`keystroke → results painted, ${ms.length} queries on ${count} photos (includes the 180 ms debounce): p50 ${pct(ms, 50).toFixed(0)} ms, p95 ${pct(ms, 95).toFixed(0)} ms, max ${ms.at(-1)!.toFixed(0)} ms`);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
