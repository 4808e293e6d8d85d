// .fvecs / .ivecs (TEXMEX format): per row an int32 dimension then the values.
import { readFileSync, writeFileSync } from 'node:fs';

export function readVecs(path: string): { dim: number; rows: number; data: Float32Array | Int32Array } {
  let buf = readFileSync(path);
  if (buf.byteOffset % 4) buf = Buffer.from(buf);
  const dim = buf.readInt32LE(0);
  const rowWords = 1 + dim;
  if (dim <= 0 || buf.length % (rowWords * 4) !== 0) throw new Error(`${path}: not a .fvecs/.ivecs file (dim ${dim}, ${buf.length} bytes)`);
  const rows = buf.length / (rowWords * 4);
  const words = new Int32Array(buf.buffer, buf.byteOffset, buf.length / 4);
  const ints = path.endsWith('.ivecs');
  const data = ints ? new Int32Array(rows * dim) : new Float32Array(rows * dim);
  const src = ints ? words : new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
  for (let r = 0; r < rows; r++) {
    if (words[r * rowWords] !== dim) throw new Error(`${path}: row ${r} has dimension ${words[r * rowWords]}, expected ${dim}`);
    data.set(src.subarray(r * rowWords + 1, (r + 1) * rowWords), r * dim);
  }
  return { dim, rows, data };
}

export function writeVecs(path: string, data: Float32Array | Int32Array, dim: number): void {
  const rows = data.length / dim, rowWords = 1 + dim;
  const words = new Int32Array(rows * rowWords);
  const view = data instanceof Float32Array ? new Float32Array(words.buffer) : words;
  for (let r = 0; r < rows; r++) {
    words[r * rowWords] = dim;
    view.set(data.subarray(r * dim, (r + 1) * dim), r * rowWords + 1);
  }
  writeFileSync(path, new Uint8Array(words.buffer));
}
