import { Tensor } from '@huggingface/transformers';

/** [1, tokens, dim] → unit-length mean over tokens (the image's visual vector). */
export function meanPoolRows(hidden: Tensor): Float32Array {
  const [, tokens = 1, dim = 0] = hidden.dims;
  const data = hidden.data as Float32Array;
  const out = new Float32Array(dim);
  for (let t = 0; t < tokens; t++) {
    const row = t * dim;
    for (let d = 0; d < dim; d++) out[d] += data[row + d];
  }
  let norm = 0;
  for (let d = 0; d < dim; d++) norm += out[d] * out[d];
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < dim; d++) out[d] /= norm;
  return out;
}

/** Repeats a batch-1 tensor `n` times along the first axis. */
export function repeatBatch(t: Tensor, n: number): Tensor {
  if (n === 1) return t;
  const src = t.data as Float32Array;
  const out = new Float32Array(src.length * n);
  for (let i = 0; i < n; i++) out.set(src, i * src.length);
  return new Tensor('float32', out, [n, ...t.dims.slice(1)]);
}

/** Drops the start token and everything from the first end-of-text on (batch rows run on after they finish). */
export function trimAtEos(rows: bigint[][], eos: number): number[][] {
  return rows.map((row) => {
    const ids = row.slice(1).map(Number);
    const end = ids.indexOf(eos);
    return end < 0 ? ids : ids.slice(0, end);
  });
}
