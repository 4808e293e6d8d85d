import { describe, expect, it } from 'vitest';
import { buildForest, Forest, MemoryBlockStore } from '../../src/core/forest/index.ts';
import { clustered, row } from './forest-fixture.ts';

const DIM = 16;
const base = clustered(200, DIM, 5);
const ids = Array.from({ length: 200 }, (_, i) => i);

async function fresh(): Promise<{ store: MemoryBlockStore; f: Forest }> {
  const store = new MemoryBlockStore();
  await buildForest(store, { dim: DIM, ids, vectors: base }, { nTrees: 2, leafSize: 10, leafCapacity: 16 });
  return { store, f: await Forest.open(store) };
}

const named = (name: string, text?: string): object => ({ name, ...(text ? { message: expect.stringContaining(text) } : {}) });

describe('forest errors', () => {
  it('DimensionMismatchError for queries, builds and adds of the wrong width', async () => {
    const { f, store } = await fresh();
    await expect(f.search(new Float32Array(DIM + 1).fill(1), 3)).rejects.toMatchObject(named('DimensionMismatchError', 'same model'));
    await expect(f.add([999], new Float32Array(DIM - 1).fill(1))).rejects.toMatchObject(named('DimensionMismatchError'));
    await expect(buildForest(store, { dim: DIM, ids: [1, 2], vectors: new Float32Array(DIM * 3) })).rejects.toMatchObject(named('DimensionMismatchError'));
  });

  it.each([NaN, Infinity, -Infinity])('NonFiniteVectorError for %s in a query, an add or a build', async (bad) => {
    const { f } = await fresh();
    const v = new Float32Array(DIM).fill(0.5);
    v[3] = bad;
    await expect(f.search(v, 3)).rejects.toMatchObject(named('NonFiniteVectorError', 'component 3'));
    await expect(f.add([999], v)).rejects.toMatchObject(named('NonFiniteVectorError'));
    await expect(buildForest(new MemoryBlockStore(), { dim: DIM, ids: [1], vectors: v })).rejects.toMatchObject(named('NonFiniteVectorError'));
    expect(f.size).toBe(200);
  });

  it('ZeroVectorError for an all-zero vector', async () => {
    const { f } = await fresh();
    await expect(f.search(new Float32Array(DIM), 3)).rejects.toMatchObject(named('ZeroVectorError'));
  });

  it('InvalidArgumentError for k ≤ 0 or fractional k', async () => {
    const { f } = await fresh();
    for (const k of [0, -1, 1.5, NaN]) await expect(f.search(row(base, DIM, 0), k)).rejects.toMatchObject(named('InvalidArgumentError', 'k must be a positive integer'));
  });

  it('UnknownIdError on deleting an id that is not there', async () => {
    const { f } = await fresh();
    await expect(f.delete([12345])).rejects.toMatchObject(named('UnknownIdError', '12345'));
  });

  it('InvalidIdError and DuplicateIdError on bad ids', async () => {
    const { f } = await fresh();
    await expect(f.add([-1], row(base, DIM, 0))).rejects.toMatchObject(named('InvalidIdError'));
    await expect(f.add([2 ** 32 - 1], row(base, DIM, 0))).rejects.toMatchObject(named('InvalidIdError'));
    await expect(f.delete([0.5])).rejects.toMatchObject(named('InvalidIdError'));
    await expect(buildForest(new MemoryBlockStore(), { dim: DIM, ids: [3, 3], vectors: base.subarray(0, 2 * DIM) })).rejects.toMatchObject(named('DuplicateIdError'));
  });

  it('CorruptBlockError when a leaf block fails its checksum, on read not on open', async () => {
    const { store } = await fresh();
    const leaf = store.keys().find((k) => k.includes('/l/0/')) as string;
    const bytes = store.raw(leaf) as Uint8Array;
    bytes[bytes.length - 5] ^= 0x10; // one bit in one slot number
    const f = await Forest.open(store);
    await expect(f.search(row(base, DIM, 0), 3, { searchK: 1e9 })).rejects.toMatchObject(named('CorruptBlockError', 'rebuild'));
  });

  it('CorruptBlockError for damaged meta, node pages and truncated blocks', async () => {
    const a = await fresh();
    (a.store.raw('meta') as Uint8Array)[20] ^= 1;
    await expect(Forest.open(a.store)).rejects.toMatchObject(named('CorruptBlockError', 'meta'));
    const b = await fresh();
    const page = b.store.keys().find((k) => k.includes('/n/1/')) as string;
    (b.store.raw(page) as Uint8Array)[40] ^= 0x80;
    await expect(Forest.open(b.store)).rejects.toMatchObject(named('CorruptBlockError', page));
    // A leaf damaged after open: caught when read (a forest that reads leaves on demand).
    const c = await fresh();
    const onDemand = await Forest.open(c.store, { pinLeaves: false });
    const leaf = c.store.keys().find((k) => k.includes('/l/')) as string;
    await c.store.write([{ key: leaf, bytes: (c.store.raw(leaf) as Uint8Array).subarray(0, 30) }]);
    await expect(onDemand.search(row(base, DIM, 0), 3, { searchK: 1e9 })).rejects.toMatchObject(named('CorruptBlockError'));
  });

  it('FormatVersionError for a block from another format version', async () => {
    const { store } = await fresh();
    (store.raw('meta') as Uint8Array)[4] = 9;
    await expect(Forest.open(store)).rejects.toMatchObject(named('FormatVersionError', 'version 9'));
  });

  it('ForestNotFoundError and MemoryBudgetError on open', async () => {
    await expect(Forest.open(new MemoryBlockStore())).rejects.toMatchObject(named('ForestNotFoundError'));
    const { store } = await fresh();
    await expect(Forest.open(store, { memoryBudgetBytes: 100 })).rejects.toMatchObject(named('MemoryBudgetError', 'at least'));
  });

  it('AbortError when the build signal fires', async () => {
    const signal = { aborted: true };
    await expect(buildForest(new MemoryBlockStore(), { dim: DIM, ids, vectors: base }, {}, { signal })).rejects.toMatchObject(named('AbortError'));
    // Fired between trees: blocks of the unfinished build exist but no meta names them.
    let checks = 0;
    const later = { get aborted() { return ++checks > 2; } };
    const store = new MemoryBlockStore();
    await expect(buildForest(store, { dim: DIM, ids, vectors: base }, { nTrees: 5 }, { signal: later, writeBatchBytes: 1 })).rejects.toMatchObject(named('AbortError'));
    expect(store.keys().some((k) => k.includes('/l/0/'))).toBe(true);
    await expect(Forest.open(store)).rejects.toMatchObject(named('ForestNotFoundError'));
  });
});
