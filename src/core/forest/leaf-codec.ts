// Leaf block: the slots of one leaf's entries (4 bytes each, ascending), format version 3. An entry's
// sketch lives once per slot in the resident sketch table (sketch-codec.ts) and its int8 vector
// in a Vector block (vector-codec.ts), so the 16 trees do not repeat them: all leaves of a 1M
// forest take 64 MB, which a 10 % memory budget can hold.
// Versions 1 and 2 kept each entry's scale and code in the leaf (v2 also its sketch); they are
// still decoded, as `legacy`, so an old forest can be upgraded (rebuild.ts) and inspected.
import { allocBlock, BlockKind, blockVersion, HEADER_BYTES, openBlock, sealBlock } from './block-codec.ts';
import { CorruptBlockError } from './errors.ts';
import { sketchWords } from './sketch.ts';

export interface LeafBlock {
  readonly count: number;
  readonly slots: Uint32Array;
  /** Versions 1–2 only: the entries' scales and codes, which those leaves stored. */
  readonly legacy?: { readonly scales: Float32Array; readonly codes: Int8Array };
  /**
   * The entries' sketch rows in entry order (SketchRows layout), copied from the sketch table when
   * the memory budget holds every leaf that way (ForestState): estimates then read one leaf
   * sequentially instead of the table at random.
   */
  rows?: Uint32Array;
}

export function leafBytes(count: number): number {
  return HEADER_BYTES + 8 + count * 4;
}

/** Slots are stored ascending (leaf-pack.ts needs them so; leaves written before may not be). */
export function encodeLeaf(slots: Uint32Array, count: number): Uint8Array {
  const { bytes, view } = allocBlock(BlockKind.Leaf, 8 + count * 4);
  view.setUint32(HEADER_BYTES, count, true);
  const body = new Uint32Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES + 8, count);
  body.set(slots.subarray(0, count));
  body.sort();
  return sealBlock(bytes);
}

export function decodeLeaf(key: string, bytes: Uint8Array, dim: number, trusted = false): LeafBlock {
  const view = openBlock(key, bytes, BlockKind.Leaf, trusted);
  const count = view.getUint32(HEADER_BYTES, true);
  const version = blockVersion(view);
  if (version < 3) return decodeLegacy(key, bytes, dim, count, version);
  if (leafBytes(count) !== bytes.byteLength) throw new CorruptBlockError(key, `leaf of ${count} entries has ${bytes.byteLength} bytes`);
  return { count, slots: new Uint32Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES + 8, count) };
}

/** v1: slots, scales, codes. v2: slots, scales, factors, sketch words, codes. */
function decodeLegacy(key: string, bytes: Uint8Array, dim: number, count: number, version: number): LeafBlock {
  const sketched = version === 2, w = sketchWords(dim);
  const entry = 8 + dim + (sketched ? 4 + 4 * w : 0);
  if (HEADER_BYTES + ((8 + count * entry + 3) & ~3) !== bytes.byteLength) throw new CorruptBlockError(key, `leaf of ${count} entries has ${bytes.byteLength} bytes`);
  const base = bytes.byteOffset + HEADER_BYTES + 8;
  const slots = new Uint32Array(bytes.buffer, base, count), scales = new Float32Array(bytes.buffer, base + count * 4, count);
  const codes = new Int8Array(bytes.buffer, base + count * (sketched ? 12 + 4 * w : 8), count * dim);
  return { count, slots, legacy: { scales, codes } };
}
