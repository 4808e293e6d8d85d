// Reading an open forest's resident tables from the store: the meta block, the tree
// directories, the slot table, the sketch table and the sketch centroid (ForestState.open).
import { blockVersion } from './block-codec.ts';
import { CorruptBlockError } from './errors.ts';
import { decodeCentroid, decodeDir, decodeMeta, decodeSlots, SLOT_PAGE, type ForestMeta, type TreeDir } from './meta-codec.ts';
import { decodeSketchPage, SKETCH_PAGE, SketchRows } from './sketch-codec.ts';
import { centroidKey, dirKey, META_KEY, sketchKey, slotKey, type BlockStore } from './store.ts';

export async function readMeta(store: BlockStore): Promise<ForestMeta | undefined> {
  return (await readMetaBlock(store))?.meta;
}

/** The meta block and its format version (below 4: upgraded on open; below 3: vectors still live in the leaves). */
export async function readMetaBlock(store: BlockStore): Promise<{ meta: ForestMeta; version: number } | undefined> {
  const [bytes] = await store.read([META_KEY]);
  if (!bytes) return undefined;
  const meta = decodeMeta(META_KEY, bytes);
  return { meta, version: blockVersion(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)) };
}

export interface ResidentTables {
  dirs: TreeDir[];
  slotToId: Uint32Array;
  /** Empty when `legacy` or when the rows come with the leaves. */
  sketch: SketchRows;
  centroid: Float32Array;
}

/**
 * The tables an open forest keeps resident. `legacy` (format < 4): no sketch table or centroid
 * is stored. `rowsInLeaves`: the sketch rows are read with each leaf, so no table is read.
 */
export async function readResident(store: BlockStore, meta: ForestMeta, legacy: boolean, rowsInLeaves: boolean): Promise<ResidentTables> {
  const g = meta.generation;
  const dirBytes = await store.read(Array.from({ length: meta.nTrees }, (_, t) => dirKey(g, t)));
  const dirs = dirBytes.map((b, t) => {
    if (!b) throw new CorruptBlockError(dirKey(g, t), 'missing');
    return decodeDir(dirKey(g, t), b);
  });
  const pages = Math.ceil(meta.slotCount / SLOT_PAGE);
  const slotBytes = await store.read(Array.from({ length: pages }, (_, p) => slotKey(g, p)));
  const slotToId = new Uint32Array(Math.max(meta.slotCount, 1));
  slotBytes.forEach((b, p) => {
    if (!b) throw new CorruptBlockError(slotKey(g, p), 'missing');
    const ids = decodeSlots(slotKey(g, p), b);
    slotToId.set(ids.subarray(0, Math.min(SLOT_PAGE, meta.slotCount - p * SLOT_PAGE)), p * SLOT_PAGE);
  });
  // The sketch table, resident: every leaf entry is estimated from it without a read.
  const sketch = new SketchRows(meta.dim, legacy || rowsInLeaves ? 0 : slotToId.length);
  if (!legacy && !rowsInLeaves) {
    const keys = Array.from({ length: Math.ceil(meta.slotCount / SKETCH_PAGE) }, (_, p) => sketchKey(g, p));
    (await store.read(keys)).forEach((b, p) => {
      if (!b) throw new CorruptBlockError(keys[p], 'missing');
      decodeSketchPage(keys[p], b, p, sketch);
    });
  }
  let centroid: Float32Array = new Float32Array(meta.dim);
  if (!legacy) {
    const [c] = await store.read([centroidKey(g)]);
    if (!c) throw new CorruptBlockError(centroidKey(g), 'missing');
    centroid = decodeCentroid(centroidKey(g), c, meta.dim);
  }
  return { dirs, slotToId, sketch, centroid };
}
