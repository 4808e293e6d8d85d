// npm run bench:rerank-reads -- [--n 100000] [--queries 150] [--k 100] [--arms Infinity,128]
// The forest's exact re-rank reads in headless Chromium, on the pipeline bench's text forest shape
// (random unit 384-d rows, built in the page into IndexedDB on disk, opened with the app's 32 MB
// budget): warm searches per restChunk (score.ts, Scorer.readRest), arms alternating query by query.
// Prints per arm p50/p95 of the search and of its exact step, store reads and vectors re-ranked per
// search, and agreement with re-ranking every candidate (first 40 queries of each arm).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { ARGS, CHROMIUM } from '../test/browser/helpers/browser.ts';
import { parseArgs } from './lib/args.ts';

const args = parseArgs(process.argv.slice(2));
const cfg = {
  n: Number(args.get('n') ?? 100000),
  dim: 384,
  queries: Number(args.get('queries') ?? 150),
  k: Number(args.get('k') ?? 100),
  arms: (args.get('arms') ?? 'Infinity,128').split(',').map(Number),
};
const log = (s: string): void => void process.stderr.write(s + '\n');
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const r1 = (x: number): number => Math.round(x * 10) / 10;
log(`load before ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const server = await createServer({
  root: resolve('bench/rerank-reads'),
  configFile: false,
  logLevel: 'warn',
  server: { host: '127.0.0.1', port: 0, fs: { allow: [resolve('.')] } },
  optimizeDeps: { include: ['idb'] },
});
await server.listen();
const url = server.resolvedUrls?.local[0];
if (!url) throw new Error('vite did not report a URL');
const profile = mkdtempSync(join(tmpdir(), 'glimpse-rerank-reads-'));
const browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
try {
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.on('console', (m) => log(`[page] ${m.text()}`));
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { rerankBench?: unknown }).rerankBench !== undefined, null, { timeout: 120_000 });
  type Arm = { restChunk: number; ms: number[]; vectorsMs: number[]; reads: number; reranked: number; agree: number };
  // Infinity does not survive JSON: sent as null, and back.
  const sent = { ...cfg, arms: cfg.arms.map((a) => (Number.isFinite(a) ? a : null)) };
  const r = (await page.evaluate((c) => {
    const w = window as unknown as { rerankBench: (c: unknown) => Promise<unknown> };
    return w.rerankBench({ ...c, arms: c.arms.map((a) => a ?? Infinity) });
  }, sent)) as { buildMs: number; arms: Arm[] };
  log(`built ${cfg.n}×${cfg.dim} into IndexedDB in ${(r.buildMs / 1000).toFixed(1)} s; ${cfg.queries} warm searches per arm, k ${cfg.k}`);
  for (const a of r.arms) {
    const n = a.ms.length, agreeN = Math.min(40, n);
    log(
      `restChunk ${a.restChunk ?? 'Infinity'}: search p50 ${r1(pct(a.ms, 50))} / p95 ${r1(pct(a.ms, 95))} ms; exact step p50 ${r1(pct(a.vectorsMs, 50))} / p95 ${r1(pct(a.vectorsMs, 95))} ms; ` +
        `store reads ${r1(a.reads / n)}, re-ranked ${Math.round(a.reranked / n)} per search; agreement with re-ranking all ${(a.agree / agreeN).toFixed(3)}`,
    );
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
  log(`load after ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}
