import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { synthetic } from '../../bench/lib/synthetic.ts';
import { Forest } from '../../src/core/forest/index.ts';
import { blockLayout, openBlockCount, type PackManifest } from '../../src/core/pack/format.ts';
import { buildPack, spatialOrder, type PackItem } from '../../src/core/pack/write.ts';
import { buildRecord } from '../../src/core/text/record.ts';
import { PackBlockStore } from '../../src/pack/pack-block-store.ts';
import type { PackSource } from '../../src/pack/pack-source.ts';
import { PACK_FOREST_OPEN } from '../../workers/lib/pack-library.ts';
import { exactTopK } from './forest-fixture.ts';
import { rowPagesOf } from '../../bench/pack/rows.ts';

const N = 3000, DIM = 48, QUERIES = 40;
const models = { captioner: 'c', embedder: 'e' };

/** A pack written to memory, read through a source that answers from it and logs each ranged read. */
async function memoryPack(): Promise<{ manifest: PackManifest; source: PackSource; ranges: [string, number, number][]; query: Float32Array; base: Float32Array; idOf: Uint32Array; parts: Map<string, Uint8Array> }> {
  const { base, query } = synthetic({ n: N, queries: QUERIES, dim: DIM, seed: 11 });
  const items: PackItem[] = Array.from({ length: N }, (_, i) => ({
    sha256: createHash('sha256').update(`f${i}`).digest('hex'), name: `${i}.jpg`, path: `p/${String(i).padStart(5, '0')}.jpg`, size: 1, type: 'image/jpeg', width: 1, height: 1, takenAt: i,
    record: buildRecord([`photo ${i}`], models), text: base.subarray(i * DIM, (i + 1) * DIM), visual: base.subarray(i * DIM, i * DIM + 8), thumb: Uint8Array.of(i & 255), models,
  }));
  const parts = new Map<string, Uint8Array>();
  const sink = { put: (b: Uint8Array): Promise<string> => {
    const h = createHash('sha256').update(b).digest('hex');
    parts.set(h, Uint8Array.from(b));
    return Promise.resolve(h);
  } };
  const manifest = await buildPack(items, { sink, deflateRaw: (b) => deflateRawSync(b) });
  const ranges: [string, number, number][] = [];
  const source = {
    url: 'memory:',
    manifest,
    part: (h: string) => Promise.resolve(parts.get(h)!),
    byteRanges: (h: string, want: readonly (readonly [number, number])[]) => Promise.resolve(want.map(([a, b]) => (ranges.push([h, a, b]), parts.get(h)!.subarray(a, b)))),
    slices: (h: string, idx: readonly number[], size: number) => Promise.resolve(new Map(idx.map((i) => [i, parts.get(h)!.subarray(i * size, (i + 1) * size)]))),
  } as unknown as PackSource;
  // Each base row's id, from its row's path (ids follow paths; read, not assumed).
  const idOf = new Uint32Array(N);
  for (const page of rowPagesOf(manifest, parts.get(manifest.rows.part)!, parts.get(manifest.rows.index)!)) {
    for (const r of page) idOf[Number(/(\d+)\.jpg$/.exec(r.path)![1])] = r.id;
  }
  return { manifest, source, ranges, query, base, idOf, parts };
}

// Format 5 (and 6) lays a forest's blocks out back to back (format.ts blockLayout): the open's blocks
// first, read in one range; each leaf beside its sketch rows. Reading a forest through those ranges
// must search as well as the forest itself: recall@10 against exact search on a seeded mixture.
describe('pack forest ranges', () => {
  it('open in one range, leaves beside their rows, recall@10 ≥ 0.9 against exact search', async () => {
    const { manifest, source, ranges, query, base, idOf, parts } = await memoryPack();
    const blocks = manifest.forests.text.blocks;
    const layout = blockLayout(blocks);
    // Format 6: no slot pages among the blocks; the slot table a part under half the page it replaces (32 KB).
    expect(layout.filter((k) => /\/s\//.test(k))).toEqual([]);
    expect(parts.get(blocks.slots!)!.byteLength).toBeLessThan(16_384);
    expect(new Set(layout).size).toBe(layout.length);
    const leaf = layout.findIndex((k) => /\/l\/0\/0$/.test(k));
    expect(layout[leaf + 1]).toMatch(/\/r\/0\/0$/);
    expect(layout.slice(0, openBlockCount(layout))).toContain('meta');

    const store = new PackBlockStore(source, manifest.forests.text);
    const forest = await Forest.open(store, PACK_FOREST_OPEN);
    expect(ranges).toEqual([[blocks.part, 0, blocks.open]]); // the open read nothing more
    let found = 0;
    for (let q = 0; q < QUERIES; q++) {
      const v = query.subarray(q * DIM, (q + 1) * DIM);
      const exact = exactTopK(base, DIM, v, 10).map((row) => idOf[row]!);
      const got = new Set((await forest.search(v, 10)).map((h) => h.id));
      found += exact.filter((id) => got.has(id)).length;
    }
    expect(found / (QUERIES * 10)).toBeGreaterThanOrEqual(0.9);
  }, 60_000);

  // Slots follow the leaf order of a scratch tree (write.ts spatialOrder), so a query's candidates'
  // vectors lie together. The order must be a permutation, each slot must hold its own photo's
  // vector, and a search that reads every candidate must answer exactly as exact search does.
  it('slots in spatial order: a permutation, each slot holds its id\'s vector, neighbours near, exhaustive search exact', async () => {
    const { base } = synthetic({ n: N, queries: 1, dim: DIM, seed: 11 });
    const order = await spatialOrder(base, DIM, N);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
    const dot = (i: number, j: number): number => {
      let s = 0;
      for (let k = 0; k < DIM; k++) s += base[i * DIM + k]! * base[j * DIM + k]!;
      return s;
    };
    let next = 0, far = 0;
    for (let s = 1; s < N; s++) {
      next += dot(order[s - 1]!, order[s]!);
      far += dot(s - 1, s); // path order: the rows as given
    }
    expect(next / (N - 1)).toBeGreaterThan(far / (N - 1) + 0.1);

    const { manifest, source, query, idOf } = await memoryPack();
    expect([...idOf].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    const forest = await Forest.open(new PackBlockStore(source, manifest.forests.text), PACK_FOREST_OPEN);
    const rows = [0, 1, 500, N - 1];
    const got = await forest.vectorsOf(rows.map((r) => idOf[r]!));
    rows.forEach((r, k) => {
      const unit = got[k]!.unit, row = base.subarray(r * DIM, (r + 1) * DIM);
      const norm = Math.hypot(...row);
      for (let j = 0; j < DIM; j++) expect(unit[j]!).toBeCloseTo(row[j]! / norm, 2);
    });
    for (let q = 0; q < 5; q++) {
      const v = query.subarray(q * DIM, (q + 1) * DIM);
      const exact = exactTopK(base, DIM, v, 10).map((row) => idOf[row]!);
      const hits = await forest.search(v, 10, { searchK: N * 20, rerankBound: Infinity });
      expect(hits.map((h) => h.id)).toEqual(exact);
    }
  }, 60_000);
});
