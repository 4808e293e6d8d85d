// bench:archive — export and import of a generated library through the built app in headless
// Chromium (tiny test models; no model runs in either). Profile A gets N generated photos written
// straight into IndexedDB by a bench page on the app's origin (bench/archive/seed.ts: the app's
// storage code, forests built in bulk; random vectors; 256-px WebP thumbnails made in the page
// from the 500 shared photos, as the app makes them, and cycled), then the app exports the
// library (Settings → Export; no save picker here, so it is streamed to a temporary file on disk
// and downloaded). A fresh profile B imports the downloaded file (Settings → Import), then again
// (everything already there). Printed: seconds, file size, and the peak JS heap of the page and of
// the analysis worker, sampled every 100 ms over CDP per target (Runtime.getHeapUsage: used heap,
// and used heap plus ArrayBuffer backing stores).
// Usage: npm run build && npm run bench:archive [-- --n 10000 --thumb 256 --json --dist DIR --keep FILE]
// --dist: serve another build of the app (e.g. main's, for old vs new in one session; the seed page
// is always this tree's). --keep: copy the exported file there (to look into its entries).
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { preview } from 'vite';
import { generateTestModels } from '../scripts/onnx/generate.ts';
import { ARGS, CHROMIUM } from '../test/browser/helpers/browser.ts';
import { captionedEntries } from '../test/browser/helpers/library-page.ts';
import { importFile } from '../test/browser/helpers/transfer-page.ts';
import type { SeedReport, SeedSpec } from './archive/seed.ts';
import { buildSeedPage, seedPageRoute } from './lib/seed-page.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('n', 10_000);
const THUMB = arg('thumb', 256);
const JSON_OUT = process.argv.includes('--json');
const strArg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const root = path.resolve(import.meta.dirname, '..');
const DIST = path.resolve(root, strArg('dist') ?? 'dist');
const KEEP = strArg('keep');
const webOut = path.join(root, 'bench/out/archive-web');
const log = (s: string): void => console.log(s);
const MB = (b: number): string => (b / 2 ** 20).toFixed(1);


interface Peak {
  used: number;
  withBuffers: number;
}

/** Peak heap of the page and of each of its workers, sampled over CDP (workers through non-flat target sessions). */
class HeapSampler {
  readonly page: Peak = { used: 0, withBuffers: 0 };
  readonly workers = new Map<string, Peak & { url: string }>();
  private readonly sessions = new Map<string, string>();
  private readonly pending = new Map<number, (v: { usedSize: number; backingStorageSize?: number } | undefined) => void>();
  private nextId = 1;
  private timer: ReturnType<typeof setInterval> | undefined;

  private constructor(private readonly cdp: CDPSession) {
    cdp.on('Target.attachedToTarget', (e: { sessionId: string; targetInfo: { type: string; url: string } }) => {
      if (e.targetInfo.type === 'worker') this.sessions.set(e.sessionId, e.targetInfo.url);
    });
    cdp.on('Target.detachedFromTarget', (e: { sessionId: string }) => this.sessions.delete(e.sessionId));
    cdp.on('Target.receivedMessageFromTarget', (e: { message: string }) => {
      const m = JSON.parse(e.message) as { id?: number; result?: { usedSize: number; backingStorageSize?: number } };
      if (m.id !== undefined) this.pending.get(m.id)?.(m.result);
      if (m.id !== undefined) this.pending.delete(m.id);
    });
  }

  static async attach(page: Page): Promise<HeapSampler> {
    const cdp = await page.context().newCDPSession(page);
    const s = new HeapSampler(cdp);
    await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
    return s;
  }

  private workerHeap(sessionId: string): Promise<{ usedSize: number; backingStorageSize?: number } | undefined> {
    const id = this.nextId++;
    const answer = new Promise<{ usedSize: number; backingStorageSize?: number } | undefined>((ok) => {
      this.pending.set(id, ok);
      setTimeout(() => ok(undefined), 2000);
    });
    void this.cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }) }).catch(() => {});
    return answer;
  }

  private async sample(): Promise<void> {
    const bump = (p: Peak, h: { usedSize: number; backingStorageSize?: number }): void => {
      p.used = Math.max(p.used, h.usedSize);
      p.withBuffers = Math.max(p.withBuffers, h.usedSize + (h.backingStorageSize ?? 0));
    };
    const page = (await this.cdp.send('Runtime.getHeapUsage').catch(() => undefined)) as { usedSize: number; backingStorageSize?: number } | undefined;
    if (page) bump(this.page, page);
    await Promise.all(
      [...this.sessions].map(async ([sessionId, url]) => {
        const h = await this.workerHeap(sessionId);
        if (!h) return;
        const peak = this.workers.get(sessionId) ?? { used: 0, withBuffers: 0, url };
        bump(peak, h);
        this.workers.set(sessionId, peak);
      }),
    );
  }

  start(): void {
    this.page.used = this.page.withBuffers = 0;
    this.workers.clear();
    let busy = false;
    this.timer = setInterval(() => {
      if (busy) return;
      busy = true;
      void this.sample().finally(() => (busy = false));
    }, 100);
  }

  async stop(): Promise<{ page: Peak; worker: Peak & { url: string } }> {
    clearInterval(this.timer);
    await this.sample();
    const worker = [...this.workers.values()].sort((a, b) => b.withBuffers - a.withBuffers)[0] ?? { used: 0, withBuffers: 0, url: '' };
    return { page: { ...this.page }, worker };
  }
}

async function profile(dir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, args: ARGS, headless: true, acceptDownloads: true });
}

async function openApp(page: Page, url: string): Promise<void> {
  // No save picker: the export streams into a temporary file on disk, which is then downloaded.
  await page.addInitScript(() => {
    delete (window as unknown as { showSaveFilePicker?: unknown }).showSaveFilePicker;
    delete (Window.prototype as unknown as { showSaveFilePicker?: unknown }).showSaveFilePicker;
  });
  await page.goto(`${url}?testHooks&models=test/tiny#/settings`);
  await page.waitForFunction(() => window.__glimpse !== undefined);
}

async function main(): Promise<void> {
  if (!existsSync(path.join(DIST, 'index.html'))) throw new Error(`${DIST} has no index.html: run \`npm run build\` first.`);
  generateTestModels({ size: 'tiny' });
  await buildSeedPage(webOut);
  const server = await preview({ root, build: { outDir: DIST }, preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn', plugins: [seedPageRoute('glimpse-bench-archive', webOut)] });
  const url = server.resolvedUrls!.local[0]!;
  const work = mkdtempSync(path.join(tmpdir(), 'glimpse-bench-archive-'));
  const file = path.join(work, 'library.glimpse');
  const out: Record<string, number | string> = { n: N, thumbPx: THUMB, dist: path.relative(root, DIST) || DIST };
  try {
    // Profile A: seed, then export.
    const a = await profile(path.join(work, 'a'));
    try {
      let page = a.pages()[0] ?? (await a.newPage());
      await page.goto(`${url}__bench/index.html`);
      await page.waitForFunction(() => '__archiveBench' in window);
      const entries = captionedEntries();
      const seeded = await page.evaluate((spec: SeedSpec) => (window as unknown as { __archiveBench: { seed(s: SeedSpec): Promise<SeedReport> } }).__archiveBench.seed(spec), { n: N, textDim: 384, visualDim: 768, thumbPx: THUMB, seed: 3, entries });
      log(`seeded ${N} photos in ${(seeded.ms / 1000).toFixed(1)} s (thumbnails ${MB(seeded.thumbBytes)} MB, ${(seeded.thumbBytes / N / 1024).toFixed(1)} KB each; vectors 384-d text, 768-d visual)`);
      // A new page for the app: the bench page's garbage must not count in the app's heap.
      await page.close();
      page = await a.newPage();
      await openApp(page, url);
      const sampler = await HeapSampler.attach(page);
      await page.getByTestId('export-library').waitFor();
      await page.waitForFunction((n) => window.__glimpse!.libraryStatus().then((s) => s.count === n), N);
      // The app opened the library (forests, lexical snapshot) on load; export starts from there.
      await page.waitForTimeout(2000);
      sampler.start();
      const download = page.waitForEvent('download', { timeout: 30 * 60_000 });
      const t = Date.now();
      await page.getByTestId('export-library').click();
      await page.getByTestId('export-done').or(page.getByTestId('export-error')).waitFor({ timeout: 30 * 60_000 });
      const exportS = (Date.now() - t) / 1000;
      const heap = await sampler.stop();
      log(`export: ${exportS.toFixed(1)} s — ${(await page.getByTestId('export-done').or(page.getByTestId('export-error')).textContent())?.trim()}`);
      await (await download).saveAs(file);
      const size = statSync(file).size;
      if (KEEP) copyFileSync(file, KEEP);
      log(`  file ${MB(size)} MB (${(size / N / 1024).toFixed(1)} KB per photo)`);
      log(`  peak heap: page ${MB(heap.page.used)} MB (${MB(heap.page.withBuffers)} MB with ArrayBuffers), analysis worker ${MB(heap.worker.used)} MB (${MB(heap.worker.withBuffers)} MB with ArrayBuffers)`);
      Object.assign(out, { exportS, fileBytes: size, exportPagePeakMB: +MB(heap.page.withBuffers), exportWorkerPeakMB: +MB(heap.worker.withBuffers), exportWorkerPeakUsedMB: +MB(heap.worker.used) });
    } finally {
      await a.close();
    }

    // Profile B: import into an empty library, then again.
    const b = await profile(path.join(work, 'b'));
    try {
      const page = b.pages()[0] ?? (await b.newPage());
      await openApp(page, url);
      const sampler = await HeapSampler.attach(page);
      await page.evaluate(() => window.__glimpse!.libraryStatus());
      await page.waitForTimeout(1000);
      sampler.start();
      let t = Date.now();
      const said = await importFile(page, file, 30 * 60_000);
      const importS = (Date.now() - t) / 1000;
      const heap = await sampler.stop();
      log(`import into an empty profile: ${importS.toFixed(1)} s — ${said}`);
      log(`  peak heap: page ${MB(heap.page.used)} MB (${MB(heap.page.withBuffers)} MB with ArrayBuffers), analysis worker ${MB(heap.worker.used)} MB (${MB(heap.worker.withBuffers)} MB with ArrayBuffers)`);
      t = Date.now();
      const again = await importFile(page, file, 30 * 60_000);
      const againS = (Date.now() - t) / 1000;
      log(`import again (every photo already there): ${againS.toFixed(1)} s — ${again}`);
      t = Date.now();
      const check = await page.evaluate(() => window.__glimpse!.checkLibrary());
      log(`consistency check: ${check.problems.length} problems, ${check.counts.images} photos, forests text ${check.counts.text} / visual ${check.counts.visual} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
      Object.assign(out, { importS, importPagePeakMB: +MB(heap.page.withBuffers), importWorkerPeakMB: +MB(heap.worker.withBuffers), importWorkerPeakUsedMB: +MB(heap.worker.used), reimportS: againS, problems: check.problems.length, imported: check.counts.images });
    } finally {
      await b.close();
    }
  } finally {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
  if (JSON_OUT) console.log(JSON.stringify(out));
}

await main();
