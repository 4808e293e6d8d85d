// Weight initializers, fp32 or int8. Bytes are produced lazily at write time (see protobuf.ts),
// so a full-size model never holds more than one tensor in memory.
import { endianness } from 'node:os';
import type { GraphBuilder } from './graph.ts';
import { DataType } from './onnx-proto.ts';
import { uniformBound, uniformF32 } from './rng.ts';

// raw_data is little-endian; we hand typed-array bytes over as they are.
if (endianness() !== 'LE') throw new Error('the ONNX test-model generator needs a little-endian host');

/** Default std for random weights, BERT/GPT-2's initializer_range. */
export const WEIGHT_STD = 0.02;

const count = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);
const bytesOf = (a: Float32Array | Int8Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Source of a weight's values; `transposeOf` reuses another 2-D tensor's stream, transposed (tied lm_head). */
interface Source {
  name: string;
  dims: readonly number[];
  std: number;
  transposeOf?: string;
}

function values(g: GraphBuilder, s: Source): Float32Array {
  if (!s.transposeOf) return uniformF32(g.opts.seed, s.name, count(s.dims), s.std);
  const [rows, cols] = s.dims as [number, number];
  const src = uniformF32(g.opts.seed, s.transposeOf, rows * cols, s.std); // laid out [cols, rows]
  const out = new Float32Array(rows * cols);
  for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) out[r * cols + c] = src[c * rows + r]!;
  return out;
}

export function randomF32(g: GraphBuilder, name: string, dims: readonly number[], std = WEIGHT_STD): string {
  const source = { name, dims, std };
  return g.initializer({
    name,
    dataType: DataType.FLOAT,
    dims,
    raw: { length: count(dims) * 4, produce: () => bytesOf(values(g, source)) },
  });
}

export function filledF32(g: GraphBuilder, name: string, dims: readonly number[], value: number): string {
  const n = count(dims);
  return g.initializer({
    name,
    dataType: DataType.FLOAT,
    dims,
    raw: { length: n * 4, produce: () => bytesOf(new Float32Array(n).fill(value)) },
  });
}

export interface QuantizedWeight {
  q: string;
  scale: string;
  zeroPoint: string;
}

/**
 * Symmetric per-tensor int8 (zero point 0), the same values as randomF32 would give, rounded.
 * The scale comes from the known uniform bound instead of a max scan, so no second pass is needed.
 * Weights use 7 bits (±63), as quantize_dynamic's reduce_range does: on CPUs without VNNI (AVX2)
 * onnxruntime's u8×s8 kernel adds pairs of products in int16, which saturates with full-range
 * weights (a cached GPT-2 step then differed from the full pass by 0.049 instead of 0.004).
 */
export function randomQ8(
  g: GraphBuilder,
  name: string,
  dims: readonly number[],
  opts: { std?: number; transposeOf?: string } = {},
): QuantizedWeight {
  const std = opts.std ?? WEIGHT_STD;
  const scale = Math.fround(uniformBound(std) / 63);
  const source: Source = { name, dims, std, transposeOf: opts.transposeOf };
  const quantize = (): Uint8Array => {
    const w = values(g, source);
    const q = new Int8Array(w.length);
    for (let i = 0; i < w.length; i++) q[i] = Math.max(-63, Math.min(63, Math.round(w[i]! / scale)));
    return bytesOf(q);
  };
  const q = g.initializer({ name: `${name}_quantized`, dataType: DataType.INT8, dims, raw: { length: count(dims), produce: quantize } });
  const s = g.initializer({ name: `${name}_scale`, dataType: DataType.FLOAT, dims: [], raw: bytesOf(new Float32Array([scale])) });
  const zp = g.initializer({ name: `${name}_zero_point`, dataType: DataType.INT8, dims: [], raw: new Uint8Array(1) });
  return { q, scale: s, zeroPoint: zp };
}
