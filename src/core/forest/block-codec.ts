// Every stored block: a 16-byte header (magic, format version, kind, length,
// checksum) then a 4-aligned payload. Decoders get typed views, never copies.
import { checksum32 } from './checksum.ts';
import { CorruptBlockError, FormatVersionError } from './errors.ts';

/**
 * Written by this build. 2: leaf blocks carry a sign sketch per entry. 3: leaves hold slots only;
 * each slot's sketch is stored once (sketch pages) and its vector once (a Vector block). 4: the
 * sketch is RaBitQ's (rotated, centred on the stored centroid, with its error factor) and the
 * vector is float16 (sketch.ts, half.ts).
 */
export const FORMAT_VERSION = 4;
/** Oldest version still read: a forest older than 4 is upgraded on open (Forest.upgrade). */
export const MIN_FORMAT_VERSION = 1;
export const HEADER_BYTES = 16;
const MAGIC = 0x42464c47; // "GLFB"

/**
 * LeafRows (leaf-rows.ts) sit beside leaves only in stores opened with `sketchInLeaves`; Centroid
 * (format 4) holds the point the sketches are centred on.
 */
export const BlockKind = { Meta: 1, TreeDir: 2, NodePage: 3, Leaf: 4, Slots: 5, Vector: 6, Sketches: 7, LeafRows: 8, Centroid: 9 } as const;
export type BlockKind = (typeof BlockKind)[keyof typeof BlockKind];

export function blockVersion(view: DataView): number {
  return view.getUint16(4, true);
}

/** Allocates a block with room for `payloadBytes` (rounded up to 4). */
export function allocBlock(kind: BlockKind, payloadBytes: number): { bytes: Uint8Array; view: DataView } {
  const len = (payloadBytes + 3) & ~3;
  const bytes = new Uint8Array(HEADER_BYTES + len);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(0, MAGIC, true);
  view.setUint16(4, FORMAT_VERSION, true);
  view.setUint8(6, kind);
  view.setUint32(8, len, true);
  return { bytes, view };
}

/** Seals a block after its payload is written. */
export function sealBlock(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(12, headerSum(view, checksum32(bytes, HEADER_BYTES, bytes.byteLength)), true);
  return bytes;
}

/**
 * Checks magic, version, kind, length and (unless `trusted`, i.e. bytes we just
 * encoded ourselves) the checksum.
 */
export function openBlock(key: string, bytes: Uint8Array, kind: BlockKind, trusted = false): DataView {
  if (bytes.byteLength < HEADER_BYTES) throw new CorruptBlockError(key, `only ${bytes.byteLength} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new CorruptBlockError(key, 'bad magic number');
  const version = view.getUint16(4, true);
  if (version < MIN_FORMAT_VERSION || version > FORMAT_VERSION) throw new FormatVersionError(key, version, MIN_FORMAT_VERSION, FORMAT_VERSION);
  if (view.getUint8(6) !== kind) throw new CorruptBlockError(key, `kind ${view.getUint8(6)}, expected ${kind}`);
  const len = view.getUint32(8, true);
  if (len !== bytes.byteLength - HEADER_BYTES) throw new CorruptBlockError(key, `length ${len} does not match ${bytes.byteLength - HEADER_BYTES}`);
  if (trusted) return view;
  const stored = view.getUint32(12, true);
  const computed = headerSum(view, checksum32(bytes, HEADER_BYTES, bytes.byteLength));
  if (stored !== computed) throw new CorruptBlockError(key, `checksum 0x${stored.toString(16)} ≠ 0x${computed.toString(16)}`);
  return view;
}

// Folds version, kind and length into the payload checksum so header damage is caught too.
function headerSum(view: DataView, payloadSum: number): number {
  let h = payloadSum;
  h = Math.imul(h ^ view.getUint32(4, true), 0x01000193);
  h = Math.imul(h ^ view.getUint32(8, true), 0x01000193);
  return (h ^ (h >>> 15)) >>> 0;
}
