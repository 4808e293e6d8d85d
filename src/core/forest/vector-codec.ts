// Vector block: one slot's int8 code and scale, stored once for all trees. Leaves carry only
// sketches (leaf-codec.ts), so a query reads the few vectors it re-ranks, one small block each.
import { allocBlock, BlockKind, HEADER_BYTES, openBlock, sealBlock } from './block-codec.ts';
import { CorruptBlockError } from './errors.ts';

export interface VectorBlock {
  readonly scale: number;
  readonly code: Int8Array;
  readonly bytes: Uint8Array;
}

export const vectorBytes = (dim: number): number => HEADER_BYTES + ((4 + dim + 3) & ~3);

/** Encodes row `row` of `codes` (count·dim int8) with its scale. */
export function encodeVector(scale: number, codes: Int8Array, row: number, dim: number): Uint8Array {
  const { bytes, view } = allocBlock(BlockKind.Vector, 4 + dim);
  view.setFloat32(HEADER_BYTES, scale, true);
  bytes.set(codes.subarray(row * dim, row * dim + dim), HEADER_BYTES + 4);
  return sealBlock(bytes);
}

export function decodeVector(key: string, bytes: Uint8Array, dim: number, trusted = false): VectorBlock {
  const view = openBlock(key, bytes, BlockKind.Vector, trusted);
  if (bytes.byteLength !== vectorBytes(dim)) throw new CorruptBlockError(key, `vector block of ${bytes.byteLength} bytes, expected ${vectorBytes(dim)} for ${dim} dims`);
  return { scale: view.getFloat32(HEADER_BYTES, true), code: new Int8Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES + 4, dim), bytes };
}
