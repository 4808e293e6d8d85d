import { describe, expect, it } from 'vitest';
import { buildForest, Forest, leafRowsBlocks, MemoryBlockStore } from '../../src/core/forest/index.ts';
import { clustered, row } from './forest-fixture.ts';

// A forest whose leaves carry their sketch rows (a pack read over HTTP): opening reads no sketch
// page, a query reads its leaves' rows with them, and the answers are those of the plain forest.
const DIM = 64, N = 3000;
const base = clustered(N, DIM, 31);
const queries = clustered(20, DIM, 32);

class CountingStore extends MemoryBlockStore {
  readKeys: string[] = [];
  override read(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    this.readKeys.push(...keys);
    return super.read(keys);
  }
}

async function answers(f: Forest): Promise<unknown[]> {
  const out = [];
  for (let q = 0; q < 20; q++) out.push(await f.search(row(queries, DIM, q), 10, { searchK: 600 }));
  return out;
}

describe('forest with sketch rows in its leaves', () => {
  it('opens without the sketch table, reads rows beside leaves, answers as the plain forest, refuses changes', async () => {
    const plainStore = new MemoryBlockStore();
    await buildForest(plainStore, { dim: DIM, ids: Uint32Array.from({ length: N }, (_, i) => i), vectors: base }, { nTrees: 6, seed: 3 });
    const expected = await answers(await Forest.open(plainStore, { pinLeaves: false }));

    // The pack's store: every block but the sketch pages, plus leaf rows.
    const store = new CountingStore();
    const rows = await leafRowsBlocks(plainStore);
    await store.write([...plainStore.keys().filter((k) => !k.includes('/k/')).map((key) => ({ key, bytes: plainStore.raw(key)! })), ...rows]);
    expect(rows.length).toBeGreaterThan(6);

    const forest = await Forest.open(store, { sketchInLeaves: true, pinnedNodeFraction: 0 });
    expect(store.readKeys.some((k) => k.includes('/k/') || k.includes('/l/') || k.includes('/r/'))).toBe(false);
    expect(await answers(forest)).toEqual(expected);
    const leaves = store.readKeys.filter((k) => k.includes('/l/'));
    expect(leaves.length).toBeGreaterThan(0);
    expect(store.readKeys.filter((k) => k.includes('/r/')).length).toBe(leaves.length);
    await expect(forest.add([N], row(base, DIM, 0))).rejects.toMatchObject({ name: 'InvalidArgumentError' });
    // Without its rows a leaf is reported missing, by name.
    const broken = new MemoryBlockStore();
    await broken.write(store.keys().filter((k) => !k.includes('/r/')).map((key) => ({ key, bytes: store.raw(key)! })));
    const bad = await Forest.open(broken, { sketchInLeaves: true, pinnedNodeFraction: 0 });
    await expect(bad.search(row(queries, DIM, 0), 10)).rejects.toMatchObject({ name: 'CorruptBlockError' });
  });
});
