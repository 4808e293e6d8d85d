// GPT-2 decoder with cross-attention, merged with/without past as optimum exports it: an If on
// use_cache_branch whose two branches share the outer-scope weights. Inputs: input_ids,
// encoder_hidden_states, past_key_values.{i}.{key,value}, use_cache_branch → logits, present.{i}.*.
// Only self-attention is cached; cross-attention K/V are recomputed from encoder_hidden_states
// every step, as in the real export.
import { GraphBuilder, type BuildOptions } from './graph.ts';
import { num, type Json } from './config-json.ts';
import { attention, embedding, geluTanh, layerNorm, linear, mergeHeads, quantizedMatMul, seqLength, splitHeads } from './layers.ts';
import { DataType, type GraphData } from './onnx-proto.ts';
import { randomQ8 } from './weights.ts';

interface Dims {
  hidden: number;
  heads: number;
  headDim: number;
  layers: number;
  vocab: number;
  positions: number;
  eps: number;
}

interface Past {
  key: string;
  value: string;
}

export function buildGpt2Merged(config: Json, opts: BuildOptions): GraphData {
  const hidden = num(config, 'n_embd');
  const heads = num(config, 'n_head');
  const d: Dims = {
    hidden,
    heads,
    headDim: hidden / heads,
    layers: num(config, 'n_layer'),
    vocab: num(config, 'vocab_size'),
    positions: num(config, 'n_positions'),
    eps: num(config, 'layer_norm_epsilon'),
  };
  const g = new GraphBuilder('decoder', opts);
  const ids = g.input('input_ids', DataType.INT64, ['batch_size', 'decoder_sequence_length']);
  const enc = g.input('encoder_hidden_states', DataType.FLOAT, ['batch_size', 'encoder_sequence_length', hidden]);
  // Fixed heads/head_dim, "batch_size" symbol: transformers.js builds the empty first-step cache from these dims.
  const cacheDims = ['batch_size', heads, 'past_sequence_length', d.headDim];
  const past: Past[] = [];
  for (let i = 0; i < d.layers; i++) {
    past.push({
      key: g.input(`past_key_values.${i}.key`, DataType.FLOAT, cacheDims),
      value: g.input(`past_key_values.${i}.value`, DataType.FLOAT, cacheDims),
    });
  }
  const useCache = g.input('use_cache_branch', DataType.BOOL, [1]);

  const outputs = ['logits'];
  g.output('logits', DataType.FLOAT, ['batch_size', 'decoder_sequence_length', d.vocab]);
  const presentDims = ['batch_size', heads, 'past_sequence_length + decoder_sequence_length', d.headDim];
  for (let i = 0; i < d.layers; i++) {
    for (const kv of ['key', 'value']) {
      g.output(`present.${i}.${kv}`, DataType.FLOAT, presentDims);
      outputs.push(`present.${i}.${kv}`);
    }
  }
  const branch = (name: string, withPast: boolean): GraphData => {
    const b = g.subgraph(name);
    for (const out of decoderBody(b, d, ids, enc, withPast ? past : null)) b.output(out, DataType.FLOAT);
    return b.build();
  };
  const thenBranch = branch('with_past', true);
  const elseBranch = branch('no_past', false);
  g.op('If', [useCache], { then_branch: { graph: thenBranch }, else_branch: { graph: elseBranch } }, outputs);
  return g.build();
}

/** One branch: returns [logits, present.0.key, present.0.value, ...]. */
function decoderBody(g: GraphBuilder, d: Dims, ids: string, enc: string, past: Past[] | null): string[] {
  const { hidden, heads, headDim } = d;
  const pastLen = past ? seqLength(g, past[0]!.key, 2) : g.constI64([0], true);
  const total = g.op1('Add', [pastLen, seqLength(g, ids)]);
  const one = g.constI64([1], true);
  const positions = g.op1('Range', [pastLen, total, one]);
  let h = g.op1('Add', [
    embedding(g, ids, 'transformer.wte.weight', d.vocab, hidden),
    embedding(g, positions, 'transformer.wpe.weight', d.positions, hidden),
  ]);

  // Causal mask [S, T]: query at absolute position p may see keys 0..p.
  const keys = g.op1('Range', [g.constI64([0], true), total, one]);
  const future = g.op1('Greater', [g.op1('Unsqueeze', [keys, g.constI64([0])]), g.op1('Unsqueeze', [positions, g.constI64([1])])]);
  const mask = g.op1('Where', [future, g.constF32(-1e9), g.constF32(0)]);

  const presents: string[] = [];
  for (let i = 0; i < d.layers; i++) {
    const p = `transformer.h.${i}`;
    const qkv = linear(g, layerNorm(g, h, `${p}.ln_1`, hidden, d.eps), `${p}.attn.c_attn`, hidden, 3 * hidden);
    const [q, k, v] = g
      .op('Split', [qkv, g.constI64([hidden, hidden, hidden])], { axis: -1 }, 3)
      .map((x) => splitHeads(g, x, heads, headDim)) as [string, string, string];
    const kAll = past ? g.op1('Concat', [past[i]!.key, k], { axis: 2 }) : k;
    const vAll = past ? g.op1('Concat', [past[i]!.value, v], { axis: 2 }) : v;
    presents.push(kAll, vAll);
    const selfAttn = mergeHeads(g, attention(g, q, kAll, vAll, headDim, mask));
    h = g.op1('Add', [h, linear(g, selfAttn, `${p}.attn.c_proj`, hidden, hidden)]);

    const cq = splitHeads(
      g,
      linear(g, layerNorm(g, h, `${p}.ln_cross_attn`, hidden, d.eps), `${p}.crossattention.q_attn`, hidden, hidden),
      heads,
      headDim,
    );
    const ckv = linear(g, enc, `${p}.crossattention.c_attn`, hidden, 2 * hidden);
    const [ck, cv] = g.op('Split', [ckv, g.constI64([hidden, hidden])], { axis: -1 }, 2).map((x) => splitHeads(g, x, heads, headDim)) as [
      string,
      string,
    ];
    const cross = mergeHeads(g, attention(g, cq, ck, cv, headDim));
    h = g.op1('Add', [h, linear(g, cross, `${p}.crossattention.c_proj`, hidden, hidden)]);

    const up = geluTanh(g, linear(g, layerNorm(g, h, `${p}.ln_2`, hidden, d.eps), `${p}.mlp.c_fc`, hidden, 4 * hidden));
    h = g.op1('Add', [h, linear(g, up, `${p}.mlp.c_proj`, 4 * hidden, hidden)]);
  }
  return [lmHead(g, d, layerNorm(g, h, 'transformer.ln_f', hidden, d.eps), ids), ...presents];
}

/** Logits with the head tied to wte, as GPT-2 does. */
function lmHead(g: GraphBuilder, d: Dims, h: string, ids: string): string {
  // int8 MatMulInteger wants [hidden, vocab]: store a transposed quantized copy (what quantize_dynamic does).
  if (g.opts.quantized)
    return quantizedMatMul(g, h, randomQ8(g, 'lm_head.weight', [d.hidden, d.vocab], { transposeOf: 'transformer.wte.weight' }));
  // fp32: Gemm(transB) on the [vocab, hidden] table itself, so the file holds one copy.
  const flat = g.op1('Reshape', [h, g.constI64([-1, d.hidden])]);
  const logits = g.op1('Gemm', [flat, 'transformer.wte.weight'], { transB: 1 });
  const shape = g.op1('Concat', [g.op1('Shape', [ids]), g.constI64([d.vocab])], { axis: 0 });
  return g.op1('Reshape', [logits, shape]);
}
