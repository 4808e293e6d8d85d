import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_FILE, partPath } from '../../src/core/pack/format';
import { PackLibrary } from '../../workers/lib/pack-library';
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
    const merged = path.join(dir, 'merged');
    expect(runPack(photos, merged, ['--shard', '1/2'])).toContain('20 analysed');
    expect(runPack(photos, merged, ['--shard', '2/2'])).toContain('20 analysed');
    expect(runMerge(merged)).toContain('2 shard(s)');
    // Parts are named by their bytes: the same manifest means the same rows, forests and keyword index.
    expect(readFileSync(path.join(merged, MANIFEST_FILE), 'utf8')).toBe(readFileSync(path.join(out, MANIFEST_FILE), 'utf8'));
  }, 300_000);

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
