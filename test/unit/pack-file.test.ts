// A format-2 library file opened in place (workers/lib/pack-file.ts) in Node: the pack it carries
// answers text, keyword and visual searches, rows and thumbnails, through the same PackLibrary as
// a pack over HTTP; an import still reads the file whole; older or unreadable files are told apart.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LibraryPack } from '../../src/archive/library-pack.ts';
import { LibraryFile } from '../../src/archive/library-reader.ts';
import { sha256Hex } from '../../src/archive/sha256.ts';
import { packExtension } from '../../src/core/archive/index.ts';
import { PACK_VERSION } from '../../src/core/pack/format.ts';
import { openPackFile } from '../../workers/lib/pack-file.ts';
import { edited, manifestOf, setManifest } from '../fixtures/bad-library-files.ts';
import { FIXTURE_PHOTOS } from '../fixtures/library-file/make-fixture.ts';
import { fixturePhotos } from '../fixtures/library-file.ts';

const dir = path.resolve(import.meta.dirname, '../fixtures/library-file');
const fixture = (name: string): Blob => new Blob([readFileSync(path.join(dir, name))]);
const blob = (b: Uint8Array): Blob => new Blob([b as Uint8Array<ArrayBuffer>]);

describe('a library file opened in place', () => {
  it('answers keyword, text and visual searches, rows and thumbnails from the pack it carries', async () => {
    const photos = await fixturePhotos(FIXTURE_PHOTOS);
    const pack = await openPackFile(fixture('format2.glimpse'), 'format2.glimpse');
    expect(pack.count).toBe(photos.length);
    expect(pack.embedderId).toBe(photos[0]!.record.models.embedder);

    // Keyword search (no vector): every hit's caption holds the word.
    const boats = await pack.searchText('boat', undefined, 20);
    expect(boats.length).toBe(20);
    for (const r of boats) expect(r.caption).toMatch(/boat/);

    // The row of every photo is there, by its SHA-256, with its thumbnail's very bytes.
    const rows = await pack.rows(Array.from({ length: photos.length }, (_, k) => k + 1));
    const bySha = new Map(rows.map((r) => [r!.sha256, r!]));
    for (const p of [photos[0]!, photos[257]!, photos[299]!]) {
      const row = bySha.get(p.sha256)!;
      expect(row).toMatchObject({ name: p.name, path: p.path, width: p.width, height: p.height });
      expect(await pack.thumbBytes(row)).toEqual(p.thumb.bytes);
      expect(row.thumb).toBe(await sha256Hex(p.thumb.bytes));
    }

    // Text search with a vector: a photo's own text vector finds it first.
    const target = photos[123]!;
    const unit = Float32Array.from(target.vectors.text.codes, (c) => c * target.vectors.text.unitScale);
    const hits = await pack.searchText('zzz', unit, 5);
    expect(rows.find((r) => r!.id === hits[0]!.id)!.sha256).toBe(target.sha256);

    // More like this: a photo's visual vector (as the pack holds it) finds itself first, left out when asked.
    const id = bySha.get(target.sha256)!.id;
    const visual = (await pack.visualVectorOf(id))!;
    expect((await pack.searchVisual(visual, 5))[0]!.id).toBe(id);
    expect((await pack.searchVisual(visual, 5, id)).map((r) => r.id)).not.toContain(id);
  });

  it('is still a library file an import reads whole (minReaderVersion 1, the pack entries ignored)', async () => {
    const file = await LibraryFile.open(fixture('format2.glimpse'), 'format2.glimpse');
    expect(file.manifest).toMatchObject({ version: 2, minReaderVersion: 1 });
    // The fixture carries a format-5 pack (released before format 6): still read in place (the test above).
    expect(packExtension(file.manifest)?.version).toBe(5);
    expect(PACK_VERSION).toBe(7);
    expect((await file.validate()).length).toBe(FIXTURE_PHOTOS.n);
  });

  it('an older file (format 1, no pack): NoPackInFileError naming the file, saying to import it', async () => {
    await expect(openPackFile(fixture('format1.glimpse'), 'format1.glimpse')).rejects.toMatchObject({ name: 'NoPackInFileError', message: expect.stringMatching(/^format1\.glimpse was saved by an older Glimpse .* Import it instead/) });
  });

  it('a pack of another format: the file named, and to export it again', async () => {
    const other = await edited(new Uint8Array(readFileSync(path.join(dir, 'format2.glimpse'))), (p) => {
      const m = manifestOf(p);
      setManifest(p, { ...m, extensions: { pack: { ...(m.extensions.pack as object), version: PACK_VERSION + 1 } } });
    });
    await expect(openPackFile(blob(other), 'newer.glimpse')).rejects.toMatchObject({
      name: 'PackUnreadableError',
      message: expect.stringMatching(new RegExp(`^The library file newer\\.glimpse cannot be opened: its search index is pack format ${PACK_VERSION + 1}, and this Glimpse reads formats 5 to ${PACK_VERSION}\\. Export the library again`)),
    });
  });

  it('a damaged part is refused, naming the file', async () => {
    const damaged = await edited(new Uint8Array(readFileSync(path.join(dir, 'format2.glimpse'))), (p) => {
      const m = JSON.parse(new TextDecoder().decode(p.data.get('pack.json'))) as { lexical: string };
      const part = p.data.get(`p/${m.lexical}`)!;
      part[0] = part[0]! ^ 1;
    });
    await expect(openPackFile(blob(damaged), 'damaged.glimpse')).rejects.toMatchObject({ name: 'PackUnreadableError', message: expect.stringContaining('The library file damaged.glimpse cannot be opened: its part p/') });
  });

  it('the pack being written stops at its AbortSignal, between parts', async () => {
    const photos = await fixturePhotos({ ...FIXTURE_PHOTOS, n: 40 });
    const stop = new AbortController();
    const pack = new LibraryPack(stop.signal);
    pack.add(0, photos, photos.map(({ vectors: _v, original: _o, ...p }, j) => ({ ...p, thumb: { offset: j, bytes: p.thumb.bytes.byteLength, sha256: String(j).padStart(64, '0'), type: 'image/webp' } })));
    let stored = 0;
    // The first part written aborts the export: the writer goes no further than the next part.
    const out = { addStored: (path: string) => (stored++, stop.abort(), Promise.resolve({ path, bytes: 0, sha256: '' })) };
    await expect(pack.write(out)).rejects.toMatchObject({ name: 'AbortError' });
    expect(stored).toBe(1);
  });
});
