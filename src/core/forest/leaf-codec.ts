// Leaf block: the vectors live with their leaf, so one read yields a whole
// candidate group. Layout (SoA): count, pad, slots u32[], scales f32[], codes i8[].
import { allocBlock, BlockKind, HEADER_BYTES, openBlock, sealBlock } from './block-codec.ts';
import { CorruptBlockError } from './errors.ts';

export interface LeafBlock {
  readonly count: number;
  readonly slots: Uint32Array;
  readonly scales: Float32Array;
  readonly codes: Int8Array;
  /** The sealed bytes the views point into (what the cache accounts for). */
  readonly bytes: Uint8Array;
}

export function leafBytes(count: number, dim: number): number {
  return HEADER_BYTES + ((8 + count * 8 + count * dim + 3) & ~3);
}

/** Encodes `count` entries; `codes` holds count·dim bytes in entry order. */
export function encodeLeaf(slots: Uint32Array, scales: Float32Array, codes: Int8Array, count: number, dim: number): Uint8Array {
  const b = newLeaf(count, dim);
  b.slots.set(slots.subarray(0, count));
  b.scales.set(scales.subarray(0, count));
  b.codes.set(codes.subarray(0, count * dim));
  return sealLeaf(b).bytes;
}

/** An unsealed leaf whose views the caller fills, then seals with sealLeaf (saves a copy on add). */
export function newLeaf(count: number, dim: number): LeafBlock {
  const { bytes, view } = allocBlock(BlockKind.Leaf, 8 + count * 8 + count * dim);
  view.setUint32(HEADER_BYTES, count, true);
  return decodeLeaf('new', bytes, dim, true);
}

export function sealLeaf(b: LeafBlock): LeafBlock {
  sealBlock(b.bytes);
  return b;
}

export function decodeLeaf(key: string, bytes: Uint8Array, dim: number, trusted = false): LeafBlock {
  const view = openBlock(key, bytes, BlockKind.Leaf, trusted);
  const count = view.getUint32(HEADER_BYTES, true);
  if (leafBytes(count, dim) !== bytes.byteLength) throw new CorruptBlockError(key, `leaf of ${count} entries has ${bytes.byteLength} bytes`);
  const base = bytes.byteOffset + HEADER_BYTES + 8;
  return {
    count,
    slots: new Uint32Array(bytes.buffer, base, count),
    scales: new Float32Array(bytes.buffer, base + count * 4, count),
    codes: new Int8Array(bytes.buffer, base + count * 8, count * dim),
    bytes,
  };
}
