import { describe, expect, it } from 'vitest';
import { buildForest, Forest, MemoryBlockStore, type SearchTrace } from '../../src/core/forest/index.ts';
import { decodeLeaf } from '../../src/core/forest/leaf-codec.ts';
import { packLeaf } from '../../src/core/forest/leaf-pack.ts';
import { clustered, row } from './forest-fixture.ts';

// Leaves are pinned at open when the budget holds them (then a query reads only vectors), packed
// (leaf-pack.ts), or with their entries' sketch rows when it holds them that way; answers never change,
// nor do the candidates kept and re-ranked (leaves with rows skip a repeated slot before its estimate,
// leaves without after: score.ts).
const DIM = 64, N = 3000;
const base = clustered(N, DIM, 21);
const queries = clustered(20, DIM, 22);

/** Counts the blocks a forest reads from its store, by kind. */
class CountingStore extends MemoryBlockStore {
  leafReads = 0;
  vectorReads = 0;
  override read(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    for (const k of keys) {
      if (k.includes('/l/')) this.leafReads++;
      if (k.includes('/v/')) this.vectorReads++;
    }
    return super.read(keys);
  }
}

/** Each query's hits, and the slots its bound kept and re-ranked: the same whatever a leaf carries. */
async function answers(f: Forest): Promise<unknown[]> {
  const out = [];
  for (let q = 0; q < 20; q++) {
    const trace: SearchTrace = { leaves: 0, entries: 0, pageFetchRounds: 0 };
    out.push({ hits: await f.search(row(queries, DIM, q), 10, { searchK: 600, trace }), kept: trace.kept, reranked: trace.reranked });
  }
  return out;
}

describe('forest leaf pinning', () => {
  it('pins the leaves a budget holds, reads none of them per query, and answers as on demand', async () => {
    const store = new CountingStore();
    await buildForest(store, { dim: DIM, ids: Uint32Array.from({ length: N }, (_, i) => i), vectors: base }, { nTrees: 8, seed: 5 });
    const plain = await Forest.open(store, { pinLeaves: false });
    const onDemand = await answers(plain);
    const pages = plain.cacheStats().pinnedBytes, leafBytes = store.byteSize('g1/l/');
    const rowBytes = N * 8 * 4 * (Math.ceil(DIM / 64) * 2 + 2); // one sketch row (words of the rotated dims + two factor words) per entry
    // A roomy budget keeps every leaf with its sketch rows.
    const roomy = await Forest.open(store);
    expect(roomy.cacheStats().pinnedBytes).toBe(pages + leafBytes + rowBytes);
    // Some budget between holds every leaf packed, but not with sketch rows.
    const leafKeys = store.keys().filter((k) => k.startsWith('g1/l/'));
    const packed = leafKeys.reduce((n, k) => n + packLeaf(decodeLeaf(k, store.raw(k) as Uint8Array, DIM).slots).cost, 0);
    expect(packed).toBeLessThan(0.6 * leafBytes);
    let snug: Forest | undefined;
    for (let budget = plain.residentBytes(); !snug && budget < roomy.residentBytes(); budget += 20_000) {
      const f = await Forest.open(store, { memoryBudgetBytes: budget });
      if (f.cacheStats().pinnedBytes === pages + packed) snug = f;
    }
    if (!snug) throw new Error('no budget pinned every leaf packed');
    snug.releaseCache(); // pinned leaves stay
    store.leafReads = store.vectorReads = 0;
    expect(await answers(snug)).toEqual(onDemand);
    expect(store.leafReads).toBe(0);
    expect(store.vectorReads).toBeGreaterThan(20 * 10);
    expect(snug.residentBytes()).toBeLessThanOrEqual(snug.cacheStats().budgetBytes);
    expect(await answers(roomy)).toEqual(onDemand);
    // After an add, both keep answering alike (rows of rewritten leaves follow the new slots).
    const more = clustered(200, DIM, 23);
    const ids = Uint32Array.from({ length: 200 }, (_, i) => N + i);
    await snug.add(ids, more);
    await roomy.add(ids, more);
    expect(await answers(roomy)).toEqual(await answers(snug));
    expect((await roomy.search(row(more, DIM, 7), 1))[0].id).toBe(N + 7);
    // Rows reused from the old leaves (ForestState.sketchRowsOf) match rows taken from the table.
    const reopened = await Forest.open(store);
    expect(await answers(reopened)).toEqual(await answers(roomy));
    expect(reopened.cacheStats().pinnedBytes).toBe(roomy.cacheStats().pinnedBytes);
  });
});
