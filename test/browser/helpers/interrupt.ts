// The kill loop shared by test/browser/interruptions.test.ts and bench/reliability.ts: photos are
// queued through the UI, then again and again the page is closed or its renderer crashed (CDP
// Page.crash) at a random, seeded moment while it indexes, and reopened. At the end the library
// is compared with what was added.
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { CheckReport } from '../../../src/bridge/bridge';

export interface KillLoopOptions {
  /** Photos to draw from, in order (absolute paths). */
  pool: string[];
  /** Queued at the start. */
  initial: number;
  /** Queued again whenever the queue ran dry before the last kill. */
  topUp: number;
  kills: number;
  seed: number;
  /** Longest wait after indexing is seen running, before the kill. */
  maxDelayMs: number;
  log?: (line: string) => void;
}

export interface KillLoopResult {
  kills: number;
  closes: number;
  crashes: number;
  /** Base names of every photo queued. */
  added: string[];
  /** Names of every image in the library at the end (one entry per row). */
  indexed: string[];
  /** Queued photos that are not in the library at the end. */
  lost: number;
  /** Library rows beyond one per distinct photo. */
  duplicated: number;
  report: CheckReport;
  queueLeft: number;
  seconds: number;
}

/** mulberry32: the same seed gives the same kill moments. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A new tab of the app with its test hooks (`hash`: a route such as '#/settings'), once they are there. */
export async function openWithHooks(context: BrowserContext, baseURL: string, hash = ''): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${baseURL}?testHooks&models=test/tiny${hash}`);
  await page.waitForFunction(() => window.__glimpse !== undefined);
  return page;
}

/** Cuts the page off: its renderer crashed (CDP Page.crash, waited for up to `crashTimeout` ms), or the tab closed. */
export async function killPage(context: BrowserContext, page: Page, crash: boolean, crashTimeout: number): Promise<void> {
  if (!crash) return page.close();
  const cdp = await context.newCDPSession(page);
  const crashed = page.waitForEvent('crash', { timeout: crashTimeout });
  cdp.send('Page.crash').catch(() => {}); // never answers: the renderer is gone
  await crashed;
  await page.close().catch(() => {});
}

/** Names queued or indexed, as the worker sees them. */
function knownNames(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const g = window.__glimpse!;
    const [queued, items] = await Promise.all([g.queuedFiles(), g.listLibrary()]);
    return [...queued.map((q) => q.name), ...items.map((i) => i.name)];
  });
}

async function queueFiles(page: Page, files: string[]): Promise<void> {
  await page.getByTestId('add-files').setInputFiles(files);
  // Killing before the enqueue transaction lands would lose files through no fault of indexing.
  const want = files.map((f) => path.basename(f));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const known = await knownNames(page);
    if (want.every((n) => known.includes(n))) return;
    if (Date.now() > deadline) throw new Error('the picked files never reached the queue');
    await page.waitForTimeout(50);
  }
}

/** The queue's state as the page shows it: 'running' (a photo being described), 'idle' (nothing left) or 'waiting'. */
async function phase(page: Page): Promise<'running' | 'idle' | 'waiting'> {
  if (await page.getByTestId('index-done').count()) return 'idle';
  if (await page.getByText('Describing and indexing').count()) return 'running';
  return 'waiting';
}

export async function killLoop(context: BrowserContext, baseURL: string, o: KillLoopOptions): Promise<KillLoopResult> {
  const started = Date.now();
  const random = seededRandom(o.seed);
  const log = o.log ?? (() => {});
  const added: string[] = [];
  let next = 0;
  let closes = 0, crashes = 0;
  const take = (n: number): string[] => {
    const files = o.pool.slice(next, next + n);
    next += files.length;
    added.push(...files.map((f) => path.basename(f)));
    return files;
  };

  let page = await openWithHooks(context, baseURL);
  await queueFiles(page, take(o.initial));
  for (let k = 0; k < o.kills; k++) {
    // Wait until a photo is being described (models loaded), topping the queue up if it ran dry.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const p = await phase(page);
      if (p === 'running') break;
      if (Date.now() > deadline) throw new Error(`indexing did not start within 60 s after reopening: ${await page.getByRole('alert').allTextContents()}`);
      if (p === 'idle') {
        if (next >= o.pool.length) throw new Error(`the pool of ${o.pool.length} photos ran out after ${k} kills`);
        await queueFiles(page, take(o.topUp));
      }
      await page.waitForTimeout(20);
    }
    const delay = Math.round(random() * o.maxDelayMs);
    const crash = random() < 0.5;
    await page.waitForTimeout(delay);
    const count = await page.getByTestId('image-count').textContent();
    await killPage(context, page, crash, 15_000);
    if (crash) crashes++;
    else closes++;
    log(`kill ${k + 1}/${o.kills}: ${crash ? 'crash' : 'close'} ${delay} ms after indexing was seen running (library showed ${count})`);
    page = await openWithHooks(context, baseURL);
  }

  await page.getByTestId('index-done').waitFor({ state: 'attached', timeout: 150_000 });
  const { indexed, report, queueLeft } = await page.evaluate(async () => {
    const g = window.__glimpse!;
    const [items, report, queue] = await Promise.all([g.listLibrary(), g.checkLibrary(), g.queuedFiles()]);
    return { indexed: items.map((i) => i.name), report, queueLeft: queue.length };
  });
  await page.close();
  const names = new Set(indexed);
  return {
    kills: closes + crashes,
    closes,
    crashes,
    added,
    indexed,
    lost: added.filter((n) => !names.has(n)).length,
    duplicated: indexed.length - names.size,
    report,
    queueLeft,
    seconds: (Date.now() - started) / 1000,
  };
}
