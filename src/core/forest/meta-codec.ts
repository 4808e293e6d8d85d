// Forest-wide metadata, per-tree directories and the slot→id table.
import { allocBlock, BlockKind, HEADER_BYTES, openBlock, sealBlock } from './block-codec.ts';
import { CorruptBlockError } from './errors.ts';

export type SplitMethod = 'two-means' | 'random-projection';

export interface ForestMeta {
  generation: number;
  dim: number;
  nTrees: number;
  leafSize: number;
  leafCapacity: number;
  split: SplitMethod;
  seed: number;
  /** Slots ever handed out (live + tombstoned); slot = dense internal number. */
  slotCount: number;
  liveCount: number;
  /** Tombstoned slots that some leaf may still list (cleared by compact()). */
  deadInLeaves: number;
  builtCount: number;
  addedSinceBuild: number;
  /** Bumped per mutation so split seeds stay deterministic. */
  mutations: number;
}

const FIELDS = ['generation', 'dim', 'nTrees', 'leafSize', 'leafCapacity', 'split', 'seed', 'slotCount', 'liveCount', 'deadInLeaves', 'builtCount', 'addedSinceBuild', 'mutations'] as const;

export function encodeMeta(m: ForestMeta): Uint8Array {
  const { bytes, view } = allocBlock(BlockKind.Meta, FIELDS.length * 4);
  FIELDS.forEach((f, i) => {
    const v = f === 'split' ? (m.split === 'two-means' ? 0 : 1) : m[f];
    view.setUint32(HEADER_BYTES + i * 4, v, true);
  });
  return sealBlock(bytes);
}

export function decodeMeta(key: string, bytes: Uint8Array): ForestMeta {
  const view = openBlock(key, bytes, BlockKind.Meta);
  if (bytes.byteLength !== HEADER_BYTES + FIELDS.length * 4) throw new CorruptBlockError(key, 'unexpected meta length');
  const get = (i: number): number => view.getUint32(HEADER_BYTES + i * 4, true);
  const out: Record<string, number | string> = {};
  FIELDS.forEach((f, i) => (out[f] = get(i)));
  out.split = get(FIELDS.indexOf('split')) === 0 ? 'two-means' : 'random-projection';
  return out as unknown as ForestMeta;
}

export interface TreeDir {
  root: number;
  pageCount: number;
  leafCount: number;
  /** Entries per leaf (dead ones included): lets search count searchK without reading leaves. */
  leafSizes: Uint16Array;
}

export function encodeDir(d: TreeDir): Uint8Array {
  const { bytes, view } = allocBlock(BlockKind.TreeDir, 12 + d.leafCount * 2);
  view.setInt32(HEADER_BYTES, d.root, true);
  view.setUint32(HEADER_BYTES + 4, d.pageCount, true);
  view.setUint32(HEADER_BYTES + 8, d.leafCount, true);
  new Uint16Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES + 12, d.leafCount).set(d.leafSizes.subarray(0, d.leafCount));
  return sealBlock(bytes);
}

export function decodeDir(key: string, bytes: Uint8Array): TreeDir {
  const view = openBlock(key, bytes, BlockKind.TreeDir);
  const leafCount = view.getUint32(HEADER_BYTES + 8, true);
  if (HEADER_BYTES + ((12 + leafCount * 2 + 3) & ~3) !== bytes.byteLength) throw new CorruptBlockError(key, 'leaf table length');
  const leafSizes = new Uint16Array(leafCount);
  leafSizes.set(new Uint16Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES + 12, leafCount));
  return { root: view.getInt32(HEADER_BYTES, true), pageCount: view.getUint32(HEADER_BYTES + 4, true), leafCount, leafSizes };
}

/** Slot→id pages. TOMBSTONE marks a deleted slot (so ids stop at 2^32 − 2). */
export const SLOT_PAGE = 8192;
export const TOMBSTONE = 0xffffffff;

export function encodeSlots(ids: Uint32Array, page: number): Uint8Array {
  const { bytes } = allocBlock(BlockKind.Slots, SLOT_PAGE * 4);
  const src = ids.subarray(page * SLOT_PAGE, Math.min(ids.length, (page + 1) * SLOT_PAGE));
  const dst = new Uint32Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES, SLOT_PAGE);
  dst.fill(TOMBSTONE);
  dst.set(src);
  return sealBlock(bytes);
}

export function decodeSlots(key: string, bytes: Uint8Array): Uint32Array {
  openBlock(key, bytes, BlockKind.Slots);
  if (bytes.byteLength !== HEADER_BYTES + SLOT_PAGE * 4) throw new CorruptBlockError(key, 'slot page length');
  return new Uint32Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES, SLOT_PAGE);
}

/** Format 4: the centroid of the vectors the forest was built from (zeros when built empty). */
export function encodeCentroid(c: Float32Array): Uint8Array {
  const { bytes } = allocBlock(BlockKind.Centroid, c.length * 4);
  new Float32Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES, c.length).set(c);
  return sealBlock(bytes);
}

export function decodeCentroid(key: string, bytes: Uint8Array, dim: number): Float32Array<ArrayBuffer> {
  openBlock(key, bytes, BlockKind.Centroid);
  if (bytes.byteLength !== HEADER_BYTES + dim * 4) throw new CorruptBlockError(key, `centroid of ${bytes.byteLength} bytes, expected ${HEADER_BYTES + dim * 4} for ${dim} dims`);
  const c = new Float32Array(dim);
  c.set(new Float32Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES, dim));
  return c;
}
