import { afterAll, describe, expect, it } from 'vitest';
import { buildForest, leafRowsBlocks, MemoryBlockStore } from '../../src/core/forest/index.ts';
import { ForestState } from '../../src/core/forest/forest-state.ts';
import { useKernels, type WasmKernels } from '../../src/core/forest/kernels.ts';
import { decodePage } from '../../src/core/forest/node-codec.ts';
import { ResidentLeaf, ResidentPage, useResident } from '../../src/core/forest/resident.ts';
import { searchForest, type SearchTrace } from '../../src/core/forest/search.ts';
import type { StateOptions } from '../../src/core/forest/state-options.ts';
import { pageKey } from '../../src/core/forest/store.ts';
import { clustered, row } from './forest-fixture.ts';

// Node normals and leaf rows resident in the kernels' wasm memory (resident.ts) must change no
// answer: every search below runs once with residency off (the copying path) and once on, on
// the same seeded forest, and gives the same hits, scores and re-ranked counts. With a budget
// near the minimum, pages and leaves are dropped by the cache while a search still holds them.
const DIM = 64, N = 4000, Q = 12;
const base = clustered(N, DIM, 41);
const queries = clustered(Q, DIM, 42);
const opts = (o: Partial<StateOptions>): StateOptions => ({ memoryBudgetBytes: Number.MAX_SAFE_INTEGER, pinnedNodeFraction: 0.8, leafReadChunk: 24, ...o });

async function stores(): Promise<{ plain: MemoryBlockStore; pack: MemoryBlockStore }> {
  const plain = new MemoryBlockStore();
  await buildForest(plain, { dim: DIM, ids: Uint32Array.from({ length: N }, (_, i) => i + 1), vectors: base }, { nTrees: 8, leafSize: 20, seed: 9 });
  // A pack's store: no sketch table, each leaf's rows beside it.
  const pack = new MemoryBlockStore();
  await pack.write([...plain.keys().filter((k) => !k.includes('/k/')).map((key) => ({ key, bytes: plain.raw(key)! })), ...(await leafRowsBlocks(plain))]);
  return { plain, pack };
}

/** Hits and trace counts of every query at each searchK, on a state opened with residency on or off. */
async function run(store: MemoryBlockStore, o: StateOptions, resident: boolean): Promise<{ out: unknown[]; s: ForestState }> {
  useResident(resident);
  try {
    const s = await ForestState.open(store, o);
    const out: unknown[] = [];
    for (const searchK of [100, 400, 1200]) {
      for (let q = 0; q < Q; q++) {
        const trace: SearchTrace = { leaves: 0, entries: 0, pageFetchRounds: 0 };
        const hits = await searchForest(s, row(queries, DIM, q), 10, searchK, s.meta.nTrees, 1.9, trace);
        out.push({ hits, entries: trace.entries, reranked: trace.reranked, kept: trace.kept });
      }
    }
    return { out, s };
  } finally {
    useResident(true);
  }
}

/** The smallest budget ForestState.open accepts for this store. */
async function minimum(store: MemoryBlockStore, o: Partial<StateOptions>): Promise<number> {
  const err = await ForestState.open(store, opts({ ...o, memoryBudgetBytes: 1 })).catch((e: Error) => e);
  return Number(/at least (\d+)/.exec((err as Error).message)?.[1]);
}

describe('resident node pages and leaf rows', () => {
  afterAll(() => {
    useResident(true);
    useKernels('wasm');
  });

  it('answer as the copying path: roomy, default, tight budgets and a pack', async () => {
    const { plain, pack } = await stores();
    const tight = (await minimum(plain, { pinnedNodeFraction: 0 })) + 20_000;
    const tightPack = (await minimum(pack, { sketchInLeaves: true })) + 20_000;
    const cases: [MemoryBlockStore, StateOptions][] = [
      [plain, opts({})],
      [plain, opts({ memoryBudgetBytes: 64 << 20 })],
      [plain, opts({ memoryBudgetBytes: tight, pinnedNodeFraction: 0, pinLeaves: false })],
      [pack, opts({ sketchInLeaves: true, pinnedNodeFraction: 0 })],
      [pack, opts({ memoryBudgetBytes: tightPack, sketchInLeaves: true, pinPages: 'roots' })],
    ];
    for (const [store, o] of cases) {
      const old = await run(store, o, false);
      const now = await run(store, o, true);
      expect(now.out).toEqual(old.out);
      // The copying side held nothing resident; the other did (pages always, rows where leaves carry them).
      const cached = (s: ForestState) => s.dirs.flatMap((d, t) => Array.from({ length: d.pageCount }, (_, p) => s.pageIfLoaded(t, p)).filter((p) => p));
      expect(cached(old.s).some((p) => p instanceof ResidentPage)).toBe(false);
      expect(cached(now.s).length).toBeGreaterThan(0);
      expect(cached(now.s).every((p) => p instanceof ResidentPage)).toBe(true);
      if (o === cases[0][1] || o.sketchInLeaves) expect((await now.s.leaves([0], [0]))[0]).toBeInstanceOf(ResidentLeaf);
    }
  });

  it('frees the wasm blocks of pages and leaves the cache drops, which keep their values', async () => {
    const { plain, pack } = await stores();
    // Its own kernels: blocks of earlier states (freed whenever they are collected) are not counted here.
    const k = useKernels('wasm') as WasmKernels;
    expect(k.liveBytes).toBe(0);
    for (const [store, o] of [
      [plain, { pinnedNodeFraction: 0, pinLeaves: false }],
      [pack, { sketchInLeaves: true, pinPages: 'roots' }],
    ] as [MemoryBlockStore, Partial<StateOptions>][]) {
      const budget = (await minimum(store, o)) + 20_000;
      const s = await ForestState.open(store, opts({ ...o, memoryBudgetBytes: budget }));
      const pages: ResidentPage[] = [];
      let peak = 0;
      for (let q = 0; q < Q; q++) {
        await searchForest(s, row(queries, DIM, q), 10, 1200, s.meta.nTrees, 1.9);
        // Resident blocks belong to what the cache holds and is charged for (size classes round
        // up by at most 1/8), and the cache keeps to its budget (beside the roots a pack pins).
        peak = Math.max(peak, k.liveBytes);
        expect(k.liveBytes).toBeLessThanOrEqual(s.cache.bytes * 1.125 + 256);
        expect(s.cache.bytes - s.cache.pinnedByteCount).toBeLessThanOrEqual(s.cache.budgetBytes);
      }
      expect(peak).toBeGreaterThan(0);
      // Every page of tree 0, one at a time: the cache cannot hold them all, so early ones are dropped.
      for (let p = 0; p < s.dirs[0].pageCount; p++) pages.push((await s.loadPages([{ t: 0, p }]))[0] as ResidentPage);
      expect(pages.every((p) => p instanceof ResidentPage)).toBe(true);
      expect(pages.some((p) => p.at < 0)).toBe(true);
      expect(pages.some((p) => p.at >= 0)).toBe(true);
      const bytes = await store.read(pages.map((_, p) => pageKey(s.meta.generation, 0, p)));
      pages.forEach((page, p) => expect(page.normals).toEqual(decodePage('x', bytes[p]!, DIM).normals));
      // A freed block is used again: loading the dropped pages back does not grow the memory.
      const size = k.buffer.byteLength;
      for (let p = 0; p < pages.length; p++) if (pages[p].at < 0) await s.loadPages([{ t: 0, p }]);
      expect(k.buffer.byteLength).toBe(size);
      s.close();
      expect(k.liveBytes).toBe(0);
      expect(pages.every((p) => p.at < 0)).toBe(true);
    }
  });
});
