// Leaf block: the vectors live with their leaf, so one read yields a whole
// candidate group. Layout (SoA), format version 2: count, pad, slots u32[],
// scales f32[], sketch factors f32[], sketch words u32[count·⌈dim/32⌉], codes i8[].
// Version 1 had no sketch (factors and words); its sketch is computed at decode.
import { allocBlock, BlockKind, blockVersion, HEADER_BYTES, openBlock, sealBlock } from './block-codec.ts';
import { CorruptBlockError } from './errors.ts';
import { sketchRows, sketchWords, type RowSketches } from './sketch.ts';

export interface LeafBlock {
  readonly count: number;
  readonly slots: Uint32Array;
  readonly scales: Float32Array;
  readonly codes: Int8Array;
  /** Per entry ‖c‖/Σ|c_i| and ⌈dim/32⌉ sign words (sketch.ts), for the cheap estimate. */
  readonly factors: Float32Array;
  readonly sketch: Uint32Array;
  /** The sealed bytes the views point into. */
  readonly bytes: Uint8Array;
  /** What the cache accounts for: the bytes plus a sketch computed at decode (version 1). */
  readonly residentBytes: number;
}

const perEntry = (dim: number): number => 12 + sketchWords(dim) * 4 + dim;

export function leafBytes(count: number, dim: number): number {
  return HEADER_BYTES + ((8 + count * perEntry(dim) + 3) & ~3);
}

/**
 * Encodes `count` entries; `codes` holds count·dim bytes in entry order. `sketch`, if given, holds
 * the entries' sketches in the same order (a build copies them); otherwise they are computed.
 */
export function encodeLeaf(slots: Uint32Array, scales: Float32Array, codes: Int8Array, count: number, dim: number, sketch?: RowSketches): Uint8Array {
  const b = newLeaf(count, dim);
  b.slots.set(slots.subarray(0, count));
  b.scales.set(scales.subarray(0, count));
  b.codes.set(codes.subarray(0, count * dim));
  if (!sketch) return sealLeaf(b, dim).bytes;
  b.factors.set(sketch.factors.subarray(0, count));
  b.sketch.set(sketch.words.subarray(0, count * sketchWords(dim)));
  return sealBlock(b.bytes);
}

/** An unsealed leaf the caller fills, then seals with sealLeaf (computes sketches) or sealBlock (copied them; saves work on add). */
export function newLeaf(count: number, dim: number): LeafBlock {
  const { bytes, view } = allocBlock(BlockKind.Leaf, 8 + count * perEntry(dim));
  view.setUint32(HEADER_BYTES, count, true);
  return decodeLeaf('new', bytes, dim, true);
}

/** Computes the sketch from the codes, then the checksum. */
export function sealLeaf(b: LeafBlock, dim: number): LeafBlock {
  sketchRows(b.codes, b.count, dim, b.sketch, b.factors);
  sealBlock(b.bytes);
  return b;
}

export function decodeLeaf(key: string, bytes: Uint8Array, dim: number, trusted = false): LeafBlock {
  const view = openBlock(key, bytes, BlockKind.Leaf, trusted);
  const count = view.getUint32(HEADER_BYTES, true);
  const base = bytes.byteOffset + HEADER_BYTES + 8, w = sketchWords(dim);
  if (blockVersion(view) === 1) {
    if (HEADER_BYTES + ((8 + count * (8 + dim) + 3) & ~3) !== bytes.byteLength) throw new CorruptBlockError(key, `leaf of ${count} entries has ${bytes.byteLength} bytes`);
    const codes = new Int8Array(bytes.buffer, base + count * 8, count * dim);
    const factors = new Float32Array(count), sketch = new Uint32Array(count * w);
    sketchRows(codes, count, dim, sketch, factors);
    const slots = new Uint32Array(bytes.buffer, base, count), scales = new Float32Array(bytes.buffer, base + count * 4, count);
    return { count, slots, scales, codes, factors, sketch, bytes, residentBytes: bytes.byteLength + factors.byteLength + sketch.byteLength };
  }
  if (leafBytes(count, dim) !== bytes.byteLength) throw new CorruptBlockError(key, `leaf of ${count} entries has ${bytes.byteLength} bytes`);
  return {
    count,
    slots: new Uint32Array(bytes.buffer, base, count),
    scales: new Float32Array(bytes.buffer, base + count * 4, count),
    factors: new Float32Array(bytes.buffer, base + count * 8, count),
    sketch: new Uint32Array(bytes.buffer, base + count * 12, count * w),
    codes: new Int8Array(bytes.buffer, base + count * (12 + w * 4), count * dim),
    bytes,
    residentBytes: bytes.byteLength,
  };
}
