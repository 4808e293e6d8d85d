// Sketch pages: the 1-bit sketch (sketch.ts) of SKETCH_PAGE consecutive slots, factors then
// words. The forest keeps every page resident (52 bytes a vector at 384-d, 3 % of the float
// vectors), so estimating a leaf entry needs no read; a page is rewritten when an add fills it.
import { allocBlock, BlockKind, HEADER_BYTES, openBlock, sealBlock } from './block-codec.ts';
import { CorruptBlockError } from './errors.ts';
import { sketchWords } from './sketch.ts';

export const SKETCH_PAGE = 1024;

/** The resident sketch table: factors[slot], words[slot·w … slot·w + w). */
export interface SketchRows {
  words: Uint32Array;
  factors: Float32Array;
}

export function encodeSketchPage(rows: SketchRows, page: number, dim: number): Uint8Array {
  const w = sketchWords(dim), from = page * SKETCH_PAGE;
  const n = Math.max(0, Math.min(SKETCH_PAGE, rows.factors.length - from));
  const { bytes } = allocBlock(BlockKind.Sketches, SKETCH_PAGE * 4 * (1 + w));
  const base = bytes.byteOffset + HEADER_BYTES;
  new Float32Array(bytes.buffer, base, SKETCH_PAGE).set(rows.factors.subarray(from, from + n));
  new Uint32Array(bytes.buffer, base + SKETCH_PAGE * 4, SKETCH_PAGE * w).set(rows.words.subarray(from * w, (from + n) * w));
  return sealBlock(bytes);
}

/** Copies a page into the table (slots from page·SKETCH_PAGE, as many as the table holds). */
export function decodeSketchPage(key: string, bytes: Uint8Array, page: number, dim: number, into: SketchRows): void {
  openBlock(key, bytes, BlockKind.Sketches);
  const w = sketchWords(dim);
  if (bytes.byteLength !== HEADER_BYTES + SKETCH_PAGE * 4 * (1 + w)) throw new CorruptBlockError(key, `sketch page of ${bytes.byteLength} bytes, expected ${HEADER_BYTES + SKETCH_PAGE * 4 * (1 + w)} for ${dim} dims`);
  const from = page * SKETCH_PAGE, n = Math.max(0, Math.min(SKETCH_PAGE, into.factors.length - from));
  const base = bytes.byteOffset + HEADER_BYTES;
  into.factors.set(new Float32Array(bytes.buffer, base, n), from);
  into.words.set(new Uint32Array(bytes.buffer, base + SKETCH_PAGE * 4, n * w), from * w);
}
