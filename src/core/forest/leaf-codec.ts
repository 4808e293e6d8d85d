// Leaf block: the entries of one leaf and their 1-bit sketches, read together so a query
// estimates a whole candidate group from one block. Layout (SoA), format version 3: count, pad,
// slots u32[], sketch factors f32[], sketch words u32[count·⌈dim/32⌉]. The int8 vectors live in
// Vector blocks, once per slot (vector-codec.ts): a leaf of 400 entries is ~22 KB at 384-d.
// Versions 1 and 2 kept each entry's scale and code in the leaf (v1 without a sketch); they are
// still decoded, as `legacy`, so an old forest can be upgraded (rebuild.ts) and inspected.
import { allocBlock, BlockKind, blockVersion, HEADER_BYTES, openBlock, sealBlock } from './block-codec.ts';
import { CorruptBlockError } from './errors.ts';
import { sketchRows, sketchWords } from './sketch.ts';

export interface LeafBlock {
  readonly count: number;
  readonly slots: Uint32Array;
  /** Per entry ‖c‖/Σ|c_i| and ⌈dim/32⌉ sign words (sketch.ts), for the cheap estimate. */
  readonly factors: Float32Array;
  readonly sketch: Uint32Array;
  /** The sealed bytes the views point into. */
  readonly bytes: Uint8Array;
  /** What the cache accounts for: the bytes plus a sketch computed at decode (version 1). */
  readonly residentBytes: number;
  /** Versions 1–2 only: the entries' scales and codes, which those leaves stored. */
  readonly legacy?: { readonly scales: Float32Array; readonly codes: Int8Array };
}

/** Sketch words and factors of some entries, in entry order. */
export interface EntrySketches {
  readonly words: Uint32Array;
  readonly factors: Float32Array;
}

const perEntry = (dim: number): number => 8 + sketchWords(dim) * 4;

export function leafBytes(count: number, dim: number): number {
  return HEADER_BYTES + 8 + count * perEntry(dim);
}

/** Encodes `count` entries: their slots and sketches (same order). */
export function encodeLeaf(slots: Uint32Array, count: number, dim: number, sketch: EntrySketches): Uint8Array {
  const b = newLeaf(count, dim);
  b.slots.set(slots.subarray(0, count));
  b.factors.set(sketch.factors.subarray(0, count));
  b.sketch.set(sketch.words.subarray(0, count * sketchWords(dim)));
  return sealBlock(b.bytes);
}

/** An unsealed leaf the caller fills, then seals with sealBlock. */
export function newLeaf(count: number, dim: number): LeafBlock {
  const { bytes, view } = allocBlock(BlockKind.Leaf, 8 + count * perEntry(dim));
  view.setUint32(HEADER_BYTES, count, true);
  return decodeLeaf('new', bytes, dim, true);
}

export function decodeLeaf(key: string, bytes: Uint8Array, dim: number, trusted = false): LeafBlock {
  const view = openBlock(key, bytes, BlockKind.Leaf, trusted);
  const count = view.getUint32(HEADER_BYTES, true);
  const version = blockVersion(view);
  if (version < 3) return decodeLegacy(key, bytes, dim, count, version);
  if (leafBytes(count, dim) !== bytes.byteLength) throw new CorruptBlockError(key, `leaf of ${count} entries has ${bytes.byteLength} bytes`);
  const base = bytes.byteOffset + HEADER_BYTES + 8;
  return {
    count,
    slots: new Uint32Array(bytes.buffer, base, count),
    factors: new Float32Array(bytes.buffer, base + count * 4, count),
    sketch: new Uint32Array(bytes.buffer, base + count * 8, count * sketchWords(dim)),
    bytes,
    residentBytes: bytes.byteLength,
  };
}

/** v1: slots, scales, codes. v2: slots, scales, factors, sketch words, codes. */
function decodeLegacy(key: string, bytes: Uint8Array, dim: number, count: number, version: number): LeafBlock {
  const w = sketchWords(dim), sketched = version === 2;
  const entry = 8 + dim + (sketched ? 4 + 4 * w : 0);
  if (HEADER_BYTES + ((8 + count * entry + 3) & ~3) !== bytes.byteLength) throw new CorruptBlockError(key, `leaf of ${count} entries has ${bytes.byteLength} bytes`);
  const base = bytes.byteOffset + HEADER_BYTES + 8;
  const slots = new Uint32Array(bytes.buffer, base, count), scales = new Float32Array(bytes.buffer, base + count * 4, count);
  const codes = new Int8Array(bytes.buffer, base + count * (sketched ? 12 + 4 * w : 8), count * dim);
  if (sketched) {
    const factors = new Float32Array(bytes.buffer, base + count * 8, count), sketch = new Uint32Array(bytes.buffer, base + count * 12, count * w);
    return { count, slots, factors, sketch, bytes, residentBytes: bytes.byteLength, legacy: { scales, codes } };
  }
  const factors = new Float32Array(count), sketch = new Uint32Array(count * w);
  sketchRows(codes, count, dim, sketch, factors);
  return { count, slots, factors, sketch, bytes, residentBytes: bytes.byteLength + factors.byteLength + sketch.byteLength, legacy: { scales, codes } };
}
