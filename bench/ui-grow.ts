// bench:ui --grow N: a real library of N photos for the UI figures, kept on disk between runs.
// It is written by bench:archive's seed page (bench/archive/seed.ts) on the app's own origin with
// the app's storage code: rows (records from the shared human captions, cycled), 256-px WebP
// thumbnails made in the page from the 500 shared photos (cycled), int8 vectors, both forests built
// over every vector with the forest's public buildForest, and the lexical snapshot — what the app
// itself would hold after indexing N photos, without running a model N times. Vectors are random,
// at the tiny test models' dimensions (the app searches with those models here, and a forest of
// another dimension would be set aside as another model's).
// The seeded profile is kept in /tmp under a name carrying N, the schema version and the forest
// format, and served on a fixed port (IndexedDB belongs to the origin); each run works on a copy,
// since "Clear all" empties it.
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import type { Plugin } from 'vite';
import { FORMAT_VERSION } from '../src/core/forest/block-codec.ts';
import { DB_VERSION } from '../src/storage/db.ts';
import { ARGS, CHROMIUM } from '../test/browser/helpers/browser.ts';
import { captionedEntries } from '../test/browser/helpers/library-page.ts';
import type { SeedReport, SeedSpec } from './archive/seed.ts';
import { buildSeedPage, seedPageRoute } from './lib/seed-page.ts';

const root = path.resolve(import.meta.dirname, '..');
const webOut = path.join(root, 'bench/out/ui-grow-web');
/** The tiny test models' widths (models/test/tiny: BERT and ViT hidden size). */
const TINY_DIMS = { text: 32, visual: 32 };
const readyMark = 'glimpse-grown.json';


/** The seed page's route for bench:ui's preview server. */
export const seedRoute = (): Plugin => seedPageRoute('glimpse-bench-ui-grow', webOut);

export const profileContext = (dir: string): Promise<BrowserContext> =>
  chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1200, height: 850 } });

/** The kept profile for `n` photos (seeded on first use), copied into a fresh working profile. */
export async function grownProfile(n: number, url: string): Promise<{ dir: string; seeded: string }> {
  const kept = path.join(tmpdir(), `glimpse-ui-grow-${n}-db${DB_VERSION}-forest${FORMAT_VERSION}-port${new URL(url).port}`);
  let seeded = `kept profile ${kept}`;
  if (!existsSync(path.join(kept, readyMark))) {
    rmSync(kept, { recursive: true, force: true });
    mkdirSync(kept, { recursive: true });
    await buildSeedPage(webOut);
    const context = await profileContext(kept);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`${url}__bench/index.html`);
      await page.waitForFunction(() => '__archiveBench' in window);
      const spec: SeedSpec = { n, textDim: TINY_DIMS.text, visualDim: TINY_DIMS.visual, thumbPx: 256, seed: 3, entries: captionedEntries() };
      const r = await page.evaluate((s: SeedSpec) => (window as unknown as { __archiveBench: { seed(s: SeedSpec): Promise<SeedReport> } }).__archiveBench.seed(s), spec);
      seeded = `seeded ${n} photos in ${(r.ms / 1000).toFixed(0)} s (thumbnails ${(r.thumbBytes / 2 ** 20).toFixed(0)} MB), kept in ${kept}`;
    } finally {
      await context.close();
    }
    writeFileSync(path.join(kept, readyMark), JSON.stringify({ n, dbVersion: DB_VERSION, forestFormat: FORMAT_VERSION, dims: TINY_DIMS, at: new Date().toISOString() }));
  }
  const dir = path.join(tmpdir(), `glimpse-ui-grow-work-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(kept, dir, { recursive: true });
  return { dir, seeded };
}
