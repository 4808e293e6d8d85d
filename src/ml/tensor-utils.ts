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

/** Drops the start token and everything from the first end-of-text on (batch rows run on after they finish). */
export function trimAtEos(rows: bigint[][], eos: number): number[][] {
  return rows.map((row) => {
    const ids = row.slice(1).map(Number);
    const end = ids.indexOf(eos);
    return end < 0 ? ids : ids.slice(0, end);
  });
}

/** Row `i` of a batch, as a batch-1 tensor (a view: no copy). */
export function batchRow(t: Tensor, i: number): Tensor {
  const size = t.dims.slice(1).reduce((a, b) => a * b, 1);
  return new Tensor('float32', (t.data as Float32Array).subarray(i * size, (i + 1) * size), [1, ...t.dims.slice(1)]);
}

/** Each row of a batch repeated `n` times in place: [a, b] → [a, a, b, b] for n = 2. */
export function repeatRows(t: Tensor, n: number): Tensor {
  if (n === 1) return t;
  const [batch = 1, ...rest] = t.dims;
  const size = rest.reduce((a, b) => a * b, 1);
  const src = t.data as Float32Array;
  const out = new Float32Array(src.length * n);
  for (let b = 0; b < batch; b++) for (let k = 0; k < n; k++) out.set(src.subarray(b * size, (b + 1) * size), (b * n + k) * size);
  return new Tensor('float32', out, [batch * n, ...rest]);
}
