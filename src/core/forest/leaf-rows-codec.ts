// Leaf rows: a leaf's entries' sketch rows (SketchRows layout, entry order) stored beside the
// leaf, for a store where every read is a round trip (a pack read over HTTP). A forest opened
// with `sketchInLeaves` reads no sketch table at open (52 bytes a slot at 384-d: 5 MB at 100k)
// and takes each leaf's rows with the leaf instead: a query's estimates cost the bytes of the
// leaves it reads, and opening costs the meta, directories and slot table only.
import { allocBlock, BlockKind, HEADER_BYTES, openBlock, sealBlock } from './block-codec.ts';
import { CorruptBlockError } from './errors.ts';
import { sketchWords } from './sketch.ts';

export function encodeLeafRows(rows: Uint32Array, count: number, stride: number): Uint8Array {
  const { bytes, view } = allocBlock(BlockKind.LeafRows, 8 + rows.byteLength);
  view.setUint32(HEADER_BYTES, count, true);
  view.setUint32(HEADER_BYTES + 4, stride, true);
  new Uint32Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES + 8, count * stride).set(rows.subarray(0, count * stride));
  return sealBlock(bytes);
}

/** The rows of a leaf of `count` entries at `dim` dimensions (a view into `bytes`). */
export function decodeLeafRows(key: string, bytes: Uint8Array, count: number, dim: number, trusted = false): Uint32Array {
  const view = openBlock(key, bytes, BlockKind.LeafRows, trusted);
  // SketchRows' stride: the sign words, the rescale factor, the packed add and error factors.
  const stride = sketchWords(dim) + 2;
  if (view.getUint32(HEADER_BYTES, true) !== count || view.getUint32(HEADER_BYTES + 4, true) !== stride || bytes.byteLength !== HEADER_BYTES + 8 + count * stride * 4) {
    throw new CorruptBlockError(key, `leaf rows of ${bytes.byteLength} bytes do not fit a leaf of ${count} entries at ${dim} dimensions`);
  }
  return new Uint32Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES + 8, count * stride);
}

