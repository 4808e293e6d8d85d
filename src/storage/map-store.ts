// What the map and the near-duplicate finder read and keep: the stored layout of each map (a
// `meta` row per space: no new object store), each photo's stored vectors of one space, and the
// perceptual hashes on the image rows.
import type { GlimpseDB } from './db';
import type { ImageRow } from './rows';

export type MapSpace = 'visual' | 'text';

export interface StoredLayout {
  space: MapSpace;
  /** The model whose vectors it was laid out from (captioner for visual, embedder for text). */
  model: string;
  seed: number;
  /** Image ids, and their positions as x, y pairs in the same order. */
  ids: Int32Array;
  positions: Float32Array;
  /** Photos in the last full layout, and how many were placed near their neighbours since. */
  laidOut: number;
  placed: number;
}

const layoutKey = (space: MapSpace): string => `map-layout:${space}`;

export async function readLayout(db: GlimpseDB, space: MapSpace): Promise<StoredLayout | undefined> {
  const row = await db.get('meta', layoutKey(space));
  const v = row?.value as StoredLayout | undefined;
  // Anything else (another build's shape, damage) is as good as no layout: the map lays out anew.
  if (!v || !(v.ids instanceof Int32Array) || !(v.positions instanceof Float32Array) || v.positions.length !== 2 * v.ids.length) return undefined;
  return v;
}

export async function writeLayout(db: GlimpseDB, layout: StoredLayout): Promise<void> {
  await db.put('meta', { key: layoutKey(layout.space), value: layout });
}

/** Every image's stored vector of one space (int8 codes with their scale), in id order. */
export async function vectorsOfSpace(db: GlimpseDB, space: MapSpace): Promise<{ ids: number[]; codes: Int8Array[]; scales: number[] }> {
  const ids: number[] = [], codes: Int8Array[] = [], scales: number[] = [];
  for (let c = await db.transaction('vectors').store.openCursor(); c; c = await c.continue()) {
    ids.push(Number(c.key));
    codes.push(space === 'visual' ? c.value.visual : c.value.text);
    scales.push(space === 'visual' ? c.value.visualScale : c.value.textScale);
  }
  return { ids, codes, scales };
}

/** Id and tags of every image, in id order (labels for the map). */
export async function tagsOfImages(db: GlimpseDB): Promise<{ ids: number[]; tags: string[][] }> {
  const ids: number[] = [], tags: string[][] = [];
  for (let c = await db.transaction('images').store.openCursor(); c; c = await c.continue()) {
    ids.push(c.value.id);
    tags.push([...c.value.record.tags]);
  }
  return { ids, tags };
}

/** Each image's stored perceptual hash; `missing` counts images without one yet. */
export async function storedHashes(db: GlimpseDB): Promise<{ hashes: Map<number, string>; missing: number }> {
  const hashes = new Map<number, string>();
  let missing = 0;
  for (let c = await db.transaction('images').store.openCursor(); c; c = await c.continue()) {
    if (typeof c.value.phash === 'string') hashes.set(c.value.id, c.value.phash);
    else missing++;
  }
  return { hashes, missing };
}

/** Adds the hash to image `id`'s row, read and written in one transaction (a concurrent
 *  re-description is never overwritten with an older record). False if the image is gone. */
export async function setPhash(db: GlimpseDB, id: number, phash: string): Promise<boolean> {
  const tx = db.transaction('images', 'readwrite');
  const row: ImageRow | undefined = await tx.store.get(id);
  if (row) await tx.store.put({ ...row, phash });
  await tx.done;
  return row !== undefined;
}
