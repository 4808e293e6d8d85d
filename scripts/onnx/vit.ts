// ViT encoder (vit-gpt2 encoder_model export): pixel_values [B, 3, 224, 224] → last_hidden_state
// [B, 1 + (224/16)², hidden]. Pre-LN layers: h += attn(LN(h)); h += mlp(LN(h)); final LN.
import { GraphBuilder, type BuildOptions } from './graph.ts';
import { num, type Json } from './config-json.ts';
import { attention, geluErf, layerNorm, linear, mergeHeads, splitHeads } from './layers.ts';
import { DataType, type GraphData } from './onnx-proto.ts';
import { randomF32, randomQ8 } from './weights.ts';

export function buildVit(config: Json, opts: BuildOptions): GraphData {
  const hidden = num(config, 'hidden_size');
  const heads = num(config, 'num_attention_heads');
  const headDim = hidden / heads;
  const eps = num(config, 'layer_norm_eps');
  const [channels, image, patch] = [num(config, 'num_channels'), num(config, 'image_size'), num(config, 'patch_size')];
  const tokens = 1 + (image / patch) ** 2;
  const g = new GraphBuilder('vit', opts);
  const pixels = g.input('pixel_values', DataType.FLOAT, ['batch_size', channels, image, image]);
  g.output('last_hidden_state', DataType.FLOAT, ['batch_size', tokens, hidden]);

  // Patch embedding = stride-patch Conv. Quantized: int8 kernel dequantized in-graph (it is small).
  const kernelDims = [hidden, channels, patch, patch];
  let kernel = 'embeddings.patch_embeddings.projection.weight';
  if (g.opts.quantized) {
    const q = randomQ8(g, kernel, kernelDims);
    kernel = g.op1('DequantizeLinear', [q.q, q.scale, q.zeroPoint]);
  } else randomF32(g, kernel, kernelDims);
  const convBias = randomF32(g, 'embeddings.patch_embeddings.projection.bias', [hidden]);
  const conv = g.op1('Conv', [pixels, kernel, convBias], { kernel_shape: [patch, patch], strides: [patch, patch] });
  const patches = g.op1('Transpose', [g.op1('Reshape', [conv, g.constI64([0, 0, -1])])], { perm: [0, 2, 1] });

  // [CLS] broadcast to the batch, prepended, then learned position embeddings.
  const batch = g.op1('Shape', [pixels], { start: 0, end: 1 });
  const clsShape = g.op1('Concat', [batch, g.constI64([1, hidden])], { axis: 0 });
  const cls = g.op1('Expand', [randomF32(g, 'embeddings.cls_token', [1, 1, hidden]), clsShape]);
  const seq = g.op1('Concat', [cls, patches], { axis: 1 });
  let h = g.op1('Add', [seq, randomF32(g, 'embeddings.position_embeddings', [1, tokens, hidden])]);

  for (let i = 0; i < num(config, 'num_hidden_layers'); i++) {
    const p = `encoder.layer.${i}`;
    const a = layerNorm(g, h, `${p}.layernorm_before`, hidden, eps);
    const qkv = ['query', 'key', 'value'].map((n) =>
      splitHeads(g, linear(g, a, `${p}.attention.attention.${n}`, hidden, hidden), heads, headDim),
    );
    const ctx = mergeHeads(g, attention(g, qkv[0]!, qkv[1]!, qkv[2]!, headDim));
    h = g.op1('Add', [h, linear(g, ctx, `${p}.attention.output.dense`, hidden, hidden)]);
    const m = layerNorm(g, h, `${p}.layernorm_after`, hidden, eps);
    const ffn = num(config, 'intermediate_size');
    const up = geluErf(g, linear(g, m, `${p}.intermediate.dense`, hidden, ffn));
    h = g.op1('Add', [h, linear(g, up, `${p}.output.dense`, ffn, hidden)]);
  }
  layerNorm(g, h, 'layernorm', hidden, eps, 'last_hidden_state');
  return g.build();
}
