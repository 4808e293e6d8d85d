import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { compileKernels, kernelsSource, OUT_PATH } from '../../scripts/build-kernels.ts';
import { buildForest, Forest, MemoryBlockStore } from '../../src/core/forest/index.ts';
import { toHalf } from '../../src/core/forest/half.ts';
import { sameBits, TsKernels, useKernels, wasmKernels, type WasmKernels } from '../../src/core/forest/kernels.ts';
import { createRng } from '../../src/core/forest/rng.ts';
import { SketchSpace, SketchTable } from '../../src/core/forest/sketch.ts';
import { row, smoothRows } from './forest-fixture.ts';

// The WebAssembly kernels (kernels.wat) must give the TypeScript loops' bits, or answers would
// depend on the runtime. Lengths cover every step of the loops (8, 4, 2 and 1 at a time).
const DIMS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 17, 31, 64, 100, 127, 128, 383, 384, 385];

describe('forest kernels', () => {
  const rng = createRng(7);
  const wasm = wasmKernels() as WasmKernels;
  const ts = new TsKernels();
  afterAll(() => void useKernels('wasm'));

  it('loads in Node with SIMD and passes its own check', () => {
    expect(wasm?.kind).toBe('wasm');
    expect(sameBits(wasm, ts)).toBe(true);
  });

  it('dotI8 and dotHalf give the same bits on random rows', () => {
    for (const d of DIMS) {
      const rows = 20;
      const codes = Int8Array.from({ length: d * rows }, () => rng.int(256) - 128);
      // Normal float16 values of every size, subnormals and signed zeros (never Infinity or NaN).
      const half = Uint16Array.from({ length: d * rows }, () => {
        const u = rng.next();
        if (u < 0.05) return rng.int(1024) | (rng.next() < 0.5 ? 0x8000 : 0);
        if (u < 0.07) return rng.next() < 0.5 ? 0x8000 : 0;
        return toHalf((rng.next() * 2 - 1) * 2 ** (-rng.int(16)));
      });
      const q = Float32Array.from({ length: d }, () => rng.gauss());
      // A fresh array each row as well: the kernels copy a query in only when it changes.
      for (let r = 0; r < rows; r++) {
        const qq = r % 2 ? q : q.slice();
        expect(Object.is(wasm.dotI8(qq, codes, r * d, d), ts.dotI8(qq, codes, r * d, d))).toBe(true);
        expect(Object.is(wasm.dotHalf(qq, half, r * d, d), ts.dotHalf(qq, half, r * d, d))).toBe(true);
      }
    }
  });

  it('sketch sums give the same bits, for leaf rows and gathered table rows', () => {
    for (const dim of [16, 100, 128, 384]) {
      const space = new SketchSpace(dim, Float32Array.from({ length: dim }, () => rng.gauss() * 0.05), 3);
      const table = new SketchTable(space);
      const stride = (space.padded >>> 5) + 2, w = stride - 2, n = 300;
      const rows = Uint32Array.from({ length: n * stride }, () => rng.int(2 ** 32));
      for (let round = 0; round < 3; round++) {
        // A refill of the same table: the kernels must copy the new values in.
        table.fill(Float32Array.from({ length: dim }, () => rng.gauss()));
        const m = 1 + rng.int(n), idx = Uint32Array.from({ length: m }, () => rng.int(n));
        const want = new Float64Array(m), got = new Float64Array(m), gathered = new Float64Array(m);
        ts.signedSums(table, rows, stride, w, idx, m, want);
        wasm.signedSums(table, rows, stride, w, idx, m, got, false);
        wasm.signedSums(table, rows, stride, w, idx, m, gathered, true);
        for (let j = 0; j < m; j++) {
          expect(Object.is(got[j], want[j])).toBe(true);
          expect(Object.is(gathered[j], want[j])).toBe(true);
        }
      }
    }
  });

  it('leaf estimates and their bound test give the same bits and the same rows kept, copied or resident', () => {
    for (const dim of [16, 100, 384]) {
      const space = new SketchSpace(dim, Float32Array.from({ length: dim }, () => rng.gauss() * 0.05), 5);
      const table = new SketchTable(space);
      const stride = (space.padded >>> 5) + 2, w = stride - 2, n = 300;
      const rows = Uint32Array.from({ length: n * stride }, () => rng.int(2 ** 32));
      const f32 = new Float32Array(rows.buffer);
      // Plausible factors: rescale in (0, 0.2), any packed add and error.
      for (let r = 0; r < n; r++) f32[r * stride + w] = rng.next() * 0.2;
      const at = wasm.alloc(rows.byteLength);
      new Uint32Array(wasm.buffer, at, rows.length).set(rows);
      for (const bar of [-Infinity, -0.05, 0, 0.05, Infinity]) {
        table.fill(Float32Array.from({ length: dim }, () => rng.gauss()));
        const m = 1 + rng.int(n), idx = Uint32Array.from({ length: m }, () => rng.int(n)), errScale = rng.next();
        const out = [ts, wasm, wasm].map((k, i) => {
          const keep = new Uint32Array(m), ests = new Float64Array(m);
          const c = k.estimates(table, i === 2 ? undefined : rows, i === 2 ? at : -1, stride, w, idx, m, errScale, bar, keep, ests);
          return { keep: Array.from(keep.subarray(0, c)), ests: Array.from(ests.subarray(0, c)) };
        });
        if (bar === -Infinity) expect(out[0].keep.length).toBe(m);
        if (bar === Infinity) expect(out[0].keep.length).toBe(0);
        for (const o of out.slice(1)) {
          expect(o.keep).toEqual(out[0].keep);
          expect(o.ests.every((x, j) => Object.is(x, out[0].ests[j]))).toBe(true);
        }
      }
      wasm.free(at, rows.byteLength);
    }
  });

  it('searches answer the same with either kernels, with leaf rows and with the sketch table', async () => {
    const DIM = 48, N = 3000;
    const base = smoothRows(N, DIM, 11), query = smoothRows(20, DIM, 12);
    const store = new MemoryBlockStore();
    await buildForest(store, { dim: DIM, ids: Uint32Array.from({ length: N }, (_, i) => i), vectors: base }, { nTrees: 6, seed: 4, leafSize: 30 });
    for (const memoryBudgetBytes of [Number.MAX_SAFE_INTEGER, undefined]) {
      const f = await Forest.open(store, memoryBudgetBytes ? { memoryBudgetBytes } : {});
      for (let q = 0; q < 20; q++) {
        useKernels('ts');
        const want = await f.search(row(query, DIM, q), 10, { searchK: 400 });
        useKernels('wasm');
        const got = await f.search(row(query, DIM, q), 10, { searchK: 400 });
        expect(got).toEqual(want);
      }
    }
  });

  it('the committed module is kernels.wat compiled (npm run kernels)', async () => {
    expect(readFileSync(OUT_PATH, 'utf8')).toBe(kernelsSource(await compileKernels()));
  });
});
