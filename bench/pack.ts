// bench:pack — issue 15's targets for the static pack. Builds (or reuses, under /tmp) a pack of
// --n generated photos with the pack command's own writer (bench/pack/build.ts), serves it and the
// built app through a slow link (bench/pack/server.ts: +50 ms per request, 20 Mbit/s shared,
// HTTP/1.1, or HTTP/2 with --http2) and prints:
// - recall@10 of the pack's text forest read over HTTP by the app's reader, against exact search
//   over the vectors packed (Node, unthrottled: recall does not depend on the link);
// - in headless Chromium (the built app, ?pack=/pack/, test models; a first visit has already
//   cached the app and the embedder, then the pack's part cache is emptied and pack files are
//   no-store): the first text result's time from the page being ready (search box shown) and the
//   pack bytes fetched until then (the pack's only: app and models are not counted), then each later
//   query's pack bytes and times (p50). Times run from typing the query, so they include the
//   search box's debounce (SEARCH_DEBOUNCE_MS); printed also without it;
// - what fetching the whole pack first would cost over the same link (every file, 6 at a time;
//   computed from the link unless --whole measure).
// --profile <file.json> / --profile-later <file.json>: Chromium's trace of the first query / of the later ones, self time by
// thread and function printed (bench/pack/profile.ts).
// --timeline prints each query's requests over time and the spans with none in flight, and the analysis
// worker's startup marks (the page is opened with &testHooks for them);
// --trace prints each query's requests by kind of part and in how many rounds (bench/pack/trace.ts);
// --no-sw blocks the service worker (to see what it costs a query); --diag prints the warm-up's
// console and its pack requests every 5 s.
// CHROMIUM_ARGS=<switches> in the environment adds Chromium switches (e.g. --js-flags=--no-liftoff,
// to see what WebAssembly's baseline tier costs a first query).
// --dist DIR serves another build of the app (e.g. main's, built in a `git archive` copy) against
// the same pack, for old and new side by side in one session.
// Usage: npm run build && npm run bench:pack [-- --n 100000 --queries 20 --models bench --whole measure --http2 --trace --json --dist DIR]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { preview } from 'vite';
import { ARGS, CHROMIUM } from '../test/browser/helpers/browser.ts';
import { SEARCH_DEBOUNCE_MS } from '../src/ui/search-debounce.ts';
import { parseArgs } from './lib/args.ts';
import { percentile } from './lib/stats.ts';
import { heldOutQueries } from './pipeline/synthetic.ts';
import { captionedEntries } from '../test/browser/helpers/library-page.ts';
import { ensurePack, type PackSpec } from './pack/build.ts';
import { idsOfRows, packRecall } from './pack/recall.ts';
import { slowLink, type Link } from './pack/server.ts';
import { formatTrace, partKinds, timelineOf, traceOf, type QueryTrace } from './pack/trace.ts';
import { startProfile, stopProfile } from './pack/profile.ts';

const args = parseArgs(process.argv.slice(2));
const num = (k: string, d: number): number => Number(args.get(k) ?? d);
const spec: PackSpec = { n: num('n', 100_000), queries: num('queries', 20), textDim: 384, visualDim: 768, thumbs: num('thumbs', 1000), seed: num('seed', 7) };
/** Test models whose embedder gives the pack's text width (npm run models:test:bench), so text queries read the forest. */
const MODELS = args.get('models') ?? 'bench';
const LATENCY = num('latency', 50), MBIT = num('mbit', 20);
const JSON_OUT = args.get('json') === 'true';
const HTTP2 = args.get('http2') === 'true';
const TRACE = args.get('trace') === 'true';
/** Also each query's requests by kind over time and the spans with none in flight (bench/pack/trace.ts timelineOf). */
const TIMELINE = args.get('timeline') === 'true';
/** --profile <file.json>: Chromium's trace of the first query (V8 samples on every thread) kept there, and its self time by thread and function printed. */
const PROFILE = args.get('profile');
/** --profile-later <file.json>: the same for the later queries together. */
const PROFILE_LATER = args.get('profile-later');
/** --no-sw: the service worker blocked (how much of a query's time it takes). */
const NO_SW = args.get('sw') === 'false';
/** CHROMIUM_ARGS (environment, space-separated): more Chromium switches, e.g. CHROMIUM_ARGS=--js-flags=--no-liftoff (diagnosis only: no visitor runs so). */
const EXTRA_ARGS = (process.env.CHROMIUM_ARGS ?? '').split(' ').filter((a) => a !== '');
/** --diag: during the warm-up query, every console message and the pack requests every 5 s (what a stuck query waits on). */
const DIAG = args.get('diag') === 'true';

const root = path.resolve(import.meta.dirname, '..');
/** The built app served: this tree's dist/, or --dist. */
const dist = path.resolve(root, args.get('dist') ?? 'dist');
const log = (s: string): void => {
  if (!JSON_OUT) console.log(s);
};
const KB = (b: number): string => `${(b / 1024).toFixed(0)} KB`;
const MB = (b: number): string => `${(b / 2 ** 20).toFixed(2)} MB`;

/** performance.now() when the last query was typed. */
let typedAt = 0;

/** ms from typing to the first results shown for each query: its keyword preview (Results.svelte's data-preview) or its answer. */
const shownMs: number[] = [];

/**
 * In the page, from its start: when the grid first showed each query's preview and answer (page
 * clock), so the preview's time is the answer's less the gap between them.
 */
function recordShown(): void {
  const w = window as unknown as { __shown: Record<string, number> };
  w.__shown = {};
  new MutationObserver(() => {
    const grid = document.querySelector<HTMLElement>('[data-testid="results-grid"]');
    for (const kind of ['preview', 'query'] as const) {
      const q = grid?.dataset[kind];
      if (q && !(`${kind}:${q}` in w.__shown)) w.__shown[`${kind}:${q}`] = performance.now();
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-query', 'data-preview'] });
}

/** Types `q` and waits until the grid shows its results (or says none); ms from typing. */
async function query(page: Page, q: string): Promise<number> {
  const t0 = (typedAt = performance.now());
  await page.getByTestId('search-input').fill(q);
  await page.waitForFunction(
    (q) => {
      const grid = document.querySelector<HTMLElement>('[data-testid="results-grid"]');
      return grid?.dataset.query === q || (document.querySelector('[data-testid="no-results"]') !== null && !grid);
    },
    q,
    { timeout: 120_000, polling: 'raf' },
  );
  const ms = performance.now() - t0;
  const seen = await page.evaluate(() => (window as unknown as { __shown?: Record<string, number> }).__shown ?? {});
  const early = seen[`preview:${q}`] !== undefined && seen[`query:${q}`] !== undefined ? seen[`query:${q}`]! - seen[`preview:${q}`]! : 0;
  shownMs.push(ms - Math.max(0, early));
  return ms;
}

/** Waits until every result thumbnail shown has loaded (their bytes are part of a query's cost). */
async function thumbsLoaded(page: Page): Promise<void> {
  // Only those in view: the grid's images load lazily.
  await page.waitForFunction(
    () =>
      Array.from(document.querySelectorAll<HTMLImageElement>('[data-testid="result"] img')).every((i) => {
        const r = i.getBoundingClientRect();
        return i.complete || r.bottom < 0 || r.top > innerHeight;
      }),
    undefined,
    { timeout: 60_000 },
  );
}

/**
 * Every file of the pack over the link, 6 at a time (a browser's connections per host): measured
 * with --whole measure (minutes at 100,000 photos), else what the link makes it: all bytes at the
 * link's rate plus one latency per request, 6 requests in flight.
 */
async function wholePack(link: Link, dir: string): Promise<{ bytes: number; seconds: number; files: number; measured: boolean }> {
  const files = ['pack.json', ...readdirSync(path.join(dir, 'p')).map((f) => `p/${f}`)];
  if (args.get('whole') !== 'measure') {
    const bytes = files.reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0);
    return { bytes, seconds: (bytes * 8) / (MBIT * 1e6) + (files.length * LATENCY) / 6 / 1000, files: files.length, measured: false };
  }
  const before = link.packBytes, t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (next < files.length) {
        const f = files[next++]!;
        await (await fetch(new URL(`pack/${f}`, link.url))).arrayBuffer();
      }
    }),
  );
  return { bytes: link.packBytes - before, seconds: (performance.now() - t0) / 1000, files: files.length, measured: true };
}

async function main(): Promise<void> {
  if (!statSync(path.join(dist, 'index.html'), { throwIfNoEntry: false })) throw new Error(`${dist} holds no built app: run npm run build first.`);
  // The page's query vectors come from the test embedder: when its width is not the pack's, the
  // browser's text queries skip the text forest and the times would leave its reads out. Refused.
  const config = path.join(root, `models/test/${MODELS}/Xenova/all-MiniLM-L6-v2/config.json`);
  const embedderDim = statSync(config, { throwIfNoEntry: false }) && (JSON.parse(readFileSync(config, 'utf8')) as { hidden_size?: number }).hidden_size;
  if (embedderDim !== spec.textDim) {
    throw new Error(`bench:pack: the test embedder in models/test/${MODELS} gives ${embedderDim || 'no'} vectors, the pack's text vectors are ${spec.textDim}-d, so text queries would not read the text forest. Run npm run models:test:bench (or pass --models with a ${spec.textDim}-d test embedder).`);
  }

  const t0 = performance.now();
  const { dir, manifest, base, query: qv, buildSeconds } = await ensurePack(spec, log);
  const manifestBytes = statSync(path.join(dir, 'pack.json')).size;
  log(`pack: ${dir} (${manifest.count} photos, ${MB(manifest.bytes)} of parts, pack.json ${KB(manifestBytes)}${buildSeconds ? `, built in ${buildSeconds.toFixed(0)} s` : ', cached'})`);

  const plain = await slowLink(dir, 'http://127.0.0.1:9/', 0, Infinity);
  const recall = await packRecall(`${plain.url}pack/`, base, qv, spec.textDim, idsOfRows(dir, manifest));
  plain.server.close();
  log(`recall@10 (${spec.queries} queries, text forest over HTTP vs exact): ${recall.recall.toFixed(3)}; ${KB(recall.bytesPerQuery)} read per query after open`);
  const app = await preview({ root, build: { outDir: dist }, preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
  log(`app: ${dist}`);
  const link = await slowLink(dir, app.resolvedUrls!.local[0]!, LATENCY, MBIT, HTTP2);
  // HTTP/2 needs TLS: the bench's certificate is self-signed.
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, ...(HTTP2 ? ['--ignore-certificate-errors'] : []), ...EXTRA_ARGS], headless: true });
  const texts = heldOutQueries(captionedEntries()).filter((q, i, all) => all.indexOf(q) === i);
  const queries = texts.slice(0, spec.queries + 2);
  const out: Record<string, unknown> = { http: HTTP2 ? 2 : 1.1, n: spec.n, queries: spec.queries, models: MODELS, latencyMs: LATENCY, mbit: MBIT, packBytes: manifest.bytes, manifestBytes, recall: recall.recall };
  try {
    const context = await browser.newContext({ ignoreHTTPSErrors: HTTP2, ...(NO_SW ? { serviceWorkers: 'block' as const } : {}) });
    log(`link: HTTP/${HTTP2 ? '2 over TLS' : '1.1'}, +${LATENCY} ms a request, ${MBIT} Mbit/s shared`);
    const url = `${link.url}?models=test/${MODELS}&pack=${encodeURIComponent('/pack/')}${TIMELINE ? '&testHooks' : ''}`;
    // First visit: the app and the embedder get cached; then the pack's parts are forgotten.
    const warm = await context.newPage();
    // A query that never shows results is a failure in the page: say what it printed.
    warm.on('console', (m) => {
      if (m.type() === 'error') console.error(`page: ${m.text()}`);
    });
    warm.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    if (DIAG) warm.on('console', (m) => console.error(`page ${m.type()}: ${m.text()}`));
    const diag = DIAG ? setInterval(() => {
      const t = link.trace, n = t.length, open = t.filter((e) => !e.done).length;
      console.error(`diag: ${n} requests, ${open} open, ${(link.packBytes / 1e6).toFixed(2)} MB; last: ${t.slice(-3).map((e) => `${e.file} ${e.range ?? ''}`).join(' | ')}`);
    }, 5000) : undefined;
    await warm.goto(url);
    await query(warm, queries[0]!);
    clearInterval(diag);
    await warm.evaluate(() => caches.delete('glimpse-pack-parts-v1'));
    await warm.close();

    const page = await context.newPage();
    await page.addInitScript(recordShown);
    if (PROFILE) await startProfile(browser, page);
    const b0 = link.packBytes, r0 = link.packRequests, openedAt = performance.now();
    await page.goto(url, { waitUntil: 'load' });
    await page.getByTestId('search-input').waitFor();
    const firstMs = await query(page, queries[1]!);
    const firstShownMs = shownMs[shownMs.length - 1]!;
    if (PROFILE) for (const line of await stopProfile(browser, PROFILE)) log(`  ${line}`);
    const firstBytes = link.packBytes - b0, firstRequests = link.packRequests - r0;
    const kinds = TRACE || TIMELINE ? partKinds(dir, manifest) : undefined;
    const traces: QueryTrace[] = [];
    const traced = (label: string, from: number, ms: number): void => {
      if (!kinds) return;
      const t = traceOf(link.trace, kinds, from, typedAt + ms);
      traces.push(t);
      log(`  ${label}: ${ms.toFixed(0)} ms, ${formatTrace(t)}`);
      if (TIMELINE) for (const line of timelineOf(link.trace, kinds, from, typedAt + ms)) log(`    ${line}`);
    };
    traced(`first query (requests from opening the page; page ready at ${(typedAt - openedAt).toFixed(0)} ms)`, openedAt, firstMs);
    if (TIMELINE) log(`    worker marks (ms since the worker started): ${(await page.evaluate(() => window.__glimpse!.startupTrace())).map((m) => `${m.name} ${m.at.toFixed(0)}`).join(', ')}`);
    await thumbsLoaded(page);
    const firstWithThumbs = link.packBytes - b0;
    log(`first text result: ${firstMs.toFixed(0)} ms from the page being ready (${(firstMs - SEARCH_DEBOUNCE_MS).toFixed(0)} ms after the debounce); pack bytes ${MB(firstBytes)} in ${firstRequests} requests, ${MB(firstWithThumbs)} with its thumbnails`);
    log(`first results shown (its keyword preview, or the answer if none came before): ${firstShownMs.toFixed(0)} ms from the page being ready`);
    const later: { ms: number; bytes: number; shownMs: number }[] = [];
    if (PROFILE_LATER) await startProfile(browser, page);
    for (const q of queries.slice(2)) {
      const b = link.packBytes;
      const ms = await query(page, q);
      traced(`"${q.slice(0, 40)}"`, typedAt, ms);
      await thumbsLoaded(page);
      later.push({ ms, bytes: link.packBytes - b, shownMs: shownMs[shownMs.length - 1]! });
    }
    if (PROFILE_LATER) for (const line of await stopProfile(browser, PROFILE_LATER)) log(`  ${line}`);
    const ms = later.map((l) => l.ms).sort((a, b) => a - b), bytes = later.map((l) => l.bytes).sort((a, b) => a - b);
    log(`later queries (${later.length}): p50 ${percentile(ms, 50).toFixed(0)} ms (${(percentile(ms, 50) - SEARCH_DEBOUNCE_MS).toFixed(0)} after the debounce), p90 ${percentile(ms, 90).toFixed(0)} ms; pack bytes p50 ${KB(percentile(bytes, 50))}, max ${KB(bytes[bytes.length - 1] ?? 0)}`);
    const shown = later.map((l) => l.shownMs).sort((a, b) => a - b);
    log(`later queries, first results shown (keyword preview or answer): p50 ${percentile(shown, 50).toFixed(0)} ms, p90 ${percentile(shown, 90).toFixed(0)} ms`);
    log(`pack requests came over HTTP/${[...link.versions].join(', ')}`);
    const whole = await wholePack(link, dir);
    log(`whole pack first: ${MB(whole.bytes)} in ${whole.files} files, ${whole.seconds.toFixed(0)} s over the same link (${whole.measured ? 'measured' : 'bytes at the link rate + 50 ms per request, 6 at a time; --whole measure to fetch it'})`);
    Object.assign(out, { httpVersions: [...link.versions], wholeMeasured: whole.measured, wholeFiles: whole.files, firstMs, firstMsAfterDebounce: firstMs - SEARCH_DEBOUNCE_MS, firstBytes, firstRequests, firstWithThumbs, firstShownMs, laterShownP50Ms: percentile(shown, 50), laterP50Ms: percentile(ms, 50), laterP90Ms: percentile(ms, 90), laterP50Bytes: percentile(bytes, 50), laterMaxBytes: bytes[bytes.length - 1], ...(TRACE ? { traces } : {}), wholeBytes: whole.bytes, wholeSeconds: whole.seconds, later });
    await context.close();
  } finally {
    await browser.close();
    link.server.close();
    await app.close();
  }
  out.seconds = (performance.now() - t0) / 1000;
  if (JSON_OUT) console.log(JSON.stringify(out, null, 2));
}

await main();
