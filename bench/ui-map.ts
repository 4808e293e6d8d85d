// bench:ui, the map part (kept apart from bench/ui.ts so the two merge simply): with generated
// vectors (synthetic 768-d, like the ViT's), the map layout at 1,000 and 10,000 photos — the
// neighbour graph from our forest (one search per photo, as workers/lib/map-input.ts does; here in
// Node on an in-memory store), then UMAP in the built app's map worker in Chromium — and the frame
// time while panning and zooming the 10,000-photo map in the Map tab (its draw time per frame, and
// the interval between frames). The 10,000 rows are copies of 20 indexed photos written straight to
// IndexedDB, with the 10,000-photo layout stored as the map's, so the tab draws it at once.
import type { Browser, Page } from 'playwright-core';
import { buildForest, Forest, MemoryBlockStore } from '../src/core/forest/index.ts';
import { buildGraph, type KnnGraph } from '../src/core/map/index.ts';
import { sharedImages } from '../test/browser/helpers/app-page.ts';
import { synthetic } from './lib/synthetic.ts';

const K = 15;
const SEARCH_K = 500;
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};

/** The neighbour graph of n generated vectors from our forest (Node, in-memory store). */
async function forestGraph(n: number): Promise<{ graph: KnnGraph; buildMs: number; searchMs: number }> {
  const dim = 768;
  const { base } = synthetic({ n, queries: 1, dim, seed: 7 });
  const store = new MemoryBlockStore();
  let t = performance.now();
  await buildForest(store, { dim, ids: Array.from({ length: n }, (_, i) => i), vectors: base }, { seed: 1 });
  const forest = await Forest.open(store);
  const buildMs = performance.now() - t;
  t = performance.now();
  const rows = [];
  for (let i = 0; i < n; i++) rows.push((await forest.search(base.subarray(i * dim, (i + 1) * dim), K, { searchK: SEARCH_K })).map((h) => ({ row: h.id, score: h.score })));
  return { graph: buildGraph(rows, K), buildMs, searchMs: performance.now() - t };
}

/** UMAP of `graph` in the app's map worker; ms and the positions. */
async function layoutInApp(page: Page, graph: KnnGraph): Promise<{ ms: number; positions: number[] }> {
  return page.evaluate(async (g) => {
    const graph = { n: g.n, k: g.k, indices: Int32Array.from(g.indices), distances: Float32Array.from(g.distances) };
    const t = performance.now();
    const positions = await window.__glimpse!.layoutGraph(graph);
    return { ms: performance.now() - t, positions: Array.from(positions) };
  }, { n: graph.n, k: graph.k, indices: Array.from(graph.indices), distances: Array.from(graph.distances) });
}

/** Copies the indexed rows (row, thumbnail, vectors) to `n` rows and stores `positions` as the visual map of all of them. */
function growWithLayout(page: Page, n: number, positions: number[], model: string): Promise<number> {
  return page.evaluate(async ({ n, positions, model }) => {
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const r = indexedDB.open('glimpse');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    type Row = { id: number; sha256: string; name: string; path: string };
    const read = db.transaction(['images', 'thumbs', 'vectors']);
    const [rows, thumbs, vectors] = (await Promise.all(
      ['images', 'thumbs', 'vectors'].map((store) => new Promise((ok, fail) => {
        const r = read.objectStore(store).getAll();
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      })),
    )) as [Row[], unknown[], unknown[]];
    const ids = rows.map((r) => r.id);
    let id = Math.max(...ids) + 1;
    while (ids.length < n) {
      const tx = db.transaction(['images', 'thumbs', 'vectors'], 'readwrite');
      for (let i = 0; i < 500 && ids.length < n; i++, id++) {
        const k = ids.length % rows.length;
        const row = rows[k]!;
        tx.objectStore('images').put({ ...row, id, sha256: `${row.sha256}-copy-${id}`, name: `copy-${id}-${row.name}`, path: `copy-${id}-${row.path}` });
        tx.objectStore('thumbs').put(thumbs[k], id);
        tx.objectStore('vectors').put(vectors[k], id);
        ids.push(id);
      }
      await new Promise((ok, fail) => ((tx.oncomplete = ok), (tx.onerror = () => fail(tx.error))));
    }
    const tx = db.transaction('meta', 'readwrite');
    tx.objectStore('meta').put({ key: 'map-layout:visual', value: { space: 'visual', model, seed: 17, ids: Int32Array.from(ids), positions: Float32Array.from(positions), laidOut: ids.length, placed: 0 } });
    await new Promise((ok) => (tx.oncomplete = ok));
    db.close();
    return ids.length;
  }, { n, positions, model });
}

/** Drags and wheels over the map for a while; per-frame draw ms (the app's own probe) and rAF intervals. */
async function panAndZoom(page: Page): Promise<{ draw: number[]; interval: number[] }> {
  const box = (await page.getByTestId('map-view').boundingBox())!;
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  // A string, not a function: tsx would wrap a named function in a helper the page lacks.
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__stop = false;
    const tick = (t) => { window.__frames.push(t); if (!window.__stop) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  const before = (await page.evaluate(() => window.__glimpse!.mapFrameMs())).length;
  for (let round = 0; round < 3; round++) {
    // Zoom in step by step (thumbnails appear), pan around, zoom back out.
    for (let i = 0; i < 12; i++) {
      await page.mouse.move(cx + 40 * Math.sin(i), cy + 30 * Math.cos(i));
      await page.mouse.wheel(0, -120);
      await page.waitForTimeout(16);
    }
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let i = 0; i < 40; i++) await page.mouse.move(cx + 200 * Math.sin(i / 6), cy + 120 * Math.cos(i / 6), { steps: 2 });
    await page.mouse.up();
    for (let i = 0; i < 12; i++) {
      await page.mouse.wheel(0, 120);
      await page.waitForTimeout(16);
    }
  }
  const frames = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __stop: boolean };
    w.__stop = true;
    return w.__frames;
  });
  const draw = (await page.evaluate(() => window.__glimpse!.mapFrameMs())).slice(before);
  return { draw, interval: frames.slice(1).map((t, i) => t - frames[i]!) };
}

/** The map figures of bench:ui. `url` serves the built app. */
export async function benchMap(browser: Browser, url: string, log: (s: string) => void = console.log): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 850 } });
  const page = await context.newPage();
  await page.addInitScript(() => localStorage.setItem('glimpse.captions', JSON.stringify({ atOnce: 1, total: 1 })));
  await page.goto(`${url}?models=test/tiny&testHooks`);
  await page.getByTestId('add-files').setInputFiles(sharedImages(20));
  await page.getByTestId('index-done').waitFor({ state: 'attached', timeout: 300_000 });
  let tenK: number[] = [];
  for (const n of [1000, 10_000]) {
    const { graph, buildMs, searchMs } = await forestGraph(n);
    const { ms, positions } = await layoutInApp(page, graph);
    log(`map layout, ${n} photos (generated 768-d vectors): neighbour graph ${searchMs.toFixed(0)} ms (${n} forest searches, k ${K}, searchK ${SEARCH_K}, Node, in-memory store; forest built in ${buildMs.toFixed(0)} ms), UMAP ${ms.toFixed(0)} ms (umap-js in the app's map worker, Chromium); total ${(searchMs + ms).toFixed(0)} ms`);
    if (n === 10_000) tenK = positions;
  }
  const total = await growWithLayout(page, 10_000, tenK, 'Xenova/vit-gpt2-image-captioning');
  // Mapping ids: the stored layout holds every row's id, in row order, with the 10k positions.
  await page.goto(`${url}?models=test/tiny&testHooks#/map`);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="map-view"]')?.getAttribute('data-count')) > 0, undefined, { timeout: 120_000 });
  const shown = await page.getByTestId('map-view').getAttribute('data-count');
  const { draw, interval } = await panAndZoom(page);
  log(`map of ${total} photos (${shown} drawn at the fitted view), panning and zooming: draw time per frame p50 ${pct(draw, 50).toFixed(1)} ms, p95 ${pct(draw, 95).toFixed(1)} ms, max ${Math.max(...draw).toFixed(1)} ms over ${draw.length} frames; frame interval p50 ${pct(interval, 50).toFixed(1)} ms, p95 ${pct(interval, 95).toFixed(1)} ms (target ≤ 16 ms)`);
  await context.close();
}
