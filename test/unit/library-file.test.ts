import { describe, expect, it } from 'vitest';
import { LibraryFile } from '../../src/archive/library-reader.ts';
import { BlobReader, ZipReader } from '../../src/archive/zip.ts';
import { hasMarkup, unsafeNameReason, unitScaleOf, type LibraryFileError } from '../../src/core/archive/index.ts';
import { badLibraryFiles } from '../fixtures/bad-library-files.ts';
import { fixturePhotos, writeLibraryFile } from '../fixtures/library-file.ts';

const blob = (b: Uint8Array): Blob => new Blob([b as Uint8Array<ArrayBuffer>]);

describe('library file format (Node, zip.js)', () => {
  it('writes and reads back every photo: records, both vectors (codes and scales) and thumbnails, over several chunks', async () => {
    const photos = await fixturePhotos({ n: 300, seed: 3 });
    const file = await LibraryFile.open(blob(await writeLibraryFile(photos)), 'lib.glimpse');
    expect(file.manifest.counts).toEqual({ photos: 300, thumbnails: 300, originals: 0, chunks: 2 });
    expect(file.manifest.models.map((m) => [m.role, m.dim])).toEqual([
      ['embedder', 32],
      ['captioner', 48],
    ]);
    const checked = await file.validate();
    expect(checked.map((c) => c.sha256)).toEqual(photos.map((p) => p.sha256));
    const seen = new Set<string>();
    for (const [i, c] of file.manifest.chunks.entries()) {
      const chunk = await file.chunk(i, seen);
      for (const [j, p] of chunk.photos.entries()) {
        const want = photos[c.first + j]!;
        const { thumb, vectors, ...row } = want;
        expect(p).toMatchObject({ ...row, record: { ...row.record } });
        expect((await file.thumbs(i, [p], [c.first + j]))[0]).toEqual(thumb.bytes);
        for (const kind of ['text', 'visual'] as const) {
          const v = chunk.vectors[j]![kind];
          expect(Array.from(v.rows.codes.subarray(v.row * v.rows.dim, (v.row + 1) * v.rows.dim))).toEqual(Array.from(vectors[kind].codes));
          expect(v.rows.scales[v.row]).toBe(Math.fround(vectors[kind].scale));
          expect(v.rows.unitScales[v.row]).toBe(Math.fround(vectors[kind].unitScale));
        }
      }
    }
  });

  it('keeps what later features add: perceptual hashes and text read in the photo (markup in read text stays text)', async () => {
    const photos = await fixturePhotos({ n: 3, seed: 5 });
    photos[0] = { ...photos[0]!, phash: '8d7a05ea156ada27'.repeat(10), record: { ...photos[0]!.record, ocr: { text: 'BAKERY\nopen 7–19', confidence: 0.91, model: 'gutenye/ppocr-v4' } } };
    photos[1] = { ...photos[1]!, record: { ...photos[1]!.record, ocr: { text: '<div class="x">code</div>', confidence: 0.5, model: 'gutenye/ppocr-v4' } } };
    const file = await LibraryFile.open(blob(await writeLibraryFile(photos)), 'lib.glimpse');
    await file.validate();
    const read = (await file.chunk(0, new Set())).photos;
    expect(read[0]!.phash).toBe(photos[0]!.phash);
    expect(read[0]!.record.ocr).toEqual(photos[0]!.record.ocr);
    expect(read[1]!.record.ocr?.text).toBe('<div class="x">code</div>');
    expect(read[2]!.phash).toBeUndefined();
    expect(read[2]!.record.ocr).toBeUndefined();
  });

  it('lays entries out for reading in place: mimetype first, each chunk contiguous, binary parts stored, manifest last', async () => {
    const entries = await new ZipReader(new BlobReader(blob(await writeLibraryFile(await fixturePhotos({ n: 260 }))))).getEntries();
    const names = entries.map((e) => e.filename);
    expect(names[0]).toBe('mimetype');
    expect(names.at(-1)).toBe('manifest.json');
    expect(names.slice(1, -1)).toEqual([
      ...['photos/00000.json', 'vectors/00000.text.m0.i8', 'vectors/00000.visual.m1.i8', 'thumbs/00000.bin'],
      ...['photos/00001.json', 'vectors/00001.text.m0.i8', 'vectors/00001.visual.m1.i8', 'thumbs/00001.bin'],
    ]);
    for (const e of entries) {
      expect(e.compressionMethod, e.filename).toBe(e.filename.endsWith('.json') ? 8 : 0);
      expect(e.offset).toBeLessThan(e.offset + e.compressedSize + 1);
    }
    // Sizes and CRC in the local headers (no data descriptors): an entry can be read from its offset alone.
    expect(entries.every((e) => !(e.bitFlag?.dataDescriptor ?? false))).toBe(true);
  });

  it('reads a file written with Zip64 records (what a library past 4 GiB or 65,535 entries gets)', async () => {
    const photos = await fixturePhotos({ n: 300, seed: 4 });
    const bytes = await writeLibraryFile(photos, undefined, true);
    // The Zip64 end of central directory record, and Zip64 extra fields in the local headers.
    expect(Buffer.from(bytes).includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    const file = await LibraryFile.open(blob(bytes), 'big.glimpse');
    expect((await file.validate()).map((p) => p.sha256)).toEqual(photos.map((p) => p.sha256));
    const chunk = await file.chunk(1, new Set());
    expect((await file.thumbs(1, chunk.photos.slice(0, 3), [256, 257, 258])).map((t) => t.byteLength)).toEqual(photos.slice(256, 259).map((p) => p.thumb.bytes.byteLength));
  });

  it('keeps photos described by other models apart: one vector entry per model, read back in photo order', async () => {
    const a = await fixturePhotos({ n: 5, seed: 1, textDim: 32 });
    const b = await fixturePhotos({ n: 4, seed: 2, textDim: 24, prefix: 'other', models: { captioner: 'Xenova/vit-gpt2-image-captioning', embedder: 'Xenova/all-mpnet-base-v2' } });
    const mixed = [a[0]!, b[0]!, a[1]!, b[1]!, b[2]!, a[2]!, a[3]!, b[3]!, a[4]!];
    const file = await LibraryFile.open(blob(await writeLibraryFile(mixed)), 'mixed.glimpse');
    expect(file.manifest.chunks[0]!.vectors.map((v) => [v.kind, v.model, v.rows])).toEqual([
      ['text', 0, 5],
      ['text', 2, 4],
      ['visual', 1, 9],
    ]);
    const chunk = await file.chunk(0, new Set());
    chunk.photos.forEach((p, j) => {
      const v = chunk.vectors[j]!.text;
      expect(v.model.id).toBe(mixed[j]!.record.models.embedder);
      expect(Array.from(v.rows.codes.subarray(v.row * v.rows.dim, (v.row + 1) * v.rows.dim))).toEqual(Array.from(mixed[j]!.vectors.text.codes));
    });
  });

  it('refuses every bad kind with its own message', async () => {
    const { good, bad } = await badLibraryFiles();
    expect((await (await LibraryFile.open(blob(good), 'good.glimpse')).validate()).length).toBe(6);
    expect(bad.length).toBeGreaterThanOrEqual(12);
    for (const b of bad) {
      const refused = await LibraryFile.open(blob(b.bytes), b.name)
        .then((f) => f.validate())
        .then(
          () => undefined,
          (e: unknown) => e as LibraryFileError,
        );
      expect(refused?.name, b.kind).toBe('LibraryFileError');
      expect(refused?.message, b.kind).toMatch(b.message);
      expect(refused?.message, b.kind).toMatch(/Nothing was imported\./);
    }
    // Each kind has its own message.
    const messages = await Promise.all(bad.map((b) => LibraryFile.open(blob(b.bytes), 'x.glimpse').then((f) => f.validate()).then(() => '', (e: Error) => e.message.split(' Nothing')[0])));
    expect(new Set(messages).size).toBe(bad.length);
  });

  it('tells unsafe entry names and markup apart from plain text', () => {
    for (const n of ['../a', 'a/../../b', '/etc/x', 'C:/x', 'a\\b', 'a\u0000b', '']) expect(unsafeNameReason(n), n).toBeDefined();
    for (const n of ['photos/00000.json', 'originals/0000001/a..b.jpg', 'thumbs/0000001.webp']) expect(unsafeNameReason(n), n).toBeUndefined();
    for (const t of ['<script>x</script>', 'a <b>bold</b>', '<img src=x onerror=y>', '<!-- c -->']) expect(hasMarkup(t), t).toBe(true);
    for (const t of ['a dog < a cat', '3 > 2 and 1 < 2', 'plain caption', 'x<1 y>2']) expect(hasMarkup(t), t).toBe(false);
    expect(unitScaleOf(Int8Array.from([3, 4]))).toBeCloseTo(0.2, 12);
  });
});
