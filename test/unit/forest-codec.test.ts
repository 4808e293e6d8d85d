import { describe, expect, it } from 'vitest';
import { BlockCache } from '../../src/core/forest/block-cache.ts';
import { checksum32 } from '../../src/core/forest/checksum.ts';
import { NodeQueue, TopK } from '../../src/core/forest/heaps.ts';
import { decodeLeaf, encodeLeaf } from '../../src/core/forest/leaf-codec.ts';
import { decodePage, emptyPage, encodePage } from '../../src/core/forest/node-codec.ts';
import { decodeStoredVector, decodeVector, encodeVector } from '../../src/core/forest/vector-codec.ts';
import { decodeCentroid, encodeCentroid } from '../../src/core/forest/meta-codec.ts';
import { allocBlock, BlockKind, HEADER_BYTES, sealBlock } from '../../src/core/forest/block-codec.ts';
import { dotHalf, fromHalf, toHalf } from '../../src/core/forest/half.ts';
import { packFactors, unpackAdd, unpackError } from '../../src/core/forest/sketch.ts';
import { decodeSketchPage, encodeSketchPage, SKETCH_PAGE, SketchRows } from '../../src/core/forest/sketch-codec.ts';
import { createRng } from '../../src/core/forest/rng.ts';

describe('forest building blocks', () => {
  it('checksum changes on every single-bit flip of a block', () => {
    const r = createRng(1);
    const bytes = new Uint8Array(1001).map(() => r.int(256));
    const h = checksum32(bytes, 0, bytes.length);
    for (let i = 0; i < bytes.length; i += 7) {
      for (let bit = 0; bit < 8; bit += 3) {
        bytes[i] ^= 1 << bit;
        expect(checksum32(bytes, 0, bytes.length)).not.toBe(h);
        bytes[i] ^= 1 << bit;
      }
    }
    expect(checksum32(bytes.slice(1), 0, 1000)).toBe(checksum32(bytes.subarray(1), 0, 1000)); // aligned or not
  });

  it('round-trips leaf blocks, vector blocks, centroids, sketch pages and node pages', () => {
    const d = 5;
    const leaf = decodeLeaf('k', encodeLeaf(Uint32Array.of(9, 4, 7, 1), 3), d);
    expect([...leaf.slots]).toEqual([4, 7, 9]); // stored ascending (leaf-pack.ts)
    expect(leaf.legacy).toBeUndefined();
    // A sketch page holds SKETCH_PAGE slots; a table shorter than that reads back what it holds.
    // 40 dims rotate in 64: two sign words, the rescale factor, the packed add and error.
    const n = SKETCH_PAGE + 3, rows = new SketchRows(40, n);
    expect(rows.stride).toBe(4);
    const batch = new SketchRows(40, n);
    batch.u32.set(Uint32Array.from({ length: n * 4 }, (_, i) => i * 7));
    rows.setRows(0, batch);
    expect([rows.u32[rows.stride], rows.u32[rows.stride + 1]]).toEqual([28, 35]);
    const back = new SketchRows(40, n);
    decodeSketchPage('k0', encodeSketchPage(rows, n, 0), 0, back);
    decodeSketchPage('k1', encodeSketchPage(rows, n, 1), 1, back);
    expect(back.u32).toEqual(rows.u32);
    expect(() => decodeSketchPage('k', encodeSketchPage(rows, n, 0), 0, new SketchRows(80, n))).toThrow(/corrupted/);
    // The packed factors: add to 2^-14 either way, the error never below its value.
    for (const [add, err] of [[0.3, 0.01], [-1.2, 0.2], [0, 0], [1.9999, 1.5e-5]]) {
      const pk = packFactors(add, err);
      expect(Math.abs(unpackAdd(pk) - add)).toBeLessThanOrEqual(2 ** -15);
      expect(unpackError(pk)).toBeGreaterThanOrEqual(err);
      expect(unpackError(pk) - err).toBeLessThan(2 ** -15);
    }
    // Vectors are float16: a format 4 block holds dim halves; a format 3 block (int8 and scale)
    // is still read as floats, for an upgrade.
    const half = Uint16Array.from({ length: 15 }, (_, i) => toHalf((i - 7) / 8));
    const v = decodeVector('v', encodeVector(half, 1, d), d);
    expect(Array.from(v.half, fromHalf)).toEqual([-2, -1, 0, 1, 2].map((x) => x / 8));
    expect(() => decodeVector('v', encodeVector(half, 1, d), d + 4)).toThrow(/corrupted/);
    const { bytes: v3, view } = allocBlock(BlockKind.Vector, 4 + d);
    view.setFloat32(HEADER_BYTES, 0.25, true);
    v3.set(Int8Array.of(-2, -1, 0, 1, 2).map((x) => x & 255), HEADER_BYTES + 4);
    view.setUint16(4, 3, true);
    sealBlock(v3);
    const floats = new Float32Array(d);
    decodeStoredVector('v3', v3, d, floats);
    expect([...floats]).toEqual([-0.5, -0.25, 0, 0.25, 0.5]);
    expect(() => decodeVector('v3', v3, d)).toThrow(/corrupted/);
    const c = Float32Array.of(0.5, -0.25, 0.125, 0, 1);
    expect(decodeCentroid('c', encodeCentroid(c), d)).toEqual(c);
    expect(() => decodeCentroid('c', encodeCentroid(c), d + 1)).toThrow(/corrupted/);
    const p = emptyPage(d);
    p.used = 2;
    p.left.set([-1, 5]);
    p.right.set([1, -3]);
    p.offset.set([0.5, -1]);
    p.scale.set([2, 3]);
    p.normals.set([1, 2, 3, 4, 5, -1, -2, -3, -4, -5]);
    const q = decodePage('p', encodePage(p, d), d);
    expect(q.used).toBe(2);
    expect([...q.left, ...q.right, ...q.offset, ...q.scale]).toEqual([-1, 5, 1, -3, 0.5, -1, 2, 3]);
    expect([...q.normals]).toEqual([1, 2, 3, 4, 5, -1, -2, -3, -4, -5]);
  });

  it('dotHalf (one table load per element) sums exactly what fromHalf gives, for every finite float16', () => {
    const finite = Uint16Array.from({ length: 65536 }, (_, h) => h).filter((h) => ((h >>> 10) & 31) !== 31);
    const r = createRng(3);
    const q = Float32Array.from(finite, () => r.next() - 0.5);
    const d = finite.length - 1; // odd, so the tail element is summed too
    let s0 = 0, s1 = 0;
    for (let i = 0; i + 1 < d; i += 2) {
      s0 += q[i] * fromHalf(finite[i]);
      s1 += q[i + 1] * fromHalf(finite[i + 1]);
    }
    s0 += q[d - 1] * fromHalf(finite[d - 1]);
    expect(dotHalf(q, finite, 0, d)).toBe(s0 + s1);
    expect(dotHalf(q.subarray(5), finite, 5, 100)).toBe(dotHalf(q.subarray(5, 105), finite.slice(5, 105), 0, 100));
  });

  it('TopK keeps the k best of a stream, best first', () => {
    const r = createRng(2);
    const xs = Array.from({ length: 500 }, () => r.next());
    const top = new TopK(7);
    xs.forEach((x, i) => top.push(x, i));
    const want = xs.map((x, i) => [x, i] as const).sort((a, b) => b[0] - a[0]).slice(0, 7).map((e) => e[1]);
    expect(top.order().map((i) => top.slots[i])).toEqual(want);
  });

  it('NodeQueue pops in priority order and grows', () => {
    const r = createRng(3);
    const q = new NodeQueue();
    const ps = Array.from({ length: 1000 }, () => r.next() * 10 - 5);
    ps.forEach((p, i) => q.push(p, i % 7, i, i % 5));
    const out: number[] = [];
    while (q.size) {
      out.push(q.topPriority());
      expect(ps[q.topNode()]).toBe(q.topPriority());
      q.pop();
    }
    expect(out).toEqual([...ps].sort((a, b) => b - a));
  });

  it('NodeQueue breaks equal priorities by tree, depth, node, whatever the push order', () => {
    const r = createRng(4);
    // Few distinct priorities, so most items tie; (tree, node) pairs are distinct.
    const items = Array.from({ length: 400 }, (_, i) => ({ p: r.int(4), t: i % 3, n: (i * 7919) % 1000 - 500, d: r.int(6) }));
    const popAll = (order: typeof items): string[] => {
      const q = new NodeQueue();
      for (const e of order) q.push(e.p, e.t, e.n, e.d);
      const out: string[] = [];
      for (; q.size; q.pop()) out.push(`${q.topPriority()}/${q.topTree()}/${q.topDepth()}/${q.topNode()}`);
      return out;
    };
    const want = [...items].sort((a, b) => b.p - a.p || a.t - b.t || a.d - b.d || a.n - b.n).map((e) => `${e.p}/${e.t}/${e.d}/${e.n}`);
    expect(popAll(items)).toEqual(want);
    expect(popAll([...items].reverse())).toEqual(want);
  });

  it('BlockCache evicts least-recently-used within its budget, never pinned entries', () => {
    const c = new BlockCache(100);
    c.set('pin', 'P', 40, true);
    c.set('a', 'A', 30);
    c.set('b', 'B', 30);
    expect(c.get('a')).toBe('A'); // a is now more recent than b
    c.set('c', 'C', 30);
    expect(c.peek('b')).toBeUndefined();
    expect(c.get('a')).toBe('A');
    expect(c.get('pin')).toBe('P');
    expect(c.bytes).toBeLessThanOrEqual(100);
    c.set('big', 'X', 200);
    expect(c.peek('big')).toBeUndefined();
    expect(c.get('pin')).toBe('P');
  });

  it('rng is deterministic per seed', () => {
    const a = createRng(99), b = createRng(99), c = createRng(100);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
  });
});
