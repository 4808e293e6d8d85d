// npm run bench:memory [-- --n 4 --runs 1 --captions 1/1 --json]
// Peak memory while indexing with the full-size test models (npm run models:test:full), in headless
// Chromium, the built app driven as a person drives it (file picker → queue → index → search), the
// default settings beside the low-memory mode, each in a fresh browser, alternating, one run.
// What is measured:
// - peak RSS: the resident set of the renderer process that hosts the page and its workers (the
//   largest renderer; Chromium runs dedicated workers and their WASM threads in the page's process),
//   read from /proc/<pid>/status (VmRSS) every 25 ms from the first photo added to "all indexed".
//   It holds everything a phone's memory killer sees: JS heaps, WebAssembly memory, decoded images.
//   (The kernel's own high-water mark, VmHWM, is updated lazily and read lower than the samples here);
// - JS + WASM: performance.measureUserAgentSpecificMemory() (the page is cross-origin isolated;
//   eager with --enable-blink-features=ForceEagerMeasureMemory), the bytes per scope (Window,
//   DedicatedWorkerGlobalScope), which count each worker's WebAssembly memory; read once indexing is
//   done and the low-memory release had its turn, and again after a text search.
// Linux only (/proc). Figures are MB (2^20 bytes).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { build, preview } from 'vite';
import { ARGS, CHROMIUM } from '../test/browser/helpers/browser.ts';
import { parseArgs } from './lib/args.ts';

const root = path.resolve(import.meta.dirname, '..');
const args = parseArgs(process.argv.slice(2));
const n = Number(args.get('n') ?? 4);
const runs = Number(args.get('runs') ?? 1);
const [atOnce, total] = (args.get('captions') ?? '1/1').split('/').map(Number);
const json = args.get('json') === 'true';
const shared = process.env.GLIMPSE_SHARED_DATA ?? path.resolve(root, '../shared/data');
const modelsDir = path.join(root, 'models/test/full');
const log = (s: string): void => void (json ? process.stderr : process.stdout).write(`${s}\n`);

if (!existsSync(path.join(modelsDir, 'Xenova/vit-gpt2-image-captioning/onnx/decoder_model_merged_quantized.onnx'))) {
  console.error('The full-size test models are missing: run `npm run models:test:full` once (1.3 GB).');
  process.exit(2);
}

type Mode = 'default' | 'lowMemory';

interface ModeRun {
  mode: Mode;
  photos: number;
  baselineMB: number;
  peakRssMB: number;
  /** Renderer RSS once indexed (and, in low-memory mode, after the release). */
  idleRssMB: number;
  afterSearchRssMB: number;
  /** measureUserAgentSpecificMemory, per scope, MB. */
  jsWasmIdle: Record<string, number>;
  jsWasmAfterSearch: Record<string, number>;
  indexMs: number;
}

const statusOf = (pid: number): Record<string, number> => {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Object.fromEntries([...text.matchAll(/^(Vm\w+):\s+(\d+) kB/gm)].map((m) => [m[1]!, Number(m[2]) / 1024]));
  } catch {
    return {};
  }
};

async function jsWasm(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    type Breakdown = { bytes: number; attribution: { scope: string; url?: string }[] };
    const m = (await (performance as unknown as { measureUserAgentSpecificMemory(): Promise<{ breakdown: Breakdown[] }> }).measureUserAgentSpecificMemory()).breakdown;
    const out: Record<string, number> = {};
    for (const b of m) {
      for (const a of b.attribution) {
        const key = a.scope === 'DedicatedWorkerGlobalScope' ? `worker ${(a.url ?? '').split('/').pop()?.replace(/-[\w-]+\.js$/, '')}` : a.scope;
        out[key] = (out[key] ?? 0) + b.bytes / b.attribution.length / 2 ** 20;
      }
    }
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Math.round(v)]));
  });
}

async function runMode(base: string, mode: Mode, photos: string[]): Promise<ModeRun> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, '--enable-blink-features=ForceEagerMeasureMemory'], headless: true });
  try {
    const cdp = await browser.newBrowserCDPSession();
    const context = await browser.newContext();
    await context.addInitScript((plan) => localStorage.setItem('glimpse.captions', JSON.stringify(plan)), { atOnce, total });
    const page = await context.newPage();
    await page.goto(`${base}?testHooks&models=test/full${mode === 'lowMemory' ? '&lowMemory' : ''}`);
    await page.waitForFunction(() => window.__glimpse !== undefined);
    await page.getByTestId('empty-library').waitFor();
    const renderers = (await cdp.send('SystemInfo.getProcessInfo')).processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
    const rss = (pid: number): number => statusOf(pid)['VmRSS'] ?? 0;
    const pageRenderer = (): number => renderers.reduce((a, b) => (rss(a) >= rss(b) ? a : b));
    const baselineMB = rss(pageRenderer());
    const peaks = new Map<number, number>();
    const timer = setInterval(() => {
      for (const pid of renderers) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, rss(pid)));
    }, 25);
    const t = performance.now();
    try {
      await page.getByTestId('add-files').setInputFiles(photos);
      await page.getByTestId('index-done').waitFor({ state: 'attached', timeout: 30 * 60_000 });
    } finally {
      clearInterval(timer);
    }
    const indexMs = performance.now() - t;
    const pid = [...peaks.entries()].reduce((a, b) => (a[1] >= b[1] ? a : b))[0];
    const analysisAlive = (): boolean => page.workers().some((w) => w.url().includes('analysis.worker'));
    if (mode === 'lowMemory') {
      // The release: the analysis worker ends once the queue (and the background pass) is idle.
      const until = Date.now() + 120_000;
      while (analysisAlive() && Date.now() < until) await page.waitForTimeout(250);
      if (analysisAlive()) throw new Error('low-memory mode: the analysis worker was not released within 120 s of "all indexed"');
    }
    await page.waitForTimeout(3000); // the system takes back an ended worker's memory in its own time

    const idleRssMB = rss(pid);
    const jsWasmIdle = await jsWasm(page);
    await page.getByTestId('search-input').fill('a dog running on the grass');
    await page.getByTestId('result').first().waitFor({ timeout: 5 * 60_000 });
    await page.waitForTimeout(1000);
    const afterSearchRssMB = rss(pid);
    const jsWasmAfterSearch = await jsWasm(page);
    const photosIndexed = Number(await page.getByTestId('image-count').textContent());
    if (photosIndexed !== photos.length) throw new Error(`${mode}: ${photosIndexed} of ${photos.length} photos indexed`);
    return { mode, photos: photos.length, baselineMB, peakRssMB: peaks.get(pid) ?? 0, idleRssMB, afterSearchRssMB, jsWasmIdle, jsWasmAfterSearch, indexMs };
  } finally {
    await browser.close();
  }
}

const outDir = path.join(root, 'bench/out/memory-app');
log(`bench:memory: building the app into ${path.relative(root, outDir)}`);
await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
const server = await preview({ root, build: { outDir }, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
const base = server.resolvedUrls?.local[0];
if (!base) throw new Error('vite preview gave no URL');
const captions = JSON.parse(readFileSync(path.join(shared, 'captioned/captions.json'), 'utf8')) as { file: string }[];
const photos = captions.slice(0, n).map((c) => path.join(shared, 'captioned', c.file));

const results: ModeRun[] = [];
try {
  for (let r = 0; r < runs; r++) {
    const order: Mode[] = r % 2 === 0 ? ['default', 'lowMemory'] : ['lowMemory', 'default'];
    for (const mode of order) {
      const res = await runMode(base, mode, photos);
      results.push(res);
      log(
        `${mode}: peak RSS ${res.peakRssMB.toFixed(0)} MB (baseline ${res.baselineMB.toFixed(0)}) while indexing ${res.photos} photos in ${(res.indexMs / 1000).toFixed(0)} s; ` +
          `idle ${res.idleRssMB.toFixed(0)} MB, after a search ${res.afterSearchRssMB.toFixed(0)} MB; JS+WASM idle ${JSON.stringify(res.jsWasmIdle)}, after search ${JSON.stringify(res.jsWasmAfterSearch)}`,
      );
    }
  }
} finally {
  await server.close();
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const summary = (['default', 'lowMemory'] as const).map((mode) => {
  const rs = results.filter((r) => r.mode === mode);
  return { mode, peakRssMB: median(rs.map((r) => r.peakRssMB)), idleRssMB: median(rs.map((r) => r.idleRssMB)), afterSearchRssMB: median(rs.map((r) => r.afterSearchRssMB)), indexSeconds: median(rs.map((r) => r.indexMs)) / 1000 };
});
if (json) {
  console.log(JSON.stringify({ photos: n, runs, captions: `${atOnce}/${total}`, results, summary }, null, 2));
} else {
  log(`\nmedians of ${runs} run(s), ${n} photos, full-size test models, captions ${atOnce}/${total}:`);
  log('| setting | peak RSS while indexing | RSS once indexed | RSS after a search | indexing time |');
  log('| --- | --- | --- | --- | --- |');
  for (const s of summary) log(`| ${s.mode} | ${s.peakRssMB.toFixed(0)} MB | ${s.idleRssMB.toFixed(0)} MB | ${s.afterSearchRssMB.toFixed(0)} MB | ${s.indexSeconds.toFixed(0)} s |`);
}
