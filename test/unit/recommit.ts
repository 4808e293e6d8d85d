import type { Library } from '../../workers/lib/library.ts';

/**
 * Removes the library's first photo and commits a new one with its record and vectors: the write
 * an upgraded library must take like a new one. Returns the new photo's id.
 */
export async function replaceFirstPhoto(lib: Library): Promise<number> {
  const [first] = await lib.db.getAll('images');
  const vectors = (await lib.db.get('vectors', first!.id))!;
  await lib.remove([first!.id]);
  return lib.commit({
    sha256: 'a-new-image',
    meta: { name: 'new.png', path: 'new.png', type: 'image/png', lastModified: 0 },
    size: 3,
    width: 1,
    height: 1,
    thumb: new Blob([new Uint8Array([1, 2, 3])]),
    record: first!.record,
    textVector: Float32Array.from(vectors.text, (c) => c * vectors.textScale),
    visualVector: Float32Array.from(vectors.visual, (c) => c * vectors.visualScale),
  });
}
