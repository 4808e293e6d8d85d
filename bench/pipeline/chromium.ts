// The pipeline in headless Chromium (onnxruntime-web WASM): the BUILT app served by vite preview,
// driven through `?testHooks` (window.__glimpse), plus a bench page on the same origin whose worker
// seeds a synthetic library and times text queries through workers/lib/library.ts.
// Every phase runs in its own on-disk profile (a persistent context in a fresh temp folder):
// incognito contexts keep IndexedDB in memory, which is not what a person's browser does.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { preview } from 'vite';
import { benchRoutes, buildPages } from './chromium-pages.ts';
import type { GlimpseTestHooks } from '../../src/ui/test-hooks.ts';
import { summarize } from './summarize.ts';
import { dist, median } from './stats.ts';
import { splitLine } from './search-split.ts';
import type { SearchSteps } from '../../workers/lib/search-steps.ts';
import type { SeedReport, SeedSpec } from './synthetic.ts';
import type { CaptionProbe, EnvReport, ImageTiming, IndexRun, QueryReport } from './types.ts';
import type { AppWorkerRequest, CaptionProbeRequest, QueryRequest, QueryResult, SeedRequest } from './web/api.ts';
import { benchModelConfig } from './models.ts';
import { ingestSideBySide } from './ingest-compare.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The browser tests' flags (test/browser/helpers/browser.ts).
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

export interface ChromiumOptions {
  repoRoot: string;
  /** Where the app is built (never dist/, which the tests use). */
  appOutDir: string;
  webOutDir: string;
  imageDir: string;
  captionsFile: string;
  files: string[];
  captionCounts: number[];
  maxNewTokens: number;
  thumbSize: number;
  /** Index each photo with OCR off first (then remove it), to compare side by side. */
  ocrCompare?: boolean;
  /** Each pass also indexes the photos through the queue (caption batches, lib/queue-batch.ts), side by side. */
  queueCompare?: boolean;
  /** models/<folder>/ as the page's `?models=` */
  modelsFolder: string;
  /** coldRuns: browser restarts timing the app worker's first search (the report gives their median). */
  query?: { spec: SeedSpec; queries: string[]; warmup: string[]; appQueries: number; appPageTimeoutMs: number; coldRuns: number; warmAfterMs?: number };
  /** A second build of the app (e.g. main's, for a before/after): its analysis worker is served
   *  at /__old/ on the same origin (same library, same cached models) and each cold restart times
   *  both workers, alternating which goes first. */
  compareDist?: string;
  /** With compareDist: the indexing passes run side by side with that build's app instead (ingest-compare.ts), this many rounds each. */
  ingestRounds?: number;
  /** With compareDist: a photo outside `files` that stays in each side's library (see ingest-compare.ts). */
  anchorFile?: string;
  /** Diagnostic: the captioner alone, per dtype, on these photos. */
  probe?: { dtypes: string[]; files: string[] };
  log: (s: string) => void;
}

type Hooks = GlimpseTestHooks;
type AddOutcome = Awaited<ReturnType<Hooks['addImage']>>;
type BenchWindow = { __benchFiles?: File[] };

/** A browser on a profile folder: relaunching on the same folder is a real cold start with warm disk caches. */
const liveProfiles = new Set<string>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const dir of liveProfiles) rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });
}

export class Profile {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'glimpse-bench-pipeline-'));
  constructor() {
    liveProfiles.add(this.dir);
  }
  launch(): Promise<BrowserContext> {
    return chromium.launchPersistentContext(this.dir, { executablePath: CHROMIUM, args: ARGS, headless: true });
  }
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
    liveProfiles.delete(this.dir);
  }
}

async function withProfile<T>(fn: (p: Profile) => Promise<T>): Promise<T> {
  const p = new Profile();
  try {
    return await fn(p);
  } finally {
    p.remove();
  }
}

export async function firstPage(context: BrowserContext, o: ChromiumOptions, tag: string): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => o.log(`chromium [${tag}] page error: ${String(e)}`));
  page.on('console', (m) => {
    if (m.text().startsWith('seed:')) o.log(`chromium: ${m.text()}`);
  });
  return page;
}

export async function openApp(page: Page, base: string, modelsFolder: string): Promise<void> {
  await page.goto(`${base}?testHooks&models=${modelsFolder}`);
  await page.waitForFunction(() => window.__glimpse !== undefined, null, { timeout: 60_000 });
}

async function openBenchPage(page: Page, base: string): Promise<void> {
  await page.goto(`${base}__bench/index.html`);
  await page.waitForFunction(() => window.__pipelineBench !== undefined, null, { timeout: 60_000 });
}

/** range: only those of the page's photos, [start, end) (end null: to the last). */
export async function indexRun(page: Page, captionCount: number, o: ChromiumOptions, range: [number, number | null] = [0, null]): Promise<{ run: IndexRun; ids: number[] }> {
  const r = await page.evaluate(
    async ({ captionCount, maxNewTokens, thumbSize, ocrCompare, range }) => {
      const files = (window as unknown as BenchWindow).__benchFiles!.slice(range[0], range[1] ?? undefined);
      const out: { name: string; outcome: AddOutcome; wallMs: number; offMs?: number }[] = [];
      let offTotal = 0;
      const start = performance.now();
      for (const f of files) {
        let offMs: number | undefined;
        if (ocrCompare) {
          const t0 = performance.now();
          const off = await window.__glimpse!.addImage(f, f.name, undefined, { captionCount, maxNewTokens, thumbSize, ocr: false });
          offMs = performance.now() - t0;
          offTotal += offMs;
          if (off.status === 'indexed') await window.__glimpse!.removeImages([off.id]);
        }
        const t = performance.now();
        const outcome = await window.__glimpse!.addImage(f, f.name, undefined, { captionCount, maxNewTokens, thumbSize, ocr: true });
        out.push({ name: f.name, outcome, wallMs: performance.now() - t, ...(offMs === undefined ? {} : { offMs }) });
      }
      return { wallMs: performance.now() - start - offTotal, out };
    },
    { captionCount, maxNewTokens: o.maxNewTokens, thumbSize: o.thumbSize, ocrCompare: !!o.ocrCompare, range },
  );
  if (o.queueCompare) {
    const ids = r.out.flatMap((x) => (x.outcome.status === 'indexed' ? [x.outcome.id] : []));
    await page.evaluate((ids) => window.__glimpse!.removeImages(ids), ids);
    const q = await page.evaluate(
      async ({ captionCount, maxNewTokens, thumbSize }) => {
        const files = (window as unknown as BenchWindow).__benchFiles!;
        const start = performance.now();
        const queued = await window.__glimpse!.enqueueFiles(files.map((f) => ({ file: f, path: f.name })));
        const out: string[] = [];
        for (const id of queued) out.push((await window.__glimpse!.indexQueued(id, { captionCount, maxNewTokens, thumbSize, ocr: true })).status);
        return { wallMs: performance.now() - start, out };
      },
      { captionCount, maxNewTokens: o.maxNewTokens, thumbSize: o.thumbSize },
    );
    if (q.out.some((s) => s !== 'indexed')) throw new Error(`queue pass: ${q.out.join(', ')}`);
    const n = r.out.length;
    o.log(`chromium: queue side by side, captions=${captionCount}, ${n} photos: addImage one by one ${(r.wallMs / n).toFixed(0)} ms/photo (${((1000 * n) / r.wallMs).toFixed(2)}/s), queue in caption batches ${(q.wallMs / n).toFixed(0)} ms/photo (${((1000 * n) / q.wallMs).toFixed(2)}/s) → time per photo ×${(q.wallMs / r.wallMs).toFixed(2)}`);
    // The queue pass's images stay: the caller reads and removes them under the addImage pass's outcomes.
    const byName = new Map(await page.evaluate(async () => (await window.__glimpse!.listLibrary()).map((i) => [i.name, i.id] as const)));
    for (const x of r.out) if (x.outcome.status === 'indexed') x.outcome = { ...x.outcome, id: byName.get(x.name) ?? -1 };
  }
  const offs = r.out.map((x) => x.offMs).filter((x): x is number => x !== undefined);
  if (offs.length) {
    const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;
    const on = r.out.map((x) => x.wallMs);
    const stage = (k: 'textDetect' | 'ocr' | 'caption'): number => med(r.out.map((x) => (x.outcome.status === 'indexed' ? x.outcome.stageMs[k] : 0)));
    o.log(
      `chromium: OCR side by side, ${offs.length} photos: off ${med(offs).toFixed(0)} ms, on ${med(on).toFixed(0)} ms per photo (median) → ×${(med(on) / med(offs)).toFixed(3)}; ` +
        `sums ${offs.reduce((a, b) => a + b, 0).toFixed(0)} / ${on.reduce((a, b) => a + b, 0).toFixed(0)} ms (×${(on.reduce((a, b) => a + b, 0) / offs.reduce((a, b) => a + b, 0)).toFixed(3)}); ` +
        `stages on: caption ${stage('caption').toFixed(0)}, textDetect ${stage('textDetect').toFixed(0)}, ocr ${stage('ocr').toFixed(0)} ms`,
    );
  }
  const ids: number[] = [];
  const perImage: ImageTiming[] = [];
  for (const x of r.out) {
    if (x.outcome.status !== 'indexed') throw new Error(`${x.name}: ${JSON.stringify(x.outcome)}`);
    ids.push(x.outcome.id);
    perImage.push({ name: x.name, stageMs: x.outcome.stageMs, wallMs: x.wallMs, captions: [] });
  }
  const details = await page.evaluate((ids) => Promise.all(ids.map((id) => window.__glimpse!.imageDetail(id))), ids);
  details.forEach((d, i) => (perImage[i]!.captions = [...(d?.row.record.captions ?? [])]));
  return { run: summarize(captionCount, o.maxNewTokens, perImage, r.wallMs), ids };
}

/** The app page opened, its models loaded and the photos in it as Files (a picked folder's files
 *  are local too): none of it part of the timing. */
export async function appReady(page: Page, base: string, o: ChromiumOptions, tag = ''): Promise<{ info: Awaited<ReturnType<Hooks['loadModels']>>; ms: number; crossOriginIsolated: boolean; cores: number; userAgent: string }> {
  await openApp(page, base, o.modelsFolder);
  const load = await page.evaluate(async () => {
    const t = performance.now();
    const info = await window.__glimpse!.loadModels();
    return { info, ms: performance.now() - t, crossOriginIsolated, cores: navigator.hardwareConcurrency, userAgent: navigator.userAgent };
  });
  o.log(`chromium: ${tag}models loaded in ${Math.round(load.ms)} ms (${load.info.backend}, ${load.info.threads} threads, crossOriginIsolated ${load.crossOriginIsolated})`);
  await page.evaluate(async (names) => {
    (window as unknown as BenchWindow).__benchFiles = await Promise.all(
      names.map(async (n) => {
        const res = await fetch(`/__bench/img/${encodeURIComponent(n)}`);
        if (!res.ok) throw new Error(`${n}: HTTP ${res.status}`);
        return new File([await res.blob()], n, { type: 'image/jpeg', lastModified: 0 });
      }),
    );
  }, o.files);
  return load;
}

async function indexing(base: string, o: ChromiumOptions): Promise<Pick<EnvReport, 'modelLoadMs' | 'runs' | 'runtime'>> {
  return withProfile(async (profile) => {
    const context = await profile.launch();
    try {
      const page = await firstPage(context, o, 'app');
      const load = await appReady(page, base, o);
      const runs: IndexRun[] = [];
      for (const count of o.captionCounts) {
        const startedAt = Date.now();
        const { run, ids } = await indexRun(page, count, o);
        Object.assign(run, { startedAt, endedAt: Date.now() });
        o.log(`chromium: captionCount ${count}: ${run.images} images in ${Math.round(run.wallMs)} ms → ${run.imagesPerSecond.toFixed(2)} images/s`);
        runs.push(run);
        await page.evaluate((ids) => window.__glimpse!.removeImages(ids), ids); // the next pass indexes the same photos again
      }
      return { modelLoadMs: load.ms, runs, runtime: { ...load.info, crossOriginIsolated: load.crossOriginIsolated, hardwareConcurrency: load.cores, userAgent: load.userAgent } };
    } finally {
      await context.close();
    }
  });
}

async function probeCaptions(base: string, o: ChromiumOptions, p: NonNullable<ChromiumOptions['probe']>): Promise<CaptionProbe[]> {
  const out: CaptionProbe[] = [];
  for (const dtype of p.dtypes) {
    out.push(
      await withProfile(async (profile) => {
        const context = await profile.launch();
        try {
          const page = await firstPage(context, o, 'probe');
          await openBenchPage(page, base);
          const req: CaptionProbeRequest = {
            config: benchModelConfig(`/models/${o.modelsFolder}/`, '/ort/'),
            dtype,
            imageUrls: p.files.map((f) => `/__bench/img/${encodeURIComponent(f)}`),
            captionCounts: [1, 3],
            maxNewTokens: o.maxNewTokens,
          };
          const r = await page.evaluate((req) => window.__pipelineBench!.probeCaption(req), req);
          o.log(`chromium: caption probe ${dtype}: load ${Math.round(r.loadMs)} ms; ${r.images.map((i) => `encode ${Math.round(i.encodeMs)} / c1 ${Math.round(i.captionMs['1'] ?? NaN)} / c3 ${Math.round(i.captionMs['3'] ?? NaN)} ms`).join('; ')}`);
          return r;
        } finally {
          await context.close();
        }
      }),
    );
  }
  return out;
}

/** The worker's startup marks as 'name @ms' (ms since the worker started). */
const traceLine = (trace: { name: string; at: number }[]): string => `worker marks: ${trace.map((m) => `${m.name} @${Math.round(m.at)}`).join(', ')}`;

/** The build's analysis worker, and its query worker where the build has one (served under `prefix`). */
function appWorkerUrls(appOutDir: string, prefix = ''): { workerUrl: string; queryWorkerUrl?: string } {
  const files = readdirSync(path.join(appOutDir, 'assets'));
  const name = files.find((f) => /^analysis\.worker-.*\.js$/.test(f));
  if (!name) throw new Error(`no analysis.worker-*.js in ${appOutDir}/assets`);
  const query = files.find((f) => /^query\.worker-.*\.js$/.test(f));
  return { workerUrl: `${prefix}/assets/${name}`, ...(query ? { queryWorkerUrl: `${prefix}/assets/${query}` } : {}) };
}

async function queries(base: string, o: ChromiumOptions, q: NonNullable<ChromiumOptions['query']>): Promise<Pick<EnvReport, 'query' | 'appQuery' | 'appPage'>> {
  const config = benchModelConfig(`/models/${o.modelsFolder}/`, '/ort/');
  const urls = appWorkerUrls(o.appOutDir);
  const coldQuery = q.queries[0]!;
  return withProfile(async (profile) => {
    // Session 1: seed the app's own database ('glimpse'), then one search by the app's worker so
    // the embedder is fetched (and cached) on this profile.
    let context = await profile.launch();
    let seed: SeedReport;
    let firstVisitColdMs: number;
    try {
      const page = await firstPage(context, o, 'bench');
      await openBenchPage(page, base);
      const seedReq: SeedRequest = { dbName: 'glimpse', spec: q.spec, captionsUrl: '/__bench/captions.json' };
      seed = await page.evaluate((req) => window.__pipelineBench!.seed(req), seedReq);
      const first = await page.evaluate((req) => window.__pipelineBench!.appWorkerSearch(req), { ...urls, config, coldQuery: q.warmup[0]!, warmup: [], queries: [] } satisfies AppWorkerRequest);
      firstVisitColdMs = first.coldMs;
      o.log(`chromium: first search ever on this profile (models fetched) ${Math.round(first.coldMs)} ms`);
    } finally {
      await context.close();
    }

    // Extra restarts, each timing only the app worker's first search: one cold start is a noisy
    // figure on a shared machine, so the report gives the median of all of them.
    const coldRunsMs: number[] = [];
    const oldRunsMs: number[] = [];
    const oldUrls = o.compareDist ? appWorkerUrls(o.compareDist, '/__bench/old') : undefined;
    // Side by side, each restart also times the warm searches of that worker (old and new alike).
    const warmBySide: Record<'old' | 'new', number[]> = { old: [], new: [] };
    const stepsBySide: Record<'old' | 'new', { pageMs: number; steps: SearchSteps }[]> = { old: [], new: [] };
    const coldOnce = async (i: number, side: { workerUrl: string; queryWorkerUrl?: string }, tag: 'old' | 'new'): Promise<number> => {
      context = await profile.launch();
      try {
        const page = await firstPage(context, o, 'bench');
        await openBenchPage(page, base);
        const query = q.queries[(i + 2) % q.queries.length]!;
        const warm = o.compareDist ? { warmup: q.warmup, queries: q.queries.slice(0, q.appQueries), warmAfterMs: q.warmAfterMs } : { warmup: [], queries: [] };
        const r = await page.evaluate((req) => window.__pipelineBench!.appWorkerSearch(req), { ...side, config, coldQuery: query, ...warm } satisfies AppWorkerRequest);
        warmBySide[tag].push(...r.warmMs);
        if (r.steps.length === r.warmMs.length) stepsBySide[tag].push(...r.steps.map((steps, k) => ({ pageMs: r.warmMs[k]!, steps })));
        const w = r.warmMs.length ? `; warm p50 ${dist(r.warmMs).p50.toFixed(1)} / p95 ${dist(r.warmMs).p95.toFixed(1)} ms` : '';
        o.log(`chromium: ${tag} app worker cold search after restart #${i}: ${Math.round(r.coldMs)} ms${w}; ${traceLine(r.trace)}`);
        return r.coldMs;
      } finally {
        await context.close();
      }
    };
    for (let i = 1; i < q.coldRuns; i++) {
      if (!oldUrls) {
        coldRunsMs.push(await coldOnce(i, urls, 'new'));
        continue;
      }
      // Alternating which goes first: the one after a restart of the other finds warmer disk caches.
      for (const side of i % 2 ? ['new', 'old'] : ['old', 'new']) {
        if (side === 'new') coldRunsMs.push(await coldOnce(i, urls, 'new'));
        else oldRunsMs.push(await coldOnce(i, oldUrls, 'old'));
      }
    }
    if (oldUrls) {
      const mNew = median(coldRunsMs);
      const mOld = median(oldRunsMs);
      o.log(`chromium: cold search side by side over ${coldRunsMs.length} restarts each: old (${o.compareDist}) median ${Math.round(mOld)} ms [${oldRunsMs.map(Math.round).join(', ')}], new median ${Math.round(mNew)} ms [${coldRunsMs.map(Math.round).join(', ')}] → ×${(mNew / mOld).toFixed(2)}`);
      const [wOld, wNew] = [dist(warmBySide.old), dist(warmBySide.new)];
      for (const side of ['old', 'new'] as const) if (stepsBySide[side].length) o.log(`chromium: ${side} warm search split: ${splitLine(stepsBySide[side])}`);
      if (wOld.n && wNew.n) o.log(`chromium: warm search side by side (${wNew.n} searches each, all restarts): old p50 ${wOld.p50.toFixed(1)} / p95 ${wOld.p95.toFixed(1)} ms, new p50 ${wNew.p50.toFixed(1)} / p95 ${wNew.p95.toFixed(1)} ms → p50 ×${(wNew.p50 / wOld.p50).toFixed(2)}, p95 ×${(wNew.p95 / wOld.p95).toFixed(2)}`);
    }

    // Session 2: browser restarted on the same profile (disk caches warm, nothing in memory).
    context = await profile.launch();
    try {
      const page = await firstPage(context, o, 'bench');
      await openBenchPage(page, base);
      const app = await page.evaluate((req) => window.__pipelineBench!.appWorkerSearch(req), { ...urls, config, coldQuery, warmup: q.warmup, queries: q.queries.slice(0, q.appQueries), warmAfterMs: q.warmAfterMs } satisfies AppWorkerRequest);
      const appWarm = dist(app.warmMs);
      o.log(`chromium: app worker cold search after restart ${Math.round(app.coldMs)} ms (${traceLine(app.trace)}); warm p50 ${appWarm.p50.toFixed(1)} ms, p95 ${appWarm.p95.toFixed(1)} ms over ${appWarm.n}`);

      const req: QueryRequest = { dbName: 'glimpse', config, coldQuery: q.queries[1] ?? coldQuery, queries: q.queries, warmup: q.warmup };
      const r: QueryResult = await page.evaluate((req) => window.__pipelineBench!.queries(req), req);
      o.log(`chromium: bench worker cold query ${Math.round(r.cold.withWorkerStartMs)} ms (open ${Math.round(r.cold.openMs)}, embedder ${Math.round(r.cold.embedderLoadMs)}, query ${Math.round(r.cold.queryMs)})`);
      o.log(`chromium: bench worker warm query p50 ${r.warm.total.p50.toFixed(1)} ms, p95 ${r.warm.total.p95.toFixed(1)} ms over ${r.warm.queries}`);
      const query: QueryReport = {
        spec: q.spec,
        seed,
        warm: r.warm,
        cold: r.cold,
        notes: [
          `warm queries: bench worker (bench/pipeline/web) = workers/lib/library.ts over the app's IndexedDB on disk + the embedder via src/ml on onnxruntime-web WASM (${r.threads} threads, crossOriginIsolated ${r.crossOriginIsolated})`,
          "coldQueryMs: the app's own built analysis worker, driven directly (no UI), first search after a browser restart on the same profile (models cached; the median over --cold-runs restarts): worker start + Library.open alongside the embedder load (text search loads no captioner) + the query",
          'bench cold breakdown: a fresh bench worker after that (browser already warm): Library.open (lexical snapshot loaded and reconciled with the images keys, or rebuilt from the rows without one; both forests opened) / embedder load / first query',
          'thumbnails and int8 `vectors` rows are not seeded (text search never reads them)',
        ],
      };

      // The app page itself, UI running: its first search, bounded (the UI may be busy with the library).
      const appPage = await (async (): Promise<NonNullable<EnvReport['appPage']>> => {
        const t0 = performance.now();
        const work = (async () => {
          await openApp(page, base, o.modelsFolder);
          return page.evaluate(async (query) => {
            const t = performance.now();
            const rows = await window.__glimpse!.search(query, 60);
            const end = performance.now();
            return { searchMs: end - t, sinceNavigationMs: end, results: rows.length };
          }, q.queries[2] ?? coldQuery);
        })();
        const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), q.appPageTimeoutMs));
        const res = await Promise.race([work, timeout]);
        work.catch(() => {}); // closed with the browser if it timed out
        return res ?? { timedOutAfterMs: performance.now() - t0 };
      })();
      o.log(`chromium: app page first search ${appPage.searchMs !== undefined ? `${Math.round(appPage.searchMs)} ms (${Math.round(appPage.sinceNavigationMs!)} ms since navigation)` : `timed out after ${Math.round(appPage.timedOutAfterMs! / 1000)} s`}`);
      coldRunsMs.push(app.coldMs);
      return { query, appQuery: { coldMs: median(coldRunsMs), coldRunsMs, coldResults: app.coldResults, warm: appWarm, firstVisitColdMs }, appPage };
    } finally {
      await context.close();
    }
  });
}

export async function runChromium(o: ChromiumOptions): Promise<EnvReport> {
  const built = await buildPages(o);
  const server = await preview({
    root: o.repoRoot,
    logLevel: 'warn',
    build: { outDir: o.appOutDir },
    preview: { port: 0, host: '127.0.0.1', strictPort: false },
    plugins: [benchRoutes(o.webOutDir, o.imageDir, o.captionsFile, o.compareDist)],
  });
  const base = server.resolvedUrls?.local[0];
  if (!base) throw new Error('vite preview did not report a URL');
  try {
    const report: EnvReport = { env: 'chromium-wasm', runtime: {}, modelLoadMs: NaN, runs: [], notes: [] };
    if (o.captionCounts.length > 0 && o.compareDist) {
      const old = await preview({
        root: o.repoRoot,
        logLevel: 'warn',
        build: { outDir: o.compareDist },
        preview: { port: 0, host: '127.0.0.1', strictPort: false },
        plugins: [benchRoutes(o.webOutDir, o.imageDir, o.captionsFile)],
      });
      try {
        const oldBase = old.resolvedUrls?.local[0];
        if (!oldBase) throw new Error('vite preview (old build) did not report a URL');
        if (!o.anchorFile) throw new Error('ingest side by side needs an anchor photo besides the timed ones');
        Object.assign(report, await ingestSideBySide({ old: oldBase, new: base }, { ...o, compareDist: o.compareDist, anchorFile: o.anchorFile }, Math.max(1, o.ingestRounds ?? 3)));
      } finally {
        await old.close();
      }
    } else if (o.captionCounts.length > 0) Object.assign(report, await indexing(base, o));
    if (o.probe) report.captionProbe = await probeCaptions(base, o, o.probe);
    if (o.query) Object.assign(report, await queries(base, o, o.query));
    report.runtime = { ...report.runtime, appBuildMs: Math.round(built.appMs) };
    report.notes.push(`app built from the working tree into ${path.relative(o.repoRoot, o.appOutDir)} (dist/ is left alone), served by vite preview; each phase in a fresh on-disk Chromium profile`);
    report.notes.push('stages from addImage\'s stageMs; wall clock per image = the page\'s await of window.__glimpse.addImage (bridge + worker), photos already in memory as Files');
    return report;
  } finally {
    await server.close();
  }
}
