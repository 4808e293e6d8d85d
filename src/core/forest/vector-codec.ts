// Vector block: one slot's unit vector, stored once for all trees. Leaves carry only slots
// (leaf-codec.ts), so a query reads the few vectors it re-ranks, one small block each.
// Format 4 stores it as float16 (half.ts); format 3 stored an int8 code and a scale, still read
// so such a forest can be upgraded (rebuild.ts) and inspected.
import { allocBlock, BlockKind, blockVersion, HEADER_BYTES, openBlock, sealBlock } from './block-codec.ts';
import { CorruptBlockError } from './errors.ts';
import { fromHalf } from './half.ts';

export interface VectorBlock {
  /** The unit vector as float16 bits. */
  readonly half: Uint16Array;
  readonly bytes: Uint8Array;
}

export const vectorBytes = (dim: number): number => HEADER_BYTES + ((2 * dim + 3) & ~3);
const v3Bytes = (dim: number): number => HEADER_BYTES + ((4 + dim + 3) & ~3);

/** Encodes row `row` of `half` (count·dim float16 bits). */
export function encodeVector(half: Uint16Array, row: number, dim: number): Uint8Array {
  const { bytes } = allocBlock(BlockKind.Vector, 2 * dim);
  new Uint16Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES, dim).set(half.subarray(row * dim, row * dim + dim));
  return sealBlock(bytes);
}

export function decodeVector(key: string, bytes: Uint8Array, dim: number, trusted = false): VectorBlock {
  const view = openBlock(key, bytes, BlockKind.Vector, trusted);
  if (blockVersion(view) < 4) throw new CorruptBlockError(key, `a format ${blockVersion(view)} vector block in a format 4 forest`);
  if (bytes.byteLength !== vectorBytes(dim)) throw new CorruptBlockError(key, `vector block of ${bytes.byteLength} bytes, expected ${vectorBytes(dim)} for ${dim} dims`);
  return { half: new Uint16Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES, dim), bytes };
}

/** The stored vector as floats, of a block of any format that has vector blocks (3 and up). */
export function decodeStoredVector(key: string, bytes: Uint8Array, dim: number, out: Float32Array, outOff = 0): void {
  const view = openBlock(key, bytes, BlockKind.Vector);
  if (blockVersion(view) >= 4) {
    const { half } = decodeVector(key, bytes, dim, true);
    for (let i = 0; i < dim; i++) out[outOff + i] = fromHalf(half[i]);
    return;
  }
  if (bytes.byteLength !== v3Bytes(dim)) throw new CorruptBlockError(key, `vector block of ${bytes.byteLength} bytes, expected ${v3Bytes(dim)} for ${dim} dims`);
  const scale = view.getFloat32(HEADER_BYTES, true), code = new Int8Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES + 4, dim);
  for (let i = 0; i < dim; i++) out[outOff + i] = code[i] * scale;
}
