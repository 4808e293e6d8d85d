// ZipParts: a pack's parts read from a library file by slices (ranges of stored p/<sha256>
// entries, thumbnails found in their chunk's thumbnails entry), and its refusals.
import { describe, expect, it } from 'vitest';
import { LibraryFile } from '../../src/archive/library-reader.ts';
import { LibraryWriter } from '../../src/archive/library-writer.ts';
import { sha256Hex } from '../../src/archive/sha256.ts';
import { CHUNK_SIZE, packEntry, type PackExtension, type PackThumbs } from '../../src/core/archive/index.ts';
import { PACK_VERSION } from '../../src/core/pack/format.ts';
import { ZipParts } from '../../workers/lib/pack-file.ts';
import { fixturePhotos } from '../fixtures/library-file.ts';

/** A library file with a few stored parts and pack-thumbs.json (not a whole pack: ZipParts reads bytes, PackSource checks them). */
async function fileWithParts(parts: Uint8Array[], damageManifest = false): Promise<{ blob: Blob; hashes: string[]; thumbs: PackThumbs }> {
  const out: Uint8Array[] = [];
  const w = await LibraryWriter.create(new WritableStream({ write: (c) => void out.push(c.slice()) }), { app: { name: 'Glimpse', version: 'test' }, revisionOf: () => '' });
  const photos = await fixturePhotos({ n: 300, seed: 9 });
  const thumbs: PackThumbs = {};
  for (let i = 0; i < photos.length; i += CHUNK_SIZE) {
    const { index, entries } = await w.addChunk(photos.slice(i, i + CHUNK_SIZE));
    for (const e of entries) thumbs[e.thumb.sha256] ??= [index, e.thumb.offset, e.thumb.bytes];
  }
  const hashes: string[] = [];
  await w.finish(
    () => Promise.reject(new Error('no originals')),
    undefined,
    async () => {
      for (const p of parts) hashes.push((await w.addStored(packEntry.part(await sha256Hex(p)), p)).sha256);
      const manifest = await w.addStored(packEntry.manifest, new TextEncoder().encode('{"format":"glimpse-pack"}'));
      const ext: PackExtension = { version: PACK_VERSION, manifest: damageManifest ? { ...manifest, sha256: '0'.repeat(64) } : manifest, thumbs: await w.addStored(packEntry.thumbs, new TextEncoder().encode(JSON.stringify(thumbs))) };
      return { pack: ext };
    },
  );
  return { blob: new Blob(out as Uint8Array<ArrayBuffer>[]), hashes, thumbs };
}

const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

async function partsOf(blob: Blob): Promise<ZipParts> {
  const file = await LibraryFile.open(blob, 'lib.glimpse');
  return new ZipParts(file.zip, file.manifest.extensions.pack as PackExtension);
}

describe('ZipParts (a pack read from a library file by slices)', () => {
  it('reads whole parts and byte ranges of them, the very bytes written', async () => {
    const a = bytes(10_000, 1), b = bytes(3, 2), c = bytes(70_000, 3);
    const { blob, hashes } = await fileWithParts([a, b, c]);
    const parts = await partsOf(blob);
    for (const [i, p] of [a, b, c].entries()) {
      const whole = await parts.read(hashes[i]!);
      expect(whole.fetched).toBe(false);
      expect(whole.bytes).toEqual(p);
    }
    for (const [s, e] of [[0, 1], [17, 4113], [9_999, 10_000], [5, 5]] as const) expect((await parts.read(hashes[0]!, [s, e])).bytes).toEqual(a.subarray(s, e));
    expect((await parts.read(hashes[2]!, [65_000, 70_000])).bytes).toEqual(c.subarray(65_000));
  });

  it('finds a thumbnail part in its chunk thumbnails entry, whole or by range', async () => {
    const { blob, thumbs } = await fileWithParts([]);
    const parts = await partsOf(blob);
    const photos = await fixturePhotos({ n: 300, seed: 9 });
    for (const p of [photos[0]!, photos[299]!]) {
      const hash = await sha256Hex(p.thumb.bytes);
      expect(thumbs[hash]).toBeDefined();
      expect((await parts.read(hash)).bytes).toEqual(p.thumb.bytes);
      expect((await parts.read(hash, [2, 9])).bytes).toEqual(p.thumb.bytes.subarray(2, 9));
    }
  });

  it('reads pack.json checked against the SHA-256 the manifest gives it', async () => {
    expect(new TextDecoder().decode(await (await partsOf((await fileWithParts([])).blob)).manifest())).toBe('{"format":"glimpse-pack"}');
    await expect((await partsOf((await fileWithParts([], true)).blob)).manifest()).rejects.toMatchObject({ name: 'PackUnreadableError', message: expect.stringMatching(/^The library file lib\.glimpse cannot be opened: its entry pack\.json does not match its SHA-256/) });
  });

  it('refuses a part it lacks and a range beyond a part, naming the file', async () => {
    const { blob, hashes } = await fileWithParts([bytes(100, 4)]);
    const parts = await partsOf(blob);
    await expect(parts.read('ab'.repeat(32))).rejects.toMatchObject({ name: 'PackUnreadableError', message: expect.stringContaining(`lib.glimpse cannot be opened: it lacks its part p/${'ab'.repeat(32)}`) });
    await expect(parts.read(hashes[0]!, [50, 101])).rejects.toMatchObject({ name: 'PackUnreadableError', message: expect.stringContaining('bytes 50–101 are outside its part') });
  });
});
