// npm run build && npm run bench:reliability [-- --kills 20 --seed 6 --json --no-write]
// Reliability of the built app in headless Chromium with the tiny test models:
//  1. the bad-file corpus (test/fixtures/bad-files.ts) added through the UI queue in one go: every
//     file must end indexed, rejected with a message naming it, skipped as a duplicate or skipped as
//     not an image; crashes (renderer, worker, uncaught errors) are counted;
//  2. the kill loop (test/browser/helpers/interrupt.ts): photos queued through the UI, the page
//     closed or its renderer crashed N times at seeded random moments while indexing, reopened;
//     lost and duplicated photos and the consistency check's problems are counted.
// Prints a table, rewrites its section of docs/RELIABILITY.md (unless --no-write) and, with
// --json, ends with one JSON line {"badKinds","crashes","kills","lost","duplicated","consistencyProblems"}.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { preview } from 'vite';
import { generateTestModels } from '../scripts/onnx/generate.ts';
import type { CheckReport } from '../src/bridge/bridge.ts';
import { makeBadFiles, type BadFile } from '../test/fixtures/bad-files.ts';
import { sharedImages } from '../test/browser/helpers/app-page.ts';
import { CHROMIUM, launch } from '../test/browser/helpers/browser.ts';
import { killLoop, type KillLoopResult } from '../test/browser/helpers/interrupt.ts';
import { parseArgs } from './lib/args.ts';

const args = parseArgs(process.argv.slice(2));
const KILLS = Number(args.get('kills') ?? 20);
const SEED = Number(args.get('seed') ?? 6);
const JSON_OUT = args.get('json') === 'true';
const WRITE = args.get('write') !== 'false';
const DOC = path.resolve(import.meta.dirname, '../docs/RELIABILITY.md');
const log = (s: string): void => void process.stderr.write(s + '\n');

interface BadRun {
  files: number;
  kinds: number;
  indexed: number;
  rejected: number;
  duplicates: number;
  skipped: number;
  /** Files with no outcome at all (neither in the library, nor reported, nor a duplicate, nor skipped). */
  unaccounted: string[];
  /** Outcomes other than the corpus records for Chromium (decoder-dependent files excepted). */
  unexpected: string[];
  /** Rejections whose message does not name the file. */
  unnamed: string[];
  renderCrashes: number;
  workerExits: number;
  uncaught: string[];
  consoleErrors: string[];
  report: CheckReport;
  seconds: number;
}

/** Counts renderer crashes, worker exits and uncaught errors on a page until `stop()`. */
function watch(page: Page): { crashes: number; workerExits: number; uncaught: string[]; consoleErrors: string[]; stop(): void } {
  const w = { crashes: 0, workerExits: 0, uncaught: [] as string[], consoleErrors: [] as string[], live: true, stop: () => void (w.live = false) };
  page.on('crash', () => w.live && w.crashes++);
  page.on('pageerror', (e) => w.live && w.uncaught.push(String(e)));
  page.on('console', (m) => w.live && m.type() === 'error' && w.consoleErrors.push(m.text()));
  // Nothing here cancels a call, so the bridge never terminates a worker: any exit is a crash.
  page.on('worker', (worker) => worker.on('close', () => w.live && w.workerExits++));
  return w;
}

const nfc = (s: string): string => s.normalize('NFC');

async function badFiles(browser: Browser, url: string): Promise<BadRun> {
  const started = Date.now();
  const corpus: BadFile[] = await makeBadFiles();
  const page = await (await browser.newContext()).newPage();
  const w = watch(page);
  await page.goto(`${url}?testHooks&models=test/tiny`);
  await page.getByTestId('empty-library').waitFor();
  await page.getByTestId('add-files').setInputFiles(corpus.map((f) => ({ name: f.name, mimeType: f.mime, buffer: Buffer.from(f.bytes) })));
  await page.getByTestId('index-done').waitFor({ state: 'attached', timeout: 10 * 60_000 });
  const skippedText = (await page.getByRole('status').filter({ hasText: 'skipped' }).textContent().catch(() => '')) ?? '';
  const skipped = Number(/(\d+) file\(s\) skipped/.exec(skippedText)?.[1] ?? 0);
  const errors = (await page.getByTestId('file-error').allTextContents()).map(nfc);
  const { names, report } = await page.evaluate(async () => {
    const g = window.__glimpse!;
    return { names: (await g.listLibrary()).map((i) => i.name), report: await g.checkLibrary() };
  });
  w.stop();
  await page.context().close();

  const inLibrary = new Set(names.map(nfc));
  const indexedBytes = new Set(corpus.filter((f) => inLibrary.has(nfc(f.name))).map((f) => Buffer.from(f.bytes).toString('base64')));
  const notImages = corpus.filter((f) => !f.mime.startsWith('image/'));
  const out = { indexed: 0, rejected: 0, duplicates: 0, skipped: 0, unaccounted: [] as string[], unexpected: [] as string[], unnamed: [] as string[] };
  for (const f of corpus) {
    const name = nfc(f.name);
    let outcome: 'indexed' | 'rejected' | 'duplicate' | 'skipped' | undefined;
    if (inLibrary.has(name)) outcome = 'indexed';
    else if (errors.some((e) => e.startsWith(`${name}:`))) outcome = 'rejected';
    else if (indexedBytes.has(Buffer.from(f.bytes).toString('base64'))) outcome = 'duplicate';
    else if (notImages.includes(f)) outcome = 'skipped';
    if (!outcome) out.unaccounted.push(f.name);
    else out[outcome === 'duplicate' ? 'duplicates' : outcome]++;
    if (outcome === 'rejected' && !errors.some((e) => e.startsWith(`${name}:`) && e.slice(name.length).includes(name.slice(0, 40)))) out.unnamed.push(f.name);
    // Skipped (not an image) stands for 'rejected', a duplicate for 'indexed' (its bytes are).
    const as = outcome === 'skipped' ? 'rejected' : outcome === 'duplicate' ? 'indexed' : outcome;
    if (!f.either && as && as !== f.expect) out.unexpected.push(`${f.name}: ${outcome}, expected ${f.expect}`);
  }
  if (skipped !== out.skipped) out.unexpected.push(`the page says ${skipped} file(s) skipped, ${out.skipped} expected`);
  return {
    files: corpus.length,
    kinds: new Set(corpus.map((f) => f.kind)).size,
    ...out,
    renderCrashes: w.crashes,
    workerExits: w.workerExits,
    uncaught: w.uncaught,
    consoleErrors: w.consoleErrors,
    report,
    seconds: (Date.now() - started) / 1000,
  };
}

async function kills(browser: Browser, url: string): Promise<KillLoopResult> {
  const context = await browser.newContext();
  try {
    // 12 queued at first, 4 more whenever the queue runs dry before the last kill.
    return await killLoop(context, url, { pool: sharedImages(20 + 12 + 4 * KILLS).slice(20), initial: 12, topUp: 4, kills: KILLS, seed: SEED, maxDelayMs: 1500, log });
  } finally {
    await context.close();
  }
}

function table(bad: BadRun, k: KillLoopResult): string {
  const rows: [string, string][] = [
    ['bad files added through the UI queue (one batch)', `${bad.files} files, ${bad.kinds} distinct kinds`],
    ['their outcomes', `${bad.indexed} indexed, ${bad.rejected} rejected with a message, ${bad.duplicates} skipped as duplicates, ${bad.skipped} skipped as not images`],
    ['files with no outcome', String(bad.unaccounted.length)],
    ['outcomes other than expected (decoder-dependent files aside)', String(bad.unexpected.length)],
    ['rejection messages that do not name the file', String(bad.unnamed.length)],
    ['crashes: renderer crashes + worker exits + uncaught errors', `${bad.renderCrashes + bad.workerExits + bad.uncaught.length} (${bad.renderCrashes} + ${bad.workerExits} + ${bad.uncaught.length})`],
    ['console errors', String(bad.consoleErrors.length)],
    ['consistency problems after the bad files', String(bad.report.problems.length)],
    ['kills while indexing (page closed / renderer crashed)', `${k.kills} (${k.closes} / ${k.crashes}), seed ${SEED}`],
    ['photos queued across the kills', String(k.added.length)],
    ['lost (queued, never indexed)', String(k.lost)],
    ['duplicated (library rows beyond one per photo)', String(k.duplicated)],
    ['left in the queue at the end', String(k.queueLeft)],
    ['consistency problems after the kills', String(k.report.problems.length)],
    ['time: bad files / kill loop', `${bad.seconds.toFixed(0)} s / ${k.seconds.toFixed(0)} s`],
  ];
  return ['| measure | result |', '| --- | --- |', ...rows.map(([a, b]) => `| ${a} | ${b} |`)].join('\n');
}

const START = '<!-- bench:reliability:start -->';
const END = '<!-- bench:reliability:end -->';

function writeDoc(section: string): void {
  const doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : `# Reliability\n\n${START}\n${END}\n`;
  const a = doc.indexOf(START), b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${DOC} lacks the ${START} … ${END} markers.`);
  writeFileSync(DOC, doc.slice(0, a + START.length) + '\n' + section + '\n' + doc.slice(b));
}

async function main(): Promise<void> {
  if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run `npm run build` first.');
  generateTestModels({ size: 'tiny' });
  const server = await preview({ preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  const browser = await launch();
  let bad: BadRun, k: KillLoopResult;
  try {
    log(`bad files through the UI queue …`);
    bad = await badFiles(browser, url);
    log(`kill loop: ${KILLS} kills …`);
    k = await kills(browser, url);
  } finally {
    await browser.close();
    await server.close();
  }
  for (const list of [bad.unaccounted, bad.unexpected, bad.unnamed, bad.uncaught, bad.consoleErrors]) for (const line of list) log(`  ${line}`);
  for (const p of [...bad.report.problems, ...k.report.problems]) log(`  problem: ${p.kind}: ${p.detail}`);
  const t = table(bad, k);
  console.log(t);
  if (WRITE) {
    const chromium = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const when = new Date().toISOString().slice(0, 10);
    const command = `npm run build && npm run bench:reliability${KILLS !== 20 || SEED !== 6 ? ` -- --kills ${KILLS} --seed ${SEED}` : ''}`;
    writeDoc(`Produced by \`${command}\` on ${when}: ${chromium}, headless, ${availableParallelism()} cores, tiny test models.\n\n${t}`);
    log(`wrote ${path.relative(process.cwd(), DOC)}`);
  }
  if (JSON_OUT) {
    console.log(
      JSON.stringify({
        badKinds: bad.kinds,
        crashes: bad.renderCrashes + bad.workerExits + bad.uncaught.length,
        kills: k.kills,
        lost: k.lost + bad.unaccounted.length,
        duplicated: k.duplicated,
        consistencyProblems: bad.report.problems.length + k.report.problems.length,
      }),
    );
  }
}

await main();
