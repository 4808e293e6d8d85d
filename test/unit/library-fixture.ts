// A worker library on fake-indexeddb with small synthetic images: shared by the library unit tests.
import { expect } from 'vitest';
import { buildRecord } from '../../src/core/text/record.ts';
import type { PreparedImage } from '../../workers/lib/analyze-image.ts';
import { storedIds } from '../../workers/lib/id-check.ts';
import type { Library } from '../../workers/lib/library.ts';

export const TEXT_DIM = 16;
export const VISUAL_DIM = 12;

export function vector(dim: number, seed: number): Float32Array {
  return Float32Array.from({ length: dim }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) + 0.1);
}

export function image(n: number, caption: string): PreparedImage {
  return {
    sha256: `sha-${n}`,
    meta: { name: `photo-${n}.jpg`, path: `photo-${n}.jpg`, type: 'image/jpeg', lastModified: 0 },
    size: 100,
    width: 10,
    height: 10,
    thumb: new Blob([new Uint8Array([n])], { type: 'image/webp' }),
    record: buildRecord([caption], { captioner: 'test', embedder: 'test' }),
    textVector: vector(TEXT_DIM, n),
    visualVector: vector(VISUAL_DIM, n + 1000),
  };
}

/** Rows, vectors and both stored forests hold exactly the same ids. */
export async function expectConsistent(lib: Library, count: number): Promise<void> {
  const s = await storedIds(lib.db);
  const ids = s.images.map((r) => r.id).sort((a, b) => a - b);
  expect(ids).toHaveLength(count);
  expect(new Set(s.images.map((r) => r.sha256)).size).toBe(count);
  expect(s.vectors.slice().sort((a, b) => a - b)).toEqual(ids);
  for (const f of [s.forests.text, s.forests.visual]) expect(f).toEqual({ live: count, missing: [] });
}
