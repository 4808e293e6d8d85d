// config.json handling: the graphs are sized from the config written next to them, so the two
// cannot disagree. "tiny" keeps everything the pipelines depend on (vocab, special token ids,
// image size, patch size, positions) and shrinks only widths, depths and head counts.
export type Json = Record<string, unknown>;
export type ModelSize = 'tiny' | 'bench' | 'full';

export const EMBEDDER_REPO = 'Xenova/all-MiniLM-L6-v2';
export const CAPTIONER_REPO = 'Xenova/vit-gpt2-image-captioning';

// hidden 32 / 2 heads / 2 layers: the tiny files are then dominated by the vocab-sized embedding tables.
const TINY_BERT = { hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 64 };
const TINY_VIT = { hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 64 };
// "bench": the real embedder width (384-d vectors, as a pack's text forest holds) with one layer and a
// narrow feed-forward, so bench:pack's text queries are the pack's size and really read its forest;
// the captioner stays tiny (a pack bench never captions).
const BENCH_BERT = { hidden_size: 384, num_hidden_layers: 1, num_attention_heads: 6, intermediate_size: 384 };
// GPT-2's cross-attention reads encoder states of width n_embd, so it must equal the ViT width.
const TINY_GPT2 = { n_embd: 32, n_layer: 2, n_head: 2 };

export function num(c: Json, key: string): number {
  const v = c[key];
  if (typeof v !== 'number') throw new Error(`config.json: "${key}" is not a number`);
  return v;
}

export function sub(c: Json, key: string): Json {
  const v = c[key];
  if (typeof v !== 'object' || v === null) throw new Error(`config.json: "${key}" is not an object`);
  return v as Json;
}

export function embedderConfig(real: Json, size: ModelSize): Json {
  return size === 'full' ? real : { ...real, ...(size === 'bench' ? BENCH_BERT : TINY_BERT) };
}

export function captionerConfig(real: Json, size: ModelSize): Json {
  if (size === 'full') return real;
  return { ...real, encoder: { ...sub(real, 'encoder'), ...TINY_VIT }, decoder: { ...sub(real, 'decoder'), ...TINY_GPT2 } };
}
