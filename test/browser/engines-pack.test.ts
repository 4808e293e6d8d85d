import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackRow } from '../../src/core/pack/format';
import { packRows, photoFolder, rareWord, runPack, serveDir } from '../fixtures/pack';
import { ENGINES, useEngine } from './engines';
import { ownImageCount } from './helpers/idb-page';
import { serveApp, type Served } from './engines/serve';

// The shareable demo where its visitors are: Chromium, Firefox ESR and WebKitGTK (Safari's engine)
// open a pack on another origin by URL and search it in place: text search with the tiny test
// embedder, results with their thumbnails, "More like this". Nothing is written to the visitor's
// own library. pack.test.ts goes further in Chromium (offline, import, damaged packs, the preview).
const dir = mkdtempSync(path.join(tmpdir(), 'glimpse-engines-pack-'));
const out = path.join(dir, 'pack');
let rows: PackRow[] = [];
let host: Awaited<ReturnType<typeof serveDir>> | undefined;

beforeAll(async () => {
  runPack(photoFolder(path.join(dir, 'photos'), 12), out);
  rows = packRows(out);
  host = await serveDir(out, true);
}, 180_000);
afterAll(() => {
  host?.server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(ENGINES)('a pack opened by URL in %s', (engine) => {
  const page = useEngine(engine);
  let app: Served;
  beforeAll(async () => {
    app = await serveApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('searches it in place: results with their thumbnails, then more like this', async () => {
    const p = page();
    await p.goto(`${app.url}?models=test/tiny&pack=${encodeURIComponent(host!.url)}`);
    await p.waitUntil((url) => (document.querySelector('[data-testid="pack-library"]')?.textContent ?? '').includes(`12 photos from ${url}`), host!.url, { what: 'the pack bar naming 12 photos', timeout: 120_000 });
    const { word, row } = rareWord(rows);
    await p.fill('search-input', word);
    // The answer (data-query, not a keyword preview), every card's thumbnail decoded.
    const shown = await p.waitUntil(
      (q) => {
        const grid = document.querySelector('[data-testid="results-grid"]');
        const imgs = Array.from(document.querySelectorAll<HTMLImageElement>('[data-testid="result"] img'));
        const names = Array.from(document.querySelectorAll('[data-testid="result"]'), (r) => r.getAttribute('data-name'));
        return grid?.getAttribute('data-query') === q && imgs.length > 0 && imgs.length === names.length && imgs.every((i) => i.complete && i.naturalWidth > 0) ? JSON.stringify(names) : '';
      },
      word,
      { what: `results with thumbnails for "${word}"`, timeout: 120_000 },
    );
    expect(JSON.parse(shown) as string[]).toContain(row.name);
    await p.screenshot(`pack-${engine}`);

    await p.click({ css: '[data-testid="result"] [data-testid="more-like-this"]' });
    const like = await p.waitUntil(
      () => {
        const q = document.querySelector('[data-testid="results-grid"]')?.getAttribute('data-query') ?? '';
        const names = Array.from(document.querySelectorAll('[data-testid="result"]'), (r) => r.getAttribute('data-name'));
        return q.startsWith('like:') && names.length > 0 ? JSON.stringify({ q, names }) : '';
      },
      undefined,
      { what: 'the photos like the first result', timeout: 120_000 },
    );
    const { q, names } = JSON.parse(like) as { q: string; names: string[] };
    // The photo itself is left out of its neighbours.
    expect(names).not.toContain(q.slice('like:'.length));
    // Nothing was written to the visitor's own library.
    const own = await p.evaluate(ownImageCount);
    expect(own).toBe(0);
    expect(await p.takeErrors()).toEqual([]);
  }, 300_000);
});
