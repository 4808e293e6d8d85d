import { describe, expect, it } from 'vitest';
import { buildForest, Forest, MemoryBlockStore, type SearchTrace } from '../../src/core/forest/index.ts';
import { EARLY_READ_MIN_ENTRIES } from '../../src/core/forest/score.ts';
import { clustered, row } from './forest-fixture.ts';

// On a big search the first vector read starts before the last leaf is scored (score.ts), so the
// store reads vectors while leaves are still arriving; the answers stay those of a search that
// waits for every leaf.
const DIM = 64, N = 3000;
const base = clustered(N, DIM, 31);
const queries = clustered(12, DIM, 32);

/** Leaf reads finish one after another, a millisecond apart; the log shows what happened when. */
class SlowLeaves extends MemoryBlockStore {
  log: ('leaf' | 'vectors')[] = [];
  calls = 0;
  override async read(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    const leaf = keys.some((k) => k.includes('/l/'));
    if (keys.some((k) => k.includes('/v/'))) this.log.push('vectors');
    if (leaf) await new Promise((r) => setTimeout(r, 1 + this.calls++));
    const out = await super.read(keys);
    if (leaf) this.log.push('leaf');
    return out;
  }
}

describe('forest early vector read', () => {
  it('requests vectors while leaves still arrive, and answers as a search that waits', async () => {
    const store = new SlowLeaves();
    await buildForest(store, { dim: DIM, ids: Uint32Array.from({ length: N }, (_, i) => i), vectors: base }, { nTrees: 8, seed: 3 });
    const f = await Forest.open(store, { pinLeaves: false, leafReadChunk: 4 });
    let staged = 0;
    for (let q = 0; q < 12; q++) {
      const runs = [];
      for (const earlyRead of [true, false, [0.1, 0.5, 0.9]]) {
        f.releaseCache();
        store.log = [];
        store.calls = 0;
        const trace: SearchTrace = { leaves: 0, entries: 0, pageFetchRounds: 0 };
        const hits = await f.search(row(queries, DIM, q), 10, { searchK: EARLY_READ_MIN_ENTRIES, earlyRead, trace });
        const firstVectors = store.log.indexOf('vectors'), lastLeaf = store.log.lastIndexOf('leaf');
        expect(trace.leaves).toBeGreaterThan(3);
        if (earlyRead) expect(firstVectors).toBeLessThan(lastLeaf);
        else expect(firstVectors).toBeGreaterThan(lastLeaf);
        // Several stages: each reads only first-list slots not requested before.
        if (Array.isArray(earlyRead) && store.log.slice(0, lastLeaf).filter((e) => e === 'vectors').length > 1) staged++;
        runs.push({ hits, reranked: trace.reranked });
      }
      expect(runs[0]).toEqual(runs[1]);
      expect(runs[2]).toEqual(runs[1]);
    }
    expect(staged).toBeGreaterThan(0);
    // A small search waits for every leaf whatever the option says.
    f.releaseCache();
    store.log = [];
    store.calls = 0;
    await f.search(row(queries, DIM, 0), 10, { searchK: 800 });
    expect(store.log.indexOf('vectors')).toBeGreaterThan(store.log.lastIndexOf('leaf'));
  });
});
