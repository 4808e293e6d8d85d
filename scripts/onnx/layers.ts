// Transformer building blocks in standard ONNX ops (opset 17). Patterns follow what torch.onnx
// exports, so onnxruntime's graph optimiser fuses them as it does for the real models
// (LayerNorm, Gelu/FastGelu, DynamicQuantizeMatMul).
import type { GraphBuilder } from './graph.ts';
import { DataType } from './onnx-proto.ts';
import { filledF32, randomF32, randomQ8, type QuantizedWeight } from './weights.ts';

/** x @ W (+ b); W is [inDim, outDim]. Quantized: onnxruntime quantize_dynamic's exact node pattern. */
export function linear(g: GraphBuilder, x: string, name: string, inDim: number, outDim: number, bias = true): string {
  const y = g.opts.quantized
    ? quantizedMatMul(g, x, randomQ8(g, `${name}.weight`, [inDim, outDim]))
    : g.op1('MatMul', [x, randomF32(g, `${name}.weight`, [inDim, outDim])]);
  return bias ? g.op1('Add', [y, randomF32(g, `${name}.bias`, [outDim])]) : y;
}

/** x @ dequant(W) via uint8 activations × int8 weights; onnxruntime fuses this into DynamicQuantizeMatMul. */
export function quantizedMatMul(g: GraphBuilder, x: string, w: QuantizedWeight): string {
  const [xq, xScale, xZero] = g.op('DynamicQuantizeLinear', [x], {}, 3) as [string, string, string];
  const scale = g.op1('Mul', [xScale, w.scale]);
  const acc = g.op1('MatMulInteger', [xq, w.q, xZero, w.zeroPoint]);
  return g.op1('Mul', [g.op1('Cast', [acc], { to: DataType.FLOAT }), scale]);
}

/** Row lookup; quantized tables are gathered as int8 and only the picked rows dequantized. */
export function embedding(g: GraphBuilder, ids: string, name: string, rows: number, dim: number): string {
  if (!g.opts.quantized) return g.op1('Gather', [randomF32(g, name, [rows, dim]), ids]);
  const w = randomQ8(g, name, [rows, dim]);
  return g.op1('DequantizeLinear', [g.op1('Gather', [w.q, ids]), w.scale, w.zeroPoint]);
}

/** LayerNormalization with gamma = 1, beta = 0 (what a freshly initialised model has). */
export function layerNorm(g: GraphBuilder, x: string, name: string, dim: number, epsilon: number, output?: string): string {
  const gamma = filledF32(g, `${name}.weight`, [dim], 1);
  const beta = filledF32(g, `${name}.bias`, [dim], 0);
  return g.op1('LayerNormalization', [x, gamma, beta], { axis: -1, epsilon: { float: epsilon } }, output);
}

/** Exact GELU, 0.5·x·(1 + erf(x/√2)) (BERT, ViT). */
export function geluErf(g: GraphBuilder, x: string): string {
  const erf = g.op1('Erf', [g.op1('Div', [x, g.constF32(Math.SQRT2)])]);
  return g.op1('Mul', [g.op1('Mul', [x, g.op1('Add', [erf, g.constF32(1)])]), g.constF32(0.5)]);
}

/** GPT-2's gelu_new: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function geluTanh(g: GraphBuilder, x: string): string {
  const cube = g.op1('Mul', [g.op1('Pow', [x, g.constF32(3)]), g.constF32(0.044715)]);
  const inner = g.op1('Mul', [g.op1('Add', [x, cube]), g.constF32(Math.sqrt(2 / Math.PI))]);
  const t = g.op1('Add', [g.op1('Tanh', [inner]), g.constF32(1)]);
  return g.op1('Mul', [g.op1('Mul', [x, g.constF32(0.5)]), t]);
}

/** [B, S, H·D] → [B, H, S, D] */
export function splitHeads(g: GraphBuilder, x: string, heads: number, headDim: number): string {
  const r = g.op1('Reshape', [x, g.constI64([0, 0, heads, headDim])]);
  return g.op1('Transpose', [r], { perm: [0, 2, 1, 3] });
}

/** [B, H, S, D] → [B, S, H·D] */
export function mergeHeads(g: GraphBuilder, x: string): string {
  const t = g.op1('Transpose', [x], { perm: [0, 2, 1, 3] });
  return g.op1('Reshape', [t, g.constI64([0, 0, -1])]);
}

/** softmax(q·kᵀ/√D + mask)·v on [B, H, S|T, D] tensors; mask is additive, broadcastable to [B, H, S, T]. */
export function attention(g: GraphBuilder, q: string, k: string, v: string, headDim: number, mask?: string): string {
  const kt = g.op1('Transpose', [k], { perm: [0, 1, 3, 2] });
  let scores = g.op1('MatMul', [g.op1('Mul', [q, g.constF32(1 / Math.sqrt(headDim))]), kt]);
  if (mask) scores = g.op1('Add', [scores, mask]);
  return g.op1('MatMul', [g.op1('Softmax', [scores], { axis: -1 }), v]);
}

/** Sequence length of an int64 [B, S] tensor as a scalar (for Range). */
export function seqLength(g: GraphBuilder, ids: string, axis = 1): string {
  const dim = g.op1('Shape', [ids], { start: axis, end: axis + 1 });
  return g.op1('Squeeze', [dim, g.constI64([0])]);
}
