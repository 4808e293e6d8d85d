// The resident sketch table and its pages. Row r holds slot r's 1-bit sketch (sketch.ts): its
// sign words (one bit per rotated dim), its rescale factor as float bits, then its add and error
// factors packed in one word (56 bytes at 384-d, 3.6 % of the float vectors). One row is read
// per candidate, at random: words and factors side by side cost one cache miss, not two. Stored as pages of SKETCH_PAGE rows, and an add rewrites its page:
// 256 rows keep that write small for the app's one-photo commits (13 KB at 384-d).
import { allocBlock, BlockKind, HEADER_BYTES, openBlock, sealBlock } from './block-codec.ts';
import { CorruptBlockError } from './errors.ts';
import { sketchWords } from './sketch.ts';

export const SKETCH_PAGE = 256;

export class SketchRows {
  readonly stride: number;
  readonly u32: Uint32Array;
  /** The same buffer as floats: the rescale factor of slot r is f32[r·stride + stride − 2]. */
  readonly f32: Float32Array;

  constructor(readonly dim: number, readonly capacity: number) {
    this.stride = sketchWords(dim) + 2;
    this.u32 = new Uint32Array(capacity * this.stride);
    this.f32 = new Float32Array(this.u32.buffer);
  }

  get byteLength(): number {
    return this.u32.byteLength;
  }

  /** Rows [base, base + n) from the rows of another table (the sketches of a batch). */
  setRows(base: number, from: SketchRows): void {
    this.u32.set(from.u32, base * this.stride);
  }

  /** A copy with room for `capacity` rows. */
  grown(capacity: number): SketchRows {
    const t = new SketchRows(this.dim, capacity);
    t.u32.set(this.u32);
    return t;
  }
}

const pageBytes = (dim: number): number => SKETCH_PAGE * (sketchWords(dim) + 2) * 4;

/** Page p: rows [p·SKETCH_PAGE, …) of the first `rows` slots of the table, zero-padded. */
export function encodeSketchPage(t: SketchRows, rows: number, page: number): Uint8Array {
  const from = page * SKETCH_PAGE * t.stride, to = Math.min(rows, (page + 1) * SKETCH_PAGE) * t.stride;
  const { bytes } = allocBlock(BlockKind.Sketches, pageBytes(t.dim));
  new Uint32Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES, SKETCH_PAGE * t.stride).set(t.u32.subarray(from, Math.max(from, to)));
  return sealBlock(bytes);
}

/** Copies page p into the table (as many of its rows as the table holds). */
export function decodeSketchPage(key: string, bytes: Uint8Array, page: number, into: SketchRows): void {
  openBlock(key, bytes, BlockKind.Sketches);
  if (bytes.byteLength !== HEADER_BYTES + pageBytes(into.dim)) throw new CorruptBlockError(key, `sketch page of ${bytes.byteLength} bytes, expected ${HEADER_BYTES + pageBytes(into.dim)} for ${into.dim} dims`);
  const from = page * SKETCH_PAGE, n = Math.max(0, Math.min(SKETCH_PAGE, into.capacity - from));
  into.u32.set(new Uint32Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES, n * into.stride), from * into.stride);
}

/**
 * The sketch rows of these slots, in order. Rows of `prev` (an older copy of the leaf, its
 * slots and rows) are copied from it while its slots line up in order, as they do after an add
 * appends to a leaf: reading the 52 MB table at random for every entry of every rewritten leaf
 * was most of an add's time at 1M.
 */
export function copySketchRows(table: SketchRows, slots: Uint32Array, prev?: { readonly slots: Uint32Array; rows?: Uint32Array }): Uint32Array {
  const { u32, stride } = table, rows = new Uint32Array(slots.length * stride);
  const pr = prev?.rows, ps = prev?.slots;
  // The common case, an add that appends: the old rows are one prefix, copied in one go.
  let j = 0;
  if (pr && ps) while (j < slots.length && j < ps.length && slots[j] === ps[j]) j++;
  if (pr && j) rows.set(pr.subarray(0, j * stride));
  for (let i = j, o = j * stride; i < slots.length; i++) {
    const slot = slots[i];
    let from = u32, at = slot * stride;
    if (pr && ps) {
      while (j < ps.length && ps[j] !== slot) j++;
      if (j < ps.length) {
        from = pr;
        at = j * stride;
      }
    }
    // A word loop: a subarray per row (two allocations) cost more than the copy.
    for (let a = at, e = at + stride; a < e; a++) rows[o++] = from[a];
  }
  return rows;
}
