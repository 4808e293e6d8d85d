// How the library writes a photo: its row from an analysis, its vectors quantized to int8 for
// the store, and as the forests hold them; and an imported batch staged per forest.
import { unitScaleOf } from '../../src/core/archive/vectors';
import { quantizeVector } from '../../src/core/forest/vector-math';
import type { ImageRow, VectorRow } from '../../src/storage/rows';
import type { PreparedImage } from './analyze-image';
import type { ForestSlot } from './forest-slot';

export function quantize(v: Float32Array): { codes: Int8Array; scale: number } {
  const codes = new Int8Array(v.length);
  return { codes, scale: quantizeVector(v, codes, 0) };
}

/**
 * The vector the forests hold for a photo: its stored int8 codes at unit length, computed as an
 * import computes it from a library file (code × unitScaleOf(code), in float32; Forest.addQuantized).
 * So the vector store, both forests and an exported file hold one vector, and an imported library
 * ranks exactly as the exported one (the forest stores it as float16, which holds it within 5e-4).
 */
export function forestVector(codes: Int8Array): Float32Array {
  const u = Math.fround(unitScaleOf(codes));
  return Float32Array.from(codes, (c) => c * u);
}

export function dequantize(codes: Int8Array, scale: number): Float32Array {
  return Float32Array.from(codes, (c) => c * scale);
}

/** A photo read from a library file, ready to be written (its id is the library's to give). */
export interface ImportItem {
  row: Omit<ImageRow, 'id'>;
  thumb: Blob;
  vectors: VectorRow;
  /** Per forest: the row as the forest holds it (code, unit scale) and whether the chosen models made it. */
  text: ForestRow;
  visual: ForestRow;
}

export interface ForestRow {
  codes: Int8Array;
  unitScale: number;
  current: boolean;
}

/** The stored row of an analysed image under id `id`. */
export function imageRow(id: number, p: PreparedImage): ImageRow {
  const row: ImageRow = {
    id,
    sha256: p.sha256,
    name: p.meta.name,
    path: p.meta.path,
    size: p.size,
    type: p.meta.type,
    width: p.width,
    height: p.height,
    addedAt: Date.now(),
    takenAt: p.meta.lastModified,
    record: p.record,
  };
  if (p.phash) row.phash = p.phash;
  return row;
}

export /** Stages one forest's rows of a batch, grouped by dimension, the chosen models' first (they decide a new generation). */
async function stageImported(slot: ForestSlot, ids: readonly number[], rows: readonly ForestRow[]): Promise<void> {
  const groups = new Map<string, { dim: number; current: boolean; ids: number[]; rows: ForestRow[] }>();
  rows.forEach((r, k) => {
    const key = `${r.current}:${r.codes.length}`;
    const g = groups.get(key) ?? { dim: r.codes.length, current: r.current, ids: [], rows: [] };
    g.ids.push(ids[k]!);
    g.rows.push(r);
    groups.set(key, g);
  });
  for (const g of [...groups.values()].sort((a, b) => Number(b.current) - Number(a.current))) {
    const codes = new Int8Array(g.rows.length * g.dim);
    g.rows.forEach((r, k) => codes.set(r.codes, k * g.dim));
    await slot.stageAddRows(
      g.ids,
      codes,
      Float32Array.from(g.rows, (r) => r.unitScale),
      g.dim,
      g.current,
    );
  }
}
