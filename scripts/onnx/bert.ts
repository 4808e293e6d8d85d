// BERT encoder (all-MiniLM-L6-v2 export): input_ids, attention_mask, token_type_ids → last_hidden_state.
// Post-LN layers: h = LN(h + attn(h)); h = LN(h + ffn(h)).
import { GraphBuilder, type BuildOptions } from './graph.ts';
import { num, type Json } from './config-json.ts';
import { attention, embedding, geluErf, layerNorm, linear, mergeHeads, seqLength, splitHeads } from './layers.ts';
import { DataType, type GraphData } from './onnx-proto.ts';

export function buildBert(config: Json, opts: BuildOptions): GraphData {
  const hidden = num(config, 'hidden_size');
  const heads = num(config, 'num_attention_heads');
  const headDim = hidden / heads;
  const eps = num(config, 'layer_norm_eps');
  const g = new GraphBuilder('bert', opts);
  const ids = g.input('input_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', DataType.INT64, ['batch_size', 'sequence_length']);
  const types = g.input('token_type_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  g.output('last_hidden_state', DataType.FLOAT, ['batch_size', 'sequence_length', hidden]);

  const positions = g.op1('Range', [g.constI64([0], true), seqLength(g, ids), g.constI64([1], true)]);
  const words = embedding(g, ids, 'embeddings.word_embeddings.weight', num(config, 'vocab_size'), hidden);
  const pos = embedding(g, positions, 'embeddings.position_embeddings.weight', num(config, 'max_position_embeddings'), hidden);
  const typ = embedding(g, types, 'embeddings.token_type_embeddings.weight', num(config, 'type_vocab_size'), hidden);
  const sum = g.op1('Add', [g.op1('Add', [words, pos]), typ]);
  let h = layerNorm(g, sum, 'embeddings.LayerNorm', hidden, eps);

  // (1 - mask) · -10000, as [B, 1, 1, S]: padded keys get ~zero attention.
  const maskF = g.op1('Cast', [mask], { to: DataType.FLOAT });
  const inverted = g.op1('Sub', [g.constF32(1), maskF]);
  const additive = g.op1('Unsqueeze', [g.op1('Mul', [inverted, g.constF32(-10000)]), g.constI64([1, 2])]);

  const layers = num(config, 'num_hidden_layers');
  for (let i = 0; i < layers; i++) {
    const p = `encoder.layer.${i}`;
    const qkv = ['query', 'key', 'value'].map((n) =>
      splitHeads(g, linear(g, h, `${p}.attention.self.${n}`, hidden, hidden), heads, headDim),
    );
    const ctx = mergeHeads(g, attention(g, qkv[0]!, qkv[1]!, qkv[2]!, headDim, additive));
    const attnOut = linear(g, ctx, `${p}.attention.output.dense`, hidden, hidden);
    h = layerNorm(g, g.op1('Add', [attnOut, h]), `${p}.attention.output.LayerNorm`, hidden, eps);
    const ffn = num(config, 'intermediate_size');
    const up = geluErf(g, linear(g, h, `${p}.intermediate.dense`, hidden, ffn));
    const down = linear(g, up, `${p}.output.dense`, ffn, hidden);
    const last = i === layers - 1 ? 'last_hidden_state' : undefined;
    h = layerNorm(g, g.op1('Add', [down, h]), `${p}.output.LayerNorm`, hidden, eps, last);
  }
  return g.build();
}
