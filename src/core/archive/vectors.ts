// A vector entry's bytes (little-endian): `rows` float32 scales, then `rows` float32 unit scales,
// then `rows × dim` int8 codes, row after row. code × scale is the model's vector as the library
// stores it; code × unitScale is that vector at unit length, exactly as the search index holds it
// (so an import rebuilds an index that ranks as the exported one did).
import { LibraryFileError } from './errors.ts';

export interface StoredRow {
  codes: Int8Array;
  scale: number;
  unitScale: number;
}

export interface VectorRows {
  dim: number;
  scales: Float32Array;
  unitScales: Float32Array;
  codes: Int8Array;
}

export const vectorEntryBytes = (rows: number, dim: number): number => rows * (8 + dim);

/** The scale that makes `codes` unit length: what a forest holds for a vector it did not quantize itself. */
export function unitScaleOf(codes: Int8Array): number {
  let ss = 0;
  for (const c of codes) ss += c * c;
  return ss > 0 ? 1 / Math.sqrt(ss) : 0;
}

export function encodeVectorRows(rows: readonly StoredRow[], dim: number): Uint8Array {
  const n = rows.length;
  const out = new Uint8Array(vectorEntryBytes(n, dim));
  const view = new DataView(out.buffer);
  rows.forEach((r, i) => {
    if (r.codes.length !== dim) throw new Error(`vector ${i} has ${r.codes.length} dimensions, not ${dim}`);
    view.setFloat32(i * 4, r.scale, true);
    view.setFloat32(n * 4 + i * 4, r.unitScale, true);
    out.set(new Uint8Array(r.codes.buffer, r.codes.byteOffset, dim), n * 8 + i * dim);
  });
  return out;
}

/** Decodes and checks an entry: its size, finite positive scales, unit scales that make each code unit length, no all-zero vector. */
export function decodeVectorRows(bytes: Uint8Array, rows: number, dim: number, entry: string, fileName: string): VectorRows {
  if (bytes.byteLength !== vectorEntryBytes(rows, dim)) {
    throw new LibraryFileError('dimension', fileName, `its entry ${entry} holds ${bytes.byteLength} bytes, where ${rows} vectors of ${dim} dimensions take ${vectorEntryBytes(rows, dim)}.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const scales = new Float32Array(rows), unitScales = new Float32Array(rows);
  const codes = new Int8Array(bytes.buffer, bytes.byteOffset + rows * 8, rows * dim).slice();
  const bad = (i: number, what: string): never => {
    throw new LibraryFileError('not-finite', fileName, `vector ${i} of its entry ${entry} ${what}.`);
  };
  for (let i = 0; i < rows; i++) {
    const s = view.getFloat32(i * 4, true), u = view.getFloat32(rows * 4 + i * 4, true);
    if (!Number.isFinite(s) || s <= 0) bad(i, `has the scale ${s} (a finite number above 0 is needed)`);
    if (!Number.isFinite(u) || u <= 0) bad(i, `has the unit scale ${u} (a finite number above 0 is needed)`);
    const norm = unitScaleOf(codes.subarray(i * dim, (i + 1) * dim));
    if (norm === 0) bad(i, 'is all zeros');
    // Quantization moves the length by well under 5 %; more is not a vector of this code.
    if (Math.abs(u / norm - 1) > 0.05) bad(i, `has a unit scale (${u}) that does not make it unit length`);
    scales[i] = s;
    unitScales[i] = u;
  }
  return { dim, scales, unitScales, codes };
}

/** Row `i`: its codes and both scales. */
export function storedRow(v: VectorRows, i: number): StoredRow {
  return { codes: v.codes.slice(i * v.dim, (i + 1) * v.dim), scale: v.scales[i]!, unitScale: v.unitScales[i]! };
}
