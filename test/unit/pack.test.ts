import 'fake-indexeddb/auto';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_FILE, partPath } from '../../src/core/pack/format';
import { WorkFolder } from '../../scripts/pack/work';
import { Library } from '../../workers/lib/library';
import { PackLibrary } from '../../workers/lib/pack-library';
import { EAGER_ROWS } from '../../workers/lib/ranking';
import { addPackToLibrary } from '../../workers/lib/pack-import';
import { expectConsistent } from './library-fixture';
import { packRows, photoFolder, rareWord, readManifest, runMerge, runPack, serveDir } from '../fixtures/pack';

// Issue 15: `npm run pack` over 40 shared photos with the tiny test models writes a pack; a second
// run analyses nothing; two shards merged equal one run; the worker's PackLibrary reads it over
// HTTP (the same forest and ranking as the library) and names the URL when a part is damaged.
describe('npm run pack', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'glimpse-pack-'));
  const photos = photoFolder(path.join(dir, 'photos'), 40);
  const out = path.join(dir, 'pack');
  let first = '';

  beforeAll(() => {
    first = runPack(photos, out);
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a pack of 40 photos; a second run analyses none and writes the same pack', () => {
    expect(first).toContain('40 photo(s) in');
    expect(first).toContain('40 analysed, 0 already done');
    const manifest = readManifest(out);
    expect(manifest.count).toBe(40);
    expect(packRows(out).map((r) => r.id)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const before = readFileSync(path.join(out, MANIFEST_FILE), 'utf8');
    expect(runPack(photos, out)).toContain('0 analysed, 40 already done');
    expect(readFileSync(path.join(out, MANIFEST_FILE), 'utf8')).toBe(before);
  }, 120_000);

  it('two shards merged give the same pack as one run', () => {
    // Shard 1 stands for a job that had already finished its photos (its work folder holds what
    // the single run analysed for them); shard 2 analyses its photos in a process of its own.
    const merged = path.join(dir, 'merged');
    const shard1 = path.join(dir, 'merged.work-1-of-2');
    mkdirSync(shard1, { recursive: true });
    const mine = new WorkFolder(`${out}.work`).items().sort((a, b) => (a.path < b.path ? -1 : 1)).filter((_, k) => k % 2 === 0);
    for (const it of mine) for (const ext of ['vec', 'webp', 'json']) copyFileSync(path.join(`${out}.work`, `${it.sha256}.${ext}`), path.join(shard1, `${it.sha256}.${ext}`));
    expect(runPack(photos, merged, ['--shard', '1/2'])).toContain('0 analysed, 20 already done');
    expect(runPack(photos, merged, ['--shard', '2/2'])).toContain('20 analysed, 0 already done');
    expect(runMerge(merged)).toContain('2 shard(s)');
    // Parts are named by their bytes: the same manifest means the same rows, forests and keyword index.
    expect(readFileSync(path.join(merged, MANIFEST_FILE), 'utf8')).toBe(readFileSync(path.join(out, MANIFEST_FILE), 'utf8'));
  }, 300_000);

  it('reads the rows of the first screenful of a text search only; the others when asked (fillResults)', async () => {
    const rows = packRows(out);
    // The caption word most photos share: more hits than a screenful.
    const df = new Map<string, number>();
    for (const r of rows) for (const w of new Set(r.record.captions.join(' ').toLowerCase().match(/[a-z]{4,}/g))) df.set(w, (df.get(w) ?? 0) + 1);
    const [word] = [...df].sort((a, b) => b[1] - a[1])[0]!;
    const { url, server } = await serveDir(out, true);
    try {
      const pack = await PackLibrary.open(url, url);
      const hits = await pack.searchText(word, undefined, 40);
      expect(hits.length).toBeGreaterThan(EAGER_ROWS);
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const h of hits.slice(0, EAGER_ROWS)) expect([h.pending, h.name]).toEqual([undefined, byId.get(h.id)!.name]);
      const pending = hits.slice(EAGER_ROWS);
      expect(pending.every((h) => h.pending && h.name === '' && h.caption === '')).toBe(true);
      const filled = await pack.fillResults(word, pending.map((h) => h.id).reverse());
      expect(filled.map((h) => [h.id, h.name, h.score, h.pending])).toEqual(pending.map((h) => [h.id, byId.get(h.id)!.name, h.score, undefined]).reverse());
      // Each filled result says why it matched, as the eager ones do.
      expect(filled.every((h) => h.summary.text.length > 0)).toBe(true);
      expect(await pack.fillResults('a query never searched', [pending[0]!.id])).toEqual([]);
    } finally {
      server.close();
    }
  }, 60_000);

  it('starts a text search\'s vector half as soon as its vector is there (startVector); the search then answers as without', async () => {
    const { word, row } = rareWord(packRows(out));
    const vector = new WorkFolder(`${out}.work`).items().find((w) => w.name === row.name)!.text;
    const { url, server } = await serveDir(out, true);
    try {
      const plain = await PackLibrary.open(url, url);
      const want = await plain.searchText(word, vector, 40);
      const pack = await PackLibrary.open(url, url);
      const before = pack.source.fetchedBytes;
      pack.startVector(vector);
      // Its forest reads go out before any keyword read is asked for.
      await expect.poll(() => pack.source.fetchedBytes).toBeGreaterThan(before);
      expect(await pack.searchText(word, vector, 40)).toEqual(want);
    } finally {
      server.close();
    }
  }, 60_000);

  it('is searched over HTTP: keywords, more like this, pages, thumbnails; a damaged part is named', async () => {
    const { url, server } = await serveDir(out, true);
    try {
      const pack = await PackLibrary.open(url, url);
      expect(pack.count).toBe(40);
      const { word, row, df } = rareWord(packRows(out));
      const hits = await pack.searchText(word, undefined, 40);
      expect(hits.length).toBeGreaterThanOrEqual(df);
      expect(hits.map((h) => h.name)).toContain(row.name);
      const vector = await pack.visualVectorOf(row.id);
      const similar = await pack.searchVisual(vector!, 5, row.id);
      expect(similar).toHaveLength(5);
      expect(similar.map((s) => s.id)).not.toContain(row.id);
      const page = await pack.listPage({ limit: 30 });
      expect(page.items.map((i) => i.id)).toEqual(Array.from({ length: 30 }, (_, i) => 40 - i));
      expect((await pack.listPage({ before: page.next, limit: 30 })).items).toHaveLength(10);
      const thumb = await pack.thumb(row.id);
      expect(new Uint8Array(await thumb!.arrayBuffer())).toEqual(new Uint8Array(readFileSync(path.join(out, partPath(row.thumb)))));

      // "Add to my library": the pack goes through the library file's import into the person's
      // own library (fake-indexeddb), searchable there with no pack open.
      const own = await Library.open('pack-add');
      const want = pack.source.manifest.models;
      const asked: unknown[] = [];
      const o = { want, revisionOf: () => '', confirm: (p: unknown) => (asked.push(p), Promise.resolve(true)) };
      const stop = new AbortController();
      await expect(addPackToLibrary(pack, own, { ...o, signal: stop.signal, onProgress: (p) => p.phase === 'fetching' && stop.abort() })).rejects.toMatchObject({ name: 'AbortError' });
      expect(await own.count()).toBe(0);
      const phases = new Set<string>();
      const result = await addPackToLibrary(pack, own, { ...o, onProgress: (p) => phases.add(p.phase) });
      expect(result).toMatchObject({ added: 40, known: 0, declined: false, toReanalyse: 0 });
      expect([...phases]).toEqual(['fetching', 'checking', 'importing']);
      expect(asked).toEqual([]); // the pack's models are the ones wanted: no consent asked
      await expectConsistent(own, 40);
      expect((await own.searchText(word, undefined, 40)).map((h) => h.name)).toContain(row.name);
      // Adding it again adds nothing (same SHA-256s).
      expect(await addPackToLibrary(pack, own, o)).toMatchObject({ added: 0, known: 40 });
      await own.close();
    } finally {
      server.close();
    }
    // One flipped byte in the keyword index part: the message names the pack and the part.
    const broken = path.join(dir, 'broken');
    cpSync(out, broken, { recursive: true });
    const part = path.join(broken, partPath(readManifest(broken).lexical));
    const bytes = readFileSync(part);
    bytes[10] ^= 1;
    writeFileSync(part, bytes);
    const bad = await serveDir(broken, true);
    try {
      await expect(PackLibrary.open(bad.url, bad.url)).rejects.toMatchObject({ name: 'PackUnreadableError', message: expect.stringContaining(`The photo pack at ${bad.url} cannot be opened: its part ${partPath(readManifest(broken).lexical)} fails its checksum`) });
      await expect(PackLibrary.open(`${bad.url}missing/`, bad.url)).rejects.toMatchObject({ name: 'PackUnreadableError', message: expect.stringContaining('answered HTTP 404') });
    } finally {
      bad.server.close();
    }
  }, 60_000);
});
